-- Paddle matmul_v2 (trans_x, trans_y) and the older matmul (transpose_X, transpose_Y, alpha).
-- Both broadcast batch dimensions and treat 1-D operands as numpy does, as MatMul-1 does.
local util = require("paddle_util")

remo.translate("paddle.matmul_v2", function(node)
  local y = remo.op("opset1.MatMul", {util.required(node, "X"), util.required(node, "Y")},
                    {transpose_a = node:attr("trans_x", false), transpose_b = node:attr("trans_y", false)})
  return util.outputs(node, {Out = y})
end)

remo.translate("paddle.matmul", function(node)
  local x = util.required(node, "X")
  local y = remo.op("opset1.MatMul", {x, util.required(node, "Y")},
                    {transpose_a = node:attr("transpose_X", false), transpose_b = node:attr("transpose_Y", false)})
  local alpha = node:attr("alpha", 1.0)
  if alpha ~= 1.0 then y = remo.op("opset1.Multiply", {y, util.scalar(alpha, x)}) end
  return util.outputs(node, {Out = y})
end)

-- fc (a fused linear layer): Input's dimensions from in_num_col_dims on are flattened into one,
-- multiplied by W [K, N], plus Bias, then activation_type ("" or "relu").
remo.translate("paddle.fc", function(node)
  local x, w = util.required(node, "Input"), util.required(node, "W")
  local rank = util.rank(x, "fc")
  local k = node:attr("in_num_col_dims", 1)
  if k < 1 or k >= rank then error("fc: in_num_col_dims " .. k .. " does not fit an input of rank " .. rank) end
  if node:attr("padding_weights", false) then error("fc with padding_weights is not supported") end
  local target = {}
  for i = 1, k do target[i] = 0 end
  target[k + 1] = -1
  local flat = remo.op("opset1.Reshape", {x, remo.const(target, "i64")}, {special_zero = true})
  local y = remo.op("opset1.MatMul", {flat, w})
  local bias = util.input(node, "Bias")
  if bias ~= nil then y = remo.op("opset1.Add", {y, bias}) end
  local act = node:attr("activation_type", "")
  if act == "relu" then y = remo.op("opset1.Relu", {y})
  elseif act ~= "" then error("fc: activation_type '" .. act .. "' is not supported") end
  return util.outputs(node, {Out = y})
end)
