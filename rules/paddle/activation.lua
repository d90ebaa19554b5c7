-- Paddle activations.
local util = require("paddle_util")

local function unary(op)
  return function(node)
    return util.outputs(node, {Out = remo.op(op, {util.required(node, "X")})})
  end
end

remo.translate("paddle.relu", unary("opset1.Relu"))
remo.translate("paddle.sigmoid", unary("opset1.Sigmoid"))
remo.translate("paddle.tanh", unary("opset1.Tanh"))
remo.translate("paddle.exp", unary("opset1.Exp"))
remo.translate("paddle.sqrt", unary("opset1.Sqrt"))
remo.translate("paddle.abs", unary("opset1.Abs"))

-- relu6: min(max(x, 0), threshold), threshold 6 by default.
remo.translate("paddle.relu6", function(node)
  local x = util.required(node, "X")
  return util.outputs(node, {Out = remo.op("opset1.Clamp", {x}, {min = 0.0, max = node:attr("threshold", 6.0)})})
end)

-- hard_swish: x * min(max(x + offset, 0), threshold) / scale.
remo.translate("paddle.hard_swish", function(node)
  local x = util.required(node, "X")
  local threshold, scale, offset = node:attr("threshold", 6.0), node:attr("scale", 6.0), node:attr("offset", 3.0)
  local y
  if threshold == 6.0 and scale == 6.0 and offset == 3.0 then
    y = remo.op("opset4.HSwish", {x})
  else
    local shifted = remo.op("opset1.Add", {x, util.scalar(offset, x)})
    local clamped = remo.op("opset1.Clamp", {shifted}, {min = 0.0, max = threshold})
    local gate = remo.op("opset1.Divide", {clamped, util.scalar(scale, x)})
    y = remo.op("opset1.Multiply", {x, gate})
  end
  return util.outputs(node, {Out = y})
end)

-- hard_sigmoid: max(0, min(1, slope * x + offset)).
remo.translate("paddle.hard_sigmoid", function(node)
  local x = util.required(node, "X")
  local scaled = remo.op("opset1.Multiply", {x, util.scalar(node:attr("slope", 0.2), x)})
  local shifted = remo.op("opset1.Add", {scaled, util.scalar(node:attr("offset", 0.5), x)})
  return util.outputs(node, {Out = remo.op("opset1.Clamp", {shifted}, {min = 0.0, max = 1.0})})
end)

-- swish: x * sigmoid(beta * x).
remo.translate("paddle.swish", function(node)
  local x = util.required(node, "X")
  local beta = node:attr("beta", 1.0)
  local y
  if beta == 1.0 then y = remo.op("opset4.Swish", {x})
  else y = remo.op("opset4.Swish", {x, util.scalar(beta, x)}) end
  return util.outputs(node, {Out = y})
end)

-- leaky_relu: x >= 0 ? x : alpha * x.
remo.translate("paddle.leaky_relu", function(node)
  local x = util.required(node, "X")
  local slope = remo.const({node:attr("alpha", 0.02)}, x:type())
  return util.outputs(node, {Out = remo.op("opset1.PRelu", {x, slope})})
end)
