-- ONNX Pad -> Pad-1 (or Pad-12 when a pad is negative, which crops).
local util = require("onnx_util")

local MODES = {constant = "constant", reflect = "reflect", edge = "edge"}

remo.translate("onnx.Pad", function(node)
  local x = node:input(1)
  local rank = util.rank(x, "Pad")
  local mode = MODES[node:attr("mode", "constant")]
  if mode == nil then error("Pad mode '" .. node:attr("mode") .. "' is not supported (constant, reflect, edge)") end
  local pads, value
  if node.opset < 11 then
    pads = node:attr("pads")
    value = remo.const(node:attr("value", 0.0), x:type())
  else
    pads = util.const_values(node:input(2), "Pad's pads")
    value = node:input(3)
  end
  local begins, ends
  local axes = node.opset >= 18 and node:input(4) and util.const_values(node:input(4), "Pad's axes")
  if axes then
    -- Pads given for some axes only: the others get zero.
    local partial_begin, partial_end = util.split_pads(pads, #axes)
    begins, ends = util.fill(rank, 0), util.fill(rank, 0)
    for i, axis in ipairs(axes) do
      local a = util.axis(axis, rank) + 1
      begins[a], ends[a] = partial_begin[i], partial_end[i]
    end
  else
    begins, ends = util.split_pads(pads, rank)
  end
  local op = "opset1.Pad"
  for i = 1, rank do
    if begins[i] < 0 or ends[i] < 0 then op = "opset12.Pad" end
  end
  local inputs = {x, remo.const(begins, "i64"), remo.const(ends, "i64")}
  if mode == "constant" and value ~= nil then inputs[4] = value end
  return remo.op(op, inputs, {pad_mode = mode})
end)
