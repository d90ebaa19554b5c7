-- ONNX DeformConv -> DeformableConvolution-8 (2-D), plus an Add for the bias.
-- Taps sampled off the image blend with zeros (bilinear_interpolation_pad), as ONNX's bilinear
-- sampling with zero padding does.
local util = require("onnx_util")

remo.translate("onnx.DeformConv", function(node)
  local x, w, offset, b, mask = node:input(1), node:input(2), node:input(3), node:input(4), node:input(5)
  local rank = util.rank(x, "DeformConv")
  if rank ~= 4 then error("DeformConv supports 2-D images ([N, C, H, W]) only, got rank " .. rank) end
  local pads_begin, pads_end = util.split_pads(node:attr("pads", nil), 2)
  local kernel = node:attr("kernel_shape", nil)
  local w_shape = w:shape()
  if kernel ~= nil and w_shape ~= nil and ((w_shape[3] >= 0 and w_shape[3] ~= kernel[1]) or (w_shape[4] >= 0 and w_shape[4] ~= kernel[2])) then
    error("kernel_shape " .. table.concat(kernel, "x") .. " does not match the weights")
  end
  local inputs = {x, offset, w}
  if mask ~= nil then inputs[4] = mask end
  local y = remo.op("opset8.DeformableConvolution", inputs, {
    strides = util.spatial(node, "strides", 2), dilations = util.spatial(node, "dilations", 2),
    pads_begin = pads_begin, pads_end = pads_end, auto_pad = "explicit",
    group = node:attr("group", 1), deformable_group = node:attr("offset_group", 1),
    bilinear_interpolation_pad = true,
  })
  if b ~= nil then y = remo.op("opset1.Add", {y, util.per_channel(b, 4)}) end
  return y
end)
