-- Paddle comparisons (less_than, less_equal, greater_than, greater_equal, equal, not_equal: a
-- boolean Out, the operands aligned by `axis` like the elementwise ops), the logical ops
-- (logical_and, logical_or, logical_xor, logical_not: non-boolean operands count as true when
-- non-zero) and increment (X + step).
local util = require("paddle_util")

local function compare(op)
  return function(node)
    local x, y = util.align(util.required(node, "X"), util.required(node, "Y"), node:attr("axis", -1))
    if x:type() ~= y:type() then y = remo.op("opset1.Convert", {y}, {destination_type = x:type()}) end
    return util.outputs(node, {Out = remo.op(op, {x, y}, {auto_broadcast = "numpy"})})
  end
end

remo.translate("paddle.less_than", compare("opset1.Less"))
remo.translate("paddle.less_equal", compare("opset1.LessEqual"))
remo.translate("paddle.greater_than", compare("opset1.Greater"))
remo.translate("paddle.greater_equal", compare("opset1.GreaterEqual"))
remo.translate("paddle.equal", compare("opset1.Equal"))
remo.translate("paddle.not_equal", compare("opset1.NotEqual"))

local function boolean(x)
  if x:type() == "boolean" then return x end
  return remo.op("opset1.NotEqual", {x, remo.const(0, x:type())})
end

local function logical(op)
  return function(node)
    local x, y = boolean(util.required(node, "X")), boolean(util.required(node, "Y"))
    return util.outputs(node, {Out = remo.op(op, {x, y}, {auto_broadcast = "numpy"})})
  end
end

remo.translate("paddle.logical_and", logical("opset1.LogicalAnd"))
remo.translate("paddle.logical_or", logical("opset1.LogicalOr"))
remo.translate("paddle.logical_xor", logical("opset1.LogicalXor"))
remo.translate("paddle.logical_not", function(node)
  return util.outputs(node, {Out = remo.op("opset1.LogicalNot", {boolean(util.required(node, "X"))})})
end)

remo.translate("paddle.increment", function(node)
  local x = util.required(node, "X")
  return util.outputs(node, {Out = remo.op("opset1.Add", {x, util.scalar(node:attr("step", 1.0), x)})})
end)
