-- Paddle elementwise_* ops. With axis = -1 (or equal ranks) the operands broadcast like numpy;
-- otherwise the lower-rank operand's dimensions line up with the other's starting at `axis`
-- (Paddle's legacy rule), so it gets size-1 dimensions before and after.
local util = require("paddle_util")

local align = util.align

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
