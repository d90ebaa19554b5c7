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
