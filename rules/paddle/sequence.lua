-- Paddle im2sequence: each kernels[0] x kernels[1] patch of X [N, C, H, W] (strides, zero
-- paddings [top, left, bottom, right]) becomes one row of Out [N * oh * ow, C * kh * kw], rows
-- image by image in raster order, each row channel by channel then kernel row and column (the
-- LoD of Paddle's output, one sequence per image, is not kept). Written as a convolution with
-- one-hot filters, which produces exactly that column order, then a transpose and reshape.
local util = require("paddle_util")

remo.translate("paddle.im2sequence", function(node)
  local x = util.required(node, "X")
  if util.input(node, "Y") ~= nil then
    error("im2sequence: the Y input (real image sizes, one sequence length per image) is not supported")
  end
  local shape = x:shape()
  if shape == nil or #shape ~= 4 or shape[2] < 0 then error("im2sequence needs X [N, C, H, W] with a static C") end
  local c = shape[2]
  local k = node:attr("kernels")
  local strides = node:attr("strides", {1, 1})
  local pads = node:attr("paddings", {0, 0, 0, 0})
  if #k ~= 2 or #strides ~= 2 or #pads ~= 4 then
    error("im2sequence: kernels and strides need 2 values and paddings 4 (top, left, bottom, right)")
  end
  local cols = c * k[1] * k[2]
  local weights = {}
  for i = 1, cols * cols do weights[i] = 0 end
  -- filter o = (ch, i, j) reads channel ch at kernel position (i, j)
  for o = 0, cols - 1 do
    weights[o * cols + o + 1] = 1
  end
  local filter = remo.const(weights, x:type(), {cols, c, k[1], k[2]})
  local y = remo.op("opset1.Convolution", {x, filter}, {
    strides = strides, pads_begin = {pads[1], pads[2]}, pads_end = {pads[3], pads[4]}, dilations = {1, 1},
    auto_pad = "explicit"})
  y = remo.op("opset1.Transpose", {y, remo.const({0, 2, 3, 1}, "i64")})
  y = remo.op("opset1.Reshape", {y, remo.const({-1, cols}, "i64")}, {special_zero = false})
  return util.outputs(node, {Out = y})
end)
