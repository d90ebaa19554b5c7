-- Paddle batch_norm (inference: the saved running statistics) -> x * k + (bias - mean * k) with
-- k = scale / sqrt(variance + epsilon). The statistics are constants, so the arithmetic on them
-- folds away and the middle phase's weight folding moves the Multiply into a preceding
-- convolution's weights.
local util = require("paddle_util")

remo.translate("paddle.batch_norm", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "batch_norm")
  if rank < 2 then error("batch_norm needs an input of rank 2 or more") end
  local nchw = util.channels_first(node, "data_layout")
  if not nchw then x = util.to_channels_first(x, rank) end
  local scale, bias = util.required(node, "Scale"), util.required(node, "Bias")
  local mean, var = util.required(node, "Mean"), util.required(node, "Variance")
  local eps = remo.const(node:attr("epsilon", 1e-5), var:type())
  local std = remo.op("opset1.Sqrt", {remo.op("opset1.Add", {var, eps})})
  local k = remo.op("opset1.Divide", {scale, std})
  local shift = remo.op("opset1.Subtract", {bias, remo.op("opset1.Multiply", {mean, k})})
  local y = remo.op("opset1.Multiply", {x, util.per_channel(k, rank)})
  y = remo.op("opset1.Add", {y, util.per_channel(shift, rank)})
  if not nchw then y = util.to_channels_last(y, rank) end
  return util.outputs(node, {Y = y})
end)

-- softmax over `axis` (default: the last).
remo.translate("paddle.softmax", function(node)
  local x = util.required(node, "X")
  local axis = util.axis(node:attr("axis", -1), util.rank(x, "softmax"))
  return util.outputs(node, {Out = remo.op("opset8.Softmax", {x}, {axis = axis})})
end)

-- layer_norm: normalize over the axes from begin_norm_axis on (mean 0, variance 1, epsilon
-- inside the square root), then Scale and Bias, both flattened over those axes.
remo.translate("paddle.layer_norm", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "layer_norm")
  local begin = util.axis(node:attr("begin_norm_axis", 1), rank)
  local axes = {}
  for i = begin, rank - 1 do axes[#axes + 1] = i end
  local y = remo.op("opset6.MVN", {x, remo.const(axes, "i64")},
                    {eps = node:attr("epsilon", 1e-5), normalize_variance = true, eps_mode = "INSIDE_SQRT"})
  local function per_element(v)
    -- [prod(dims from begin)] -> the normalized dims, so it broadcasts against x
    local shape = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
    local idx = {}
    for i = begin, rank - 1 do idx[#idx + 1] = i end
    local target = remo.op("opset8.Gather", {shape, remo.const(idx, "i64"), remo.const(0, "i64")})
    return remo.op("opset1.Reshape", {v, target}, {special_zero = false})
  end
  local scale, bias = util.input(node, "Scale"), util.input(node, "Bias")
  if scale ~= nil then y = remo.op("opset1.Multiply", {y, per_element(scale)}) end
  if bias ~= nil then y = remo.op("opset1.Add", {y, per_element(bias)}) end
  return util.outputs(node, {Y = y})
end)
