-- Paddle batch_norm (inference: the saved running statistics) -> BatchNormInference-5.
local util = require("paddle_util")

remo.translate("paddle.batch_norm", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "batch_norm")
  local nchw = util.channels_first(node, "data_layout")
  if not nchw then x = util.to_channels_first(x, rank) end
  local y = remo.op("opset5.BatchNormInference", {
    x, util.required(node, "Scale"), util.required(node, "Bias"),
    util.required(node, "Mean"), util.required(node, "Variance"),
  }, {epsilon = node:attr("epsilon", 1e-5)})
  if not nchw then y = util.to_channels_last(y, rank) end
  return util.outputs(node, {Y = y})
end)

-- softmax over `axis` (default: the last).
remo.translate("paddle.softmax", function(node)
  local x = util.required(node, "X")
  local axis = util.axis(node:attr("axis", -1), util.rank(x, "softmax"))
  return util.outputs(node, {Out = remo.op("opset8.Softmax", {x}, {axis = axis})})
end)
