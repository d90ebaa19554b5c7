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

-- cast to out_dtype.
remo.translate("paddle.cast", function(node)
  local x = util.required(node, "X")
  local t = util.element_type(node:attr("out_dtype"))
  return util.outputs(node, {Out = remo.op("opset1.Convert", {x}, {destination_type = t})})
end)

-- clip to [min, max]; the Min / Max tensor inputs replace the attributes.
remo.translate("paddle.clip", function(node)
  local x = util.required(node, "X")
  local lo, hi = util.input(node, "Min"), util.input(node, "Max")
  if lo == nil and hi == nil then
    return util.outputs(node, {Out = remo.op("opset1.Clamp", {x}, {min = node:attr("min"), max = node:attr("max")})})
  end
  local function bound(v, attr)
    if v == nil then return util.scalar(node:attr(attr), x) end
    if v:type() ~= x:type() then v = remo.op("opset1.Convert", {v}, {destination_type = x:type()}) end
    return v
  end
  local y = remo.op("opset1.Maximum", {x, bound(lo, "min")})
  return util.outputs(node, {Out = remo.op("opset1.Minimum", {y, bound(hi, "max")})})
end)

-- pow: x ** factor (a FactorTensor input replaces the attribute).
remo.translate("paddle.pow", function(node)
  local x = util.required(node, "X")
  local factor = util.input(node, "FactorTensor")
  if factor == nil then factor = util.scalar(node:attr("factor", 1.0), x)
  elseif factor:type() ~= x:type() then factor = remo.op("opset1.Convert", {factor}, {destination_type = x:type()}) end
  return util.outputs(node, {Out = remo.op("opset1.Power", {x, factor})})
end)

-- gelu: exact (erf) or, with approximate, the tanh form.
remo.translate("paddle.gelu", function(node)
  local mode = node:attr("approximate", false) and "TANH" or "ERF"
  return util.outputs(node, {Out = remo.op("opset7.Gelu", {util.required(node, "X")}, {approximation_mode = mode})})
end)
