-- Paddle pool2d / pool3d -> MaxPool-1 / AvgPool-1, ReduceMax / ReduceMean (global pooling), or
-- windows computed from static spatial sizes (adaptive pooling).
local util = require("paddle_util")

-- Adaptive pooling to `sizes` over static spatial sizes. Output bin i of an axis of size n covers
-- [floor(i * n / out), ceil((i + 1) * n / out)). Equal bins are one pooling op; otherwise each axis
-- is pooled bin by bin (slice, reduce, concat): bins are rectangles, so axis after axis gives
-- the same mean or max.
local function adaptive_pool(x, kind, sizes, shape, what)
  local spatial = #sizes
  local equal = true
  for i = 1, spatial do
    local n = shape and shape[i + 2] or -1
    if n < 0 then error(what .. ": adaptive pooling needs static spatial sizes") end
    if n % sizes[i] ~= 0 then equal = false end
  end
  if equal then
    local kernel, zeros = {}, {}
    for i = 1, spatial do kernel[i], zeros[i] = shape[i + 2] // sizes[i], 0 end
    local attrs = {kernel = kernel, strides = kernel, pads_begin = zeros, pads_end = zeros}
    if kind == "max" then return remo.op("opset1.MaxPool", {x}, attrs) end
    attrs["exclude-pad"] = true
    return remo.op("opset1.AvgPool", {x}, attrs)
  end
  local reduce = kind == "max" and "opset1.ReduceMax" or "opset1.ReduceMean"
  local y = x
  for i = 1, spatial do
    local n, out, axis = shape[i + 2], sizes[i], i + 1
    if n ~= out then
      local bins = {}
      for b = 0, out - 1 do
        local first, last = (b * n) // out, -((-(b + 1) * n) // out)
        local part = remo.op("opset8.Slice", {y, remo.const({first}, "i64"), remo.const({last}, "i64"),
                                               remo.const({1}, "i64"), remo.const({axis}, "i64")})
        bins[#bins + 1] = remo.op(reduce, {part, remo.const({axis}, "i64")}, {keep_dims = true})
      end
      y = remo.op("opset1.Concat", bins, {axis = axis})
    end
  end
  return y
end

local function translate_pool(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, node.type)
  local spatial = rank - 2
  local nchw = util.channels_first(node, "data_format")
  if not nchw then x = util.to_channels_first(x, rank) end
  local kind = node:attr("pooling_type")
  if kind ~= "max" and kind ~= "avg" then error(node.type .. ": unknown pooling_type '" .. kind .. "'") end
  local ksize = node:attr("ksize")
  if #ksize ~= spatial then error(node.type .. ": ksize has " .. #ksize .. " values, expected " .. spatial) end
  local adaptive = node:attr("adaptive", false)
  local shape = x:shape()

  local function whole_window()
    local axes = {}
    for i = 2, rank - 1 do axes[#axes + 1] = i end
    local op = kind == "max" and "opset1.ReduceMax" or "opset1.ReduceMean"
    return remo.op(op, {x, remo.const(axes, "i64")}, {keep_dims = true})
  end

  local y
  if node:attr("global_pooling", false) then
    y = whole_window()
  elseif adaptive then
    -- ksize is the output size. Bins are equal windows when each input size divides by it.
    local all_one = true
    for i = 1, spatial do all_one = all_one and ksize[i] == 1 end
    if all_one then
      y = whole_window()
    else
      y = adaptive_pool(x, kind, ksize, shape, node.type)
    end
  else
    local pads_begin, pads_end = util.split_paddings(node:attr("paddings", {}), spatial, node.type)
    local attrs = {
      kernel = ksize,
      strides = node:attr("strides"),
      pads_begin = pads_begin,
      pads_end = pads_end,
      auto_pad = util.auto_pad(node),
      rounding_type = node:attr("ceil_mode", false) and "ceil" or "floor",
    }
    if kind == "max" then
      y = remo.op("opset1.MaxPool", {x}, attrs)
    else
      -- exclusive: the divisor counts only the window's pixels inside the input.
      attrs["exclude-pad"] = node:attr("exclusive", true)
      y = remo.op("opset1.AvgPool", {x}, attrs)
    end
  end
  if not nchw then y = util.to_channels_last(y, rank) end
  return util.outputs(node, {Out = y})
end

remo.translate("paddle.pool2d", translate_pool)
remo.translate("paddle.pool3d", translate_pool)
