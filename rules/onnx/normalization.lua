-- ONNX BatchNormalization (inference form) -> x * k + (bias - mean * k), k = scale / sqrt(var + eps).
-- With constant statistics the arithmetic on them folds away, leaving one Multiply and one Add
-- that the runtime fuses into the preceding convolution.
local util = require("onnx_util")

remo.translate("onnx.BatchNormalization", function(node)
  if node:output_count() > 1 and node.opset < 14 and node:attr("is_test", 1) == 0 then
    error("BatchNormalization in training mode is not supported")
  end
  if node.opset >= 14 and node:attr("training_mode", 0) ~= 0 then
    error("BatchNormalization with training_mode=1 is not supported")
  end
  local x, scale, bias, mean, var = node:input(1), node:input(2), node:input(3), node:input(4), node:input(5)
  local rank = util.rank(x, "BatchNormalization")
  local eps = remo.const(node:attr("epsilon", 1e-5), var:type())
  local std = remo.op("opset1.Sqrt", {remo.op("opset1.Add", {var, eps})})
  local k = remo.op("opset1.Divide", {scale, std})
  local shift = remo.op("opset1.Subtract", {bias, remo.op("opset1.Multiply", {mean, k})})
  local y = remo.op("opset1.Multiply", {x, util.per_channel(k, rank)})
  return remo.op("opset1.Add", {y, util.per_channel(shift, rank)})
end)
