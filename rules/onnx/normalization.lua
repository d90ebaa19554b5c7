-- ONNX BatchNormalization.
-- Inference form: x * k + (bias - mean * k), k = scale / sqrt(var + eps). With constant statistics
-- the arithmetic on them folds away, leaving one Multiply and one Add that the runtime fuses into
-- the preceding convolution.
-- Training form (training_mode = 1 from opset 14; more than one output before): normalized with
-- the batch's own statistics over N and the spatial axes, and the running statistics updated:
-- running = given * momentum + batch * (1 - momentum).
local util = require("onnx_util")

local function training(node)
  if node.opset >= 14 then return node:attr("training_mode", 0) ~= 0 end
  if node:output_count() <= 1 then return false end
  return node.opset >= 7 or node:attr("is_test", 0) == 0
end

-- Opsets 7-8 with spatial = 0 keep statistics per activation ([C, D1, ...]) instead of per channel.
local function per_activation(node)
  return node.opset < 9 and node:attr("spatial", 1) == 0
end

-- A statistic shaped to broadcast against [N, C, D1, ...] data.
local function spread(node, v, rank)
  if per_activation(node) then return remo.op("opset1.Unsqueeze", {v, remo.const({0}, "i64")}) end
  return util.per_channel(v, rank)
end

local function batch_norm_training(node, x, scale, bias, mean, var, rank)
  local eps = node:attr("epsilon", 1e-5)
  local momentum = node:attr("momentum", 0.9)
  local axes = {0}
  if not per_activation(node) then
    for i = 2, rank - 1 do axes[#axes + 1] = i end
  end
  local axes_const = remo.const(axes, "i64")
  local y = remo.op("opset6.MVN", {x, axes_const}, {eps = eps, normalize_variance = true, eps_mode = "INSIDE_SQRT"})
  y = remo.op("opset1.Multiply", {y, spread(node, scale, rank)})
  y = remo.op("opset1.Add", {y, spread(node, bias, rank)})
  if node:output_count() == 1 then return y end
  local batch_mean = remo.op("opset1.ReduceMean", {x, axes_const}, {keep_dims = false})
  local centered = remo.op("opset1.Subtract", {x, spread(node, batch_mean, rank)})
  local batch_var = remo.op("opset1.ReduceMean", {remo.op("opset1.Multiply", {centered, centered}), axes_const},
                            {keep_dims = false})
  local function running(given, batch)
    return remo.op("opset1.Add", {remo.op("opset1.Multiply", {given, remo.const(momentum, given:type())}),
                                  remo.op("opset1.Multiply", {batch, remo.const(1 - momentum, batch:type())})})
  end
  return y, running(mean, batch_mean), running(var, batch_var), batch_mean, batch_var
end

remo.translate("onnx.BatchNormalization", function(node)
  local x, scale, bias, mean, var = node:input(1), node:input(2), node:input(3), node:input(4), node:input(5)
  local rank = util.rank(x, "BatchNormalization")
  if training(node) then return batch_norm_training(node, x, scale, bias, mean, var, rank) end
  local eps = remo.const(node:attr("epsilon", 1e-5), var:type())
  local std = remo.op("opset1.Sqrt", {remo.op("opset1.Add", {var, eps})})
  local k = remo.op("opset1.Divide", {scale, std})
  local shift = remo.op("opset1.Subtract", {bias, remo.op("opset1.Multiply", {mean, k})})
  local y = remo.op("opset1.Multiply", {x, spread(node, k, rank)})
  return remo.op("opset1.Add", {y, spread(node, shift, rank)})
end)
