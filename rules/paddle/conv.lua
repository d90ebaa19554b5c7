-- Paddle conv2d / depthwise_conv2d / conv3d -> Convolution / GroupConvolution.
-- Filter is [Cout, Cin/groups, k...]; paddings are per axis or begin/end pairs; with
-- padding_algorithm SAME Paddle ignores the dilations (uses 1).
local util = require("paddle_util")

local function translate_conv(node)
  local x = util.required(node, "Input")
  local w = util.required(node, "Filter")
  local rank = util.rank(x, node.type)
  local spatial = rank - 2
  local w_shape = w:shape()
  if w_shape == nil or #w_shape ~= rank then error(node.type .. " needs a filter of rank " .. rank) end
  local nchw = util.channels_first(node, "data_format")
  if not nchw then x = util.to_channels_first(x, rank) end
  local pads_begin, pads_end = util.split_paddings(node:attr("paddings", {}), spatial, node.type)
  local auto_pad = util.auto_pad(node)
  local dilations = node:attr("dilations", nil)
  if dilations == nil or auto_pad == "same_upper" then
    dilations = {}
    for i = 1, spatial do dilations[i] = 1 end
  end
  local attrs = {
    strides = node:attr("strides"),
    dilations = dilations,
    pads_begin = pads_begin,
    pads_end = pads_end,
    auto_pad = auto_pad,
  }
  local groups = node:attr("groups", 1)
  local y
  if groups == 1 then
    y = remo.op("opset1.Convolution", {x, w}, attrs)
  else
    -- [Cout, Cin/G, k...] -> [G, Cout/G, Cin/G, k...]
    if w_shape[1] < 0 or w_shape[1] % groups ~= 0 then
      error(node.type .. ": " .. w_shape[1] .. " output channels do not split into " .. groups .. " groups")
    end
    local grouped = {groups, w_shape[1] // groups}
    for i = 2, #w_shape do grouped[#grouped + 1] = w_shape[i] end
    local gw = remo.op("opset1.Reshape", {w, remo.const(grouped, "i64")}, {special_zero = false})
    y = remo.op("opset1.GroupConvolution", {x, gw}, attrs)
  end
  local bias = util.input(node, "Bias")
  if bias ~= nil then
    y = remo.op("opset1.Add", {y, util.per_channel(bias, rank)}, {auto_broadcast = "numpy"})
  end
  if not nchw then y = util.to_channels_last(y, rank) end
  return util.outputs(node, {Output = y})
end

remo.translate("paddle.conv2d", translate_conv)
remo.translate("paddle.depthwise_conv2d", translate_conv)
remo.translate("paddle.conv3d", translate_conv)
