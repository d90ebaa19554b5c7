-- TensorFlow's fake quantization: FakeQuantWithMinMaxArgs (range in attributes),
-- FakeQuantWithMinMaxVars (range as scalar inputs) and FakeQuantWithMinMaxVarsPerChannel (one
-- range per element of the last dimension) become opset1.FakeQuantize.
--
-- TensorFlow does not quantize over [min, max] as given: it first moves the range so that 0.0 is
-- exactly representable ("nudging"). With quant_min = narrow_range and 1 or 0, quant_max =
-- 2^num_bits - 1:
--   scale      = (max - min) / (quant_max - quant_min)
--   zero_point = round_half_away(clamp(quant_min - min / scale, quant_min, quant_max))
--   nudged_min = (quant_min - zero_point) * scale,  nudged_max = (quant_max - zero_point) * scale
-- and the op rounds onto quant_max - quant_min + 1 levels of that nudged range. The nudge is built
-- as ops, so a range that is not a constant works too; constant ranges fold to constants.

local function levels(node)
  local bits = node:attr("num_bits", 8)
  if bits < 2 or bits > 16 then error("num_bits must be in [2, 16], got " .. bits) end
  local narrow = node:attr("narrow_range", false)
  local qmin = narrow and 1 or 0
  return qmin, (1 << bits) - 1
end

-- FakeQuantize of x over TensorFlow's nudged [min, max] (Values of x's type, broadcasting to x).
local function fake_quantize(node, x, min, max)
  local t = x:type()
  local qmin, qmax = levels(node)
  local function c(v) return remo.const(v, t, {}) end
  local scale = remo.op("opset1.Divide", {remo.op("opset1.Subtract", {max, min}), c(qmax - qmin)})
  local from_min = remo.op("opset1.Subtract", {c(qmin), remo.op("opset1.Divide", {min, scale})})
  local zero_point = remo.op("opset5.Round", {remo.op("opset1.Clamp", {from_min}, {min = qmin, max = qmax})},
                             {mode = "half_away_from_zero"})
  local low = remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {c(qmin), zero_point}), scale})
  local high = remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {c(qmax), zero_point}), scale})
  return remo.op("opset1.FakeQuantize", {x, low, high, low, high}, {levels = qmax - qmin + 1})
end

local function as_type(v, t)
  if v:type() == t then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = t})
end

remo.translate("tf.FakeQuantWithMinMaxArgs", function(node)
  local x = node:input(1)
  local min, max = node:attr("min", -6.0), node:attr("max", 6.0)
  if not (min < max) then error("min (" .. min .. ") must be below max (" .. max .. ")") end
  return fake_quantize(node, x, remo.const(min, x:type(), {}), remo.const(max, x:type(), {}))
end)

remo.translate("tf.FakeQuantWithMinMaxVars", function(node)
  local x = node:input(1)
  local t = x:type()
  return fake_quantize(node, x, as_type(node:input(2), t), as_type(node:input(3), t))
end)

-- min and max have one value per element of x's last dimension, which numpy broadcasting lines
-- up with that dimension.
remo.translate("tf.FakeQuantWithMinMaxVarsPerChannel", function(node)
  local x = node:input(1)
  local t = x:type()
  local min, max = node:input(2), node:input(3)
  if min:rank() ~= nil and min:rank() ~= 1 then error("min must be a vector, got rank " .. min:rank()) end
  if max:rank() ~= nil and max:rank() ~= 1 then error("max must be a vector, got rank " .. max:rank()) end
  return fake_quantize(node, x, as_type(min, t), as_type(max, t))
end)
