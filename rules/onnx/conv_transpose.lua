-- ONNX ConvTranspose -> ConvolutionBackpropData / GroupConvolutionBackpropData, plus an Add for the bias.
-- Padding is resolved here into explicit pads_begin / pads_end / output_padding whenever the input's
-- spatial dims are static, so the IR says exactly what the ONNX node means:
--   natural[i] = stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1
--   output_shape given (or SAME_*: output_shape = in * stride): total = natural - output_shape,
--   SAME_UPPER puts floor(total / 2) first, NOTSET and SAME_LOWER put the larger half first.
-- A negative end pad (output larger than natural) becomes output padding; a negative begin pad
-- becomes a zero Pad in front of the result.
local util = require("onnx_util")

local function weights_for_groups(w, w_shape, group)
  if group == 1 then return w end
  -- [C, M/G, k...] -> [G, C/G, M/G, k...]
  local grouped = {group, -1}
  for i = 2, #w_shape do grouped[#grouped + 1] = w_shape[i] end
  if w_shape[1] >= 0 then
    if w_shape[1] % group ~= 0 then error("ConvTranspose weights have " .. w_shape[1] .. " input channels, not divisible by group " .. group) end
    grouped[2] = w_shape[1] // group
  end
  for i = 3, #grouped do
    if grouped[i] < 0 then error("ConvTranspose with group > 1 needs weights of static shape") end
  end
  return remo.op("opset1.Reshape", {w, remo.const(grouped, "i64")}, {special_zero = false})
end

-- The spatial output_shape attribute (it may also be given with the N and C dims in front).
local function target_shape(node, spatial)
  local out = node:attr("output_shape", nil)
  if out == nil then return nil end
  if #out == spatial + 2 then out = {table.unpack(out, 3)} end
  if #out ~= spatial then error("output_shape has " .. #out .. " values, expected " .. spatial) end
  return out
end

remo.translate("onnx.ConvTranspose", function(node)
  local x, w, b = node:input(1), node:input(2), node:input(3)
  local w_shape = w:shape()
  if w_shape == nil then error("ConvTranspose needs weights of known rank") end
  local spatial = #w_shape - 2
  if spatial < 1 or spatial > 3 then error("ConvTranspose supports 1 to 3 spatial axes, got " .. spatial) end
  local x_shape = x:shape()
  if x_shape ~= nil and #x_shape ~= spatial + 2 then
    error("ConvTranspose input of rank " .. #x_shape .. " does not fit weights of rank " .. #w_shape)
  end
  local strides = util.spatial(node, "strides", spatial)
  local dilations = util.spatial(node, "dilations", spatial)
  local output_padding = util.spatial(node, "output_padding", spatial, 0)
  local kernel = {}
  for i = 1, spatial do kernel[i] = w_shape[i + 2] end
  local attr_kernel = node:attr("kernel_shape", nil)
  if attr_kernel ~= nil then
    if #attr_kernel ~= spatial then error("kernel_shape has " .. #attr_kernel .. " values, expected " .. spatial) end
    for i = 1, spatial do
      if kernel[i] < 0 then kernel[i] = attr_kernel[i] end
    end
  end
  local auto_pad = node:attr("auto_pad", "NOTSET")
  if auto_pad ~= "NOTSET" and auto_pad ~= "SAME_UPPER" and auto_pad ~= "SAME_LOWER" and auto_pad ~= "VALID" then
    error("auto_pad '" .. auto_pad .. "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID")
  end
  local target = target_shape(node, spatial)
  local same = auto_pad == "SAME_UPPER" or auto_pad == "SAME_LOWER"

  local static_in = x_shape ~= nil
  for i = 1, spatial do
    if not static_in or x_shape[i + 2] < 0 or kernel[i] < 0 then static_in = false end
  end

  local attrs = {strides = strides, dilations = dilations, auto_pad = "explicit", output_padding = output_padding}
  local inputs = {x, weights_for_groups(w, w_shape, node:attr("group", 1))}
  local front_pad = nil
  if target == nil and not same then
    if auto_pad == "VALID" then
      attrs.pads_begin, attrs.pads_end = util.fill(spatial, 0), util.fill(spatial, 0)
    else
      attrs.pads_begin, attrs.pads_end = util.split_pads(node:attr("pads", nil), spatial)
    end
  elseif static_in then
    attrs.pads_begin, attrs.pads_end = {}, {}
    attrs.output_padding = {}
    for i = 1, spatial do
      local natural = strides[i] * (x_shape[i + 2] - 1) + output_padding[i] + (kernel[i] - 1) * dilations[i] + 1
      local out = target and target[i] or x_shape[i + 2] * strides[i]
      local total = natural - out
      local first, second = total // 2, total - total // 2
      if auto_pad ~= "SAME_UPPER" then first, second = second, first end
      -- output_padding is folded into the end pad: a negative end pad is extra output at the end.
      local extra_end = output_padding[i] - second
      attrs.output_padding[i] = math.max(extra_end, 0)
      attrs.pads_end[i] = math.max(-extra_end, 0)
      attrs.pads_begin[i] = math.max(first, 0)
      if first < 0 then
        front_pad = front_pad or util.fill(spatial + 2, 0)
        front_pad[i + 2] = -first
      end
    end
  else
    -- Dynamic spatial dims: let the op find the pads for the requested output size.
    local out
    if target ~= nil then
      out = remo.const(target, "i64")
    else
      local dims = remo.op("opset8.Slice", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}),
        remo.const({2}, "i64"), remo.const({spatial + 2}, "i64"), remo.const({1}, "i64")})
      out = remo.op("opset1.Multiply", {dims, remo.const(strides, "i64")})
    end
    inputs[3] = out
    -- The op's same_lower crops the smaller half first, ONNX's SAME_UPPER rule; its same_upper
    -- crops the larger half first, the rule of SAME_LOWER and NOTSET.
    attrs.auto_pad = auto_pad == "SAME_UPPER" and "same_lower" or "same_upper"
    attrs.pads_begin, attrs.pads_end = util.fill(spatial, 0), util.fill(spatial, 0)
  end

  local op = node:attr("group", 1) == 1 and "opset1.ConvolutionBackpropData" or "opset1.GroupConvolutionBackpropData"
  local y = remo.op(op, inputs, attrs)
  if front_pad ~= nil then
    local zeros = util.fill(spatial + 2, 0)
    y = remo.op("opset12.Pad", {y, remo.const(front_pad, "i64"), remo.const(zeros, "i64"), remo.const(0, y:type())},
                {pad_mode = "constant"})
  end
  if b ~= nil then
    y = remo.op("opset1.Add", {y, util.per_channel(b, spatial + 2)})
  end
  return y
end)
