-- TensorFlow activations, BiasAdd, FusedBatchNorm and pooling.
local util = require("tf_util")

for _, name in ipairs({"Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "LeakyRelu"}) do
  remo.translate("tf." .. name, function(node)
    return util.activation(name, node:input(1), node)
  end)
end

-- Softmax over the last axis.
remo.translate("tf.Softmax", function(node)
  return remo.op("opset8.Softmax", {node:input(1)}, {axis = -1})
end)

remo.translate("tf.BiasAdd", function(node)
  local x, bias = node:input(1), node:input(2)
  if util.channels_last(node) then return remo.op("opset1.Add", {x, bias}) end
  return remo.op("opset1.Add", {x, util.per_channel(bias, util.rank(x, "BiasAdd"))})
end)

-- Inference mode only: is_training graphs normalize with the batch's own statistics.
local function fused_batch_norm(node)
  if node:attr("is_training", true) then
    error("is_training is true: only inference graphs (is_training false) are supported")
  end
  local mean, variance = node:input(4), node:input(5)
  local y = util.batch_norm(node:input(1), node:input(2), node:input(3), mean, variance,
                            node:attr("epsilon", 0.0001), util.channels_last(node))
  -- batch_mean, batch_variance and the reserve spaces are the moving statistics in inference.
  return y, mean, variance, mean, variance
end
for _, op in ipairs({"tf.FusedBatchNorm", "tf.FusedBatchNormV2", "tf.FusedBatchNormV3"}) do
  remo.translate(op, fused_batch_norm)
end

local function pool(node, op, extra)
  local x = node:input(1)
  local r = util.rank(x, node.op)
  if r ~= 4 and r ~= 5 then error(node.op .. " needs a rank-4 or rank-5 input, got rank " .. r) end
  local last = util.channels_last(node)
  local auto_pad, pads_begin, pads_end = util.padding(node, r, last)
  local attrs = {
    kernel = util.spatial(node, "ksize", r, last, 1),
    strides = util.spatial(node, "strides", r, last, 1),
    pads_begin = pads_begin, pads_end = pads_end, auto_pad = auto_pad, rounding_type = "floor",
  }
  for k, v in pairs(extra) do attrs[k] = v end
  local y = remo.op(op, {last and util.to_channels_first(x, r) or x}, attrs)
  if last then return util.to_channels_last(y, r) end
  return y
end

remo.translate("tf.MaxPool", function(node) return pool(node, "opset1.MaxPool", {}) end)
remo.translate("tf.MaxPool3D", function(node) return pool(node, "opset1.MaxPool", {}) end)
-- SAME average pooling divides by the number of real (not padded) elements.
remo.translate("tf.AvgPool", function(node) return pool(node, "opset1.AvgPool", {["exclude-pad"] = true}) end)
remo.translate("tf.AvgPool3D", function(node) return pool(node, "opset1.AvgPool", {["exclude-pad"] = true}) end)

-- BiasAddV1: BiasAdd of TensorFlow's first graphs, always channels-last.
remo.translate("tf.BiasAddV1", function(node)
  return remo.op("opset1.Add", {node:input(1), node:input(2)})
end)
