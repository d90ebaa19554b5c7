-- TensorFlow elementwise unary math and activations beyond the basic ones (nn.lua).
local util = require("tf_util")

local SAME = {
  Abs = "opset1.Abs", Neg = "opset1.Negative", Exp = "opset1.Exp", Log = "opset1.Log",
  Floor = "opset1.Floor", Ceil = "opset1.Ceiling", Sign = "opset1.Sign", Erf = "opset1.Erf",
  Sin = "opset1.Sin", Cos = "opset1.Cos", Tan = "opset1.Tan", Asin = "opset1.Asin", Acos = "opset1.Acos",
  Atan = "opset1.Atan", Sinh = "opset1.Sinh", Cosh = "opset1.Cosh", Asinh = "opset4.Asinh",
  Acosh = "opset4.Acosh", Atanh = "opset4.Atanh", Softplus = "opset4.SoftPlus", LogicalNot = "opset1.LogicalNot",
  IsNan = "opset10.IsNaN", IsInf = "opset10.IsInf",
}
for name, op in pairs(SAME) do
  remo.translate("tf." .. name, function(node) return remo.op(op, {node:input(1)}) end)
end

local function one(x) return remo.const({1}, x:type(), {}) end

-- Round: halves go to the even neighbour (banker's rounding); integers are unchanged.
remo.translate("tf.Round", function(node)
  local x = node:input(1)
  if not util.is_float(x) then return x end
  return remo.op("opset5.Round", {x}, {mode = "half_to_even"})
end)

remo.translate("tf.Rint", function(node)
  return remo.op("opset5.Round", {node:input(1)}, {mode = "half_to_even"})
end)

-- 1 / x; for integers TensorFlow divides with truncation, as Divide does without pythondiv.
remo.translate("tf.Reciprocal", function(node)
  local x = node:input(1)
  return remo.op("opset1.Divide", {one(x), x}, {m_pythondiv = false})
end)
remo.translate("tf.Inv", function(node)
  local x = node:input(1)
  return remo.op("opset1.Divide", {one(x), x}, {m_pythondiv = false})
end)

remo.translate("tf.Log1p", function(node)
  local x = node:input(1)
  return remo.op("opset1.Log", {remo.op("opset1.Add", {x, one(x)})})
end)

remo.translate("tf.Expm1", function(node)
  local x = node:input(1)
  return remo.op("opset1.Subtract", {remo.op("opset1.Exp", {x}), one(x)})
end)

-- x / (1 + |x|)
remo.translate("tf.Softsign", function(node)
  local x = node:input(1)
  return remo.op("opset1.Divide", {x, remo.op("opset1.Add", {remo.op("opset1.Abs", {x}), one(x)})})
end)

-- scale * (x > 0 ? x : alpha * (exp(x) - 1)) with TensorFlow's fixed alpha and scale.
remo.translate("tf.Selu", function(node)
  local x = node:input(1)
  local elu = remo.op("opset1.Elu", {x}, {alpha = 1.6732632423543772848170429916717})
  return remo.op("opset1.Multiply", {elu, remo.const({1.0507009873554804934193349852946}, x:type(), {})})
end)

remo.translate("tf.LogSoftmax", function(node)
  return remo.op("opset5.LogSoftmax", {node:input(1)}, {axis = -1})
end)

-- x * sigmoid(x): the CPU graph optimizer's fused Swish.
remo.translate("tf._MklSwish", function(node)
  return remo.op("opset4.Swish", {node:input(1)})
end)

-- 1 - erf(x)
remo.translate("tf.Erfc", function(node)
  local x = node:input(1)
  return remo.op("opset1.Subtract", {one(x), remo.op("opset1.Erf", {x})})
end)
