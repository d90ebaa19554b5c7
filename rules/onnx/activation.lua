-- ONNX activations that need more than a 1:1 mapping: Clip, LeakyRelu, HardSigmoid.
local util = require("onnx_util")

-- Clip's bounds are attributes before opset 11 and optional inputs from then on. Constant bounds
-- become one Clamp; bounds known only at run time become Maximum/Minimum.
remo.translate("onnx.Clip", function(node)
  local x = node:input(1)
  local low, high
  if node.opset < 11 then
    low, high = node:attr("min", -3.4028234663852886e38), node:attr("max", 3.4028234663852886e38)
    return remo.op("opset1.Clamp", {x}, {min = low, max = high})
  end
  local min_in, max_in = node:input(2), node:input(3)
  local lows = min_in and min_in:value()
  local highs = max_in and max_in:value()
  if (min_in == nil or lows) and (max_in == nil or highs) and util.ONNX_FLOAT[x:type()] then
    low = lows and lows[1] or -3.4028234663852886e38
    high = highs and highs[1] or 3.4028234663852886e38
    return remo.op("opset1.Clamp", {x}, {min = low, max = high})
  end
  local y = x
  if min_in ~= nil then y = remo.op("opset1.Maximum", {y, min_in}) end
  if max_in ~= nil then y = remo.op("opset1.Minimum", {y, max_in}) end
  return y
end)

remo.translate("onnx.LeakyRelu", function(node)
  local x = node:input(1)
  return remo.op("opset1.PRelu", {x, remo.const(node:attr("alpha", 0.01), x:type())})
end)

-- HardSigmoid: max(0, min(1, alpha * x + beta)).
remo.translate("onnx.HardSigmoid", function(node)
  local x = node:input(1)
  local alpha, beta = node:attr("alpha", 0.2), node:attr("beta", 0.5)
  if math.abs(alpha - 1 / 6) < 1e-7 and beta == 0.5 then return remo.op("opset5.HSigmoid", {x}) end
  local y = remo.op("opset1.Add", {remo.op("opset1.Multiply", {x, remo.const(alpha, x:type())}), remo.const(beta, x:type())})
  return remo.op("opset1.Clamp", {y}, {min = 0.0, max = 1.0})
end)
