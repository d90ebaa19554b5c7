-- Paddle scale and dropout.
local util = require("paddle_util")

-- scale: scale * x + bias (bias_after_scale, the default) or scale * (x + bias); a ScaleTensor
-- input replaces the scale attribute.
remo.translate("paddle.scale", function(node)
  local x = util.required(node, "X")
  local scale = util.input(node, "ScaleTensor")
  if scale == nil then scale = util.scalar(node:attr("scale", 1.0), x)
  elseif scale:type() ~= x:type() then scale = remo.op("opset1.Convert", {scale}, {destination_type = x:type()}) end
  local bias = util.scalar(node:attr("bias", 0.0), x)
  local y
  if node:attr("bias_after_scale", true) then
    y = remo.op("opset1.Add", {remo.op("opset1.Multiply", {x, scale}), bias})
  else
    y = remo.op("opset1.Multiply", {remo.op("opset1.Add", {x, bias}), scale})
  end
  return util.outputs(node, {Out = y})
end)

-- dropout at inference: "upscale_in_train" passes x through; "downgrade_in_infer" (the old
-- default) scales it by 1 - dropout_prob.
remo.translate("paddle.dropout", function(node)
  local x = util.required(node, "X")
  local y = x
  if node:attr("dropout_implementation", "downgrade_in_infer") == "downgrade_in_infer" then
    y = remo.op("opset1.Multiply", {x, util.scalar(1.0 - node:attr("dropout_prob", 0.5), x)})
  end
  return util.outputs(node, {Out = y})
end)
