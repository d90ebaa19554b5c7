-- Paddle fill_constant_batch_size_like (how Paddle 2.x's recurrent layers made their initial
-- states): the `shape` attribute with dimension output_dim_idx replaced by dimension
-- input_dim_idx of Input, filled with `value` (or str_value) of `dtype`.
local util = require("paddle_util")

remo.translate("paddle.fill_constant_batch_size_like", function(node)
  local input = util.required(node, "Input")
  local t = util.element_type(node:attr("dtype", 5))
  local shape = node:attr("shape")
  local out_idx = node:attr("output_dim_idx", 0)
  local in_idx = util.axis(node:attr("input_dim_idx", 0), util.rank(input, "fill_constant_batch_size_like's Input"))
  if out_idx < 0 or out_idx >= #shape then
    error("fill_constant_batch_size_like: output_dim_idx " .. out_idx .. " is outside shape of rank " .. #shape)
  end
  local before, after = {}, {}
  for i = 1, out_idx do before[#before + 1] = shape[i] end
  for i = out_idx + 2, #shape do after[#after + 1] = shape[i] end
  local target
  local known = input:shape()[in_idx + 1]
  if known >= 0 then  -- a static batch keeps the output shape static
    local full = {}
    for _, d in ipairs(before) do full[#full + 1] = d end
    full[#full + 1] = known
    for _, d in ipairs(after) do full[#full + 1] = d end
    target = remo.const(full, "i64")
  else
    local dims = remo.op("opset3.ShapeOf", {input}, {output_type = "i64"})
    local parts = {}
    if #before > 0 then parts[#parts + 1] = remo.const(before, "i64") end
    parts[#parts + 1] = remo.op("opset8.Gather", {dims, remo.const({in_idx}, "i64"), remo.const(0, "i64")})
    if #after > 0 then parts[#parts + 1] = remo.const(after, "i64") end
    target = #parts == 1 and parts[1] or remo.op("opset1.Concat", parts, {axis = 0})
  end
  local scalar = remo.const(util.fill_value(node, t), t)
  return util.outputs(node, {Out = remo.op("opset3.Broadcast", {scalar, target}, {mode = "numpy"})})
end)
