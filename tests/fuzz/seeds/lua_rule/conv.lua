-- ONNX Conv -> Convolution / GroupConvolution, plus an Add for the bias.
local util = require("onnx_util")

remo.translate("onnx.Conv", function(node)
  local x, w, b = node:input(1), node:input(2), node:input(3)
  local w_shape = w:shape()
  if w_shape == nil then error("Conv needs weights of known rank") end
  local spatial = #w_shape - 2
  local pads_begin, pads_end = util.split_pads(node:attr("pads", nil), spatial)
  local attrs = {
    strides = util.spatial(node, "strides", spatial),
    dilations = util.spatial(node, "dilations", spatial),
    pads_begin = pads_begin,
    pads_end = pads_end,
    auto_pad = util.auto_pad(node),
  }
  local group = node:attr("group", 1)
  local y
  if group == 1 then
    y = remo.op("opset1.Convolution", {x, w}, attrs)
  else
    -- [M, C/G, k...] -> [G, M/G, C/G, k...]
    local grouped = {group, -1}
    for i = 2, #w_shape do grouped[#grouped + 1] = w_shape[i] end
    if w_shape[1] >= 0 then grouped[2] = w_shape[1] // group end
    local gw = remo.op("opset1.Reshape", {w, remo.const(grouped, "i64")}, {special_zero = false})
    y = remo.op("opset1.GroupConvolution", {x, gw}, attrs)
  end
  if b ~= nil then
    y = remo.op("opset1.Add", {y, util.per_channel(b, spatial + 2)}, {auto_broadcast = "numpy"})
  end
  return y
end)
