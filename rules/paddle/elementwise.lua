-- Paddle elementwise_* ops. With axis = -1 (or equal ranks) the operands broadcast like numpy;
-- otherwise the lower-rank operand's dimensions line up with the other's starting at `axis`
-- (Paddle's legacy rule), so it gets size-1 dimensions before and after.
local util = require("paddle_util")

local function align(x, y, axis)
  local rx, ry = util.rank(x, "elementwise op"), util.rank(y, "elementwise op")
  if axis == -1 or rx == ry then return x, y end
  local swap = rx < ry
  local big, small = x, y
  if swap then big, small = y, x end
  local rb, rs = math.max(rx, ry), math.min(rx, ry)
  if axis < 0 then axis = axis + rb - rs + 1 end
  if axis < 0 or axis + rs > rb then error("axis " .. axis .. " does not fit ranks " .. rx .. " and " .. ry) end
  local axes = {}
  for i = 0, axis - 1 do axes[#axes + 1] = i end
  for i = axis + rs, rb - 1 do axes[#axes + 1] = i end
  if #axes > 0 then small = remo.op("opset1.Unsqueeze", {small, remo.const(axes, "i64")}) end
  if swap then return small, big end
  return big, small
end

local function binary(op, extra)
  return function(node)
    local x, y = align(util.required(node, "X"), util.required(node, "Y"), node:attr("axis", -1))
    local attrs = {auto_broadcast = "numpy"}
    for k, v in pairs(extra or {}) do attrs[k] = v end
    return util.outputs(node, {Out = remo.op(op, {x, y}, attrs)})
  end
end

remo.translate("paddle.elementwise_add", binary("opset1.Add"))
remo.translate("paddle.elementwise_sub", binary("opset1.Subtract"))
remo.translate("paddle.elementwise_mul", binary("opset1.Multiply"))
-- Integer division truncates, as C++ does.
remo.translate("paddle.elementwise_div", binary("opset1.Divide", {m_pythondiv = false}))
remo.translate("paddle.elementwise_pow", binary("opset1.Power"))
remo.translate("paddle.elementwise_max", binary("opset1.Maximum"))
remo.translate("paddle.elementwise_min", binary("opset1.Minimum"))
