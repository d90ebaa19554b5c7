-- ONNX pooling -> MaxPool-8/14, AvgPool-1/14, ReduceMean / ReduceMax / ReduceL1 / ReduceL2, and
-- window sums (a Convolution with an all-ones kernel) for what the pooling ops cannot say:
-- AveragePool with dilations and LpPool; MaxRoiPool -> ROIPooling-2.
local util = require("onnx_util")

-- ceil_mode follows ONNX: ceil, except that a last window starting in the end padding is dropped
-- (rounding_type ceil_torch of the opset 14 poolings).
local function pool_attrs(node, spatial)
  local kernel = node:attr("kernel_shape")
  if #kernel ~= spatial then error("kernel_shape has " .. #kernel .. " values, expected " .. spatial) end
  local pads_begin, pads_end = util.split_pads(node:attr("pads", nil), spatial)
  return {
    kernel = kernel,
    strides = util.spatial(node, "strides", spatial),
    pads_begin = pads_begin,
    pads_end = pads_end,
    auto_pad = util.auto_pad(node),
    rounding_type = node:attr("ceil_mode", 0) == 1 and "ceil_torch" or "floor",
  }
end

local function versioned(op, attrs, plain)
  return attrs.rounding_type == "ceil_torch" and "opset14." .. op or plain .. "." .. op
end

-- Row-major flat indices over [N, C, D1, ...] -> the same element's index with the spatial axes
-- in column-major order (storage_order = 1): n, c first, then D_last varying slowest.
local function column_major_indices(indices, shape)
  local plane = 1
  for i = 3, #shape do
    if shape[i] < 0 then error("MaxPool with storage_order = 1 needs static spatial dims") end
    plane = plane * shape[i]
  end
  local function c(v) return remo.const(v, "i64") end
  local base = remo.op("opset1.Multiply", {remo.op("opset1.Divide", {indices, c(plane)}), c(plane)})
  local rest = remo.op("opset1.Subtract", {indices, base})
  -- coordinates from the row-major offset, last axis first
  local coords = {}
  for i = #shape, 3, -1 do
    local q = remo.op("opset1.Divide", {rest, c(shape[i])})
    coords[i] = remo.op("opset1.Subtract", {rest, remo.op("opset1.Multiply", {q, c(shape[i])})})
    rest = q
  end
  -- column-major offset: D1 varies fastest
  local offset = coords[#shape]
  for i = #shape - 1, 3, -1 do
    offset = remo.op("opset1.Add", {remo.op("opset1.Multiply", {offset, c(shape[i])}), coords[i]})
  end
  return remo.op("opset1.Add", {base, offset})
end

remo.translate("onnx.MaxPool", function(node)
  local x = node:input(1)
  local spatial = util.rank(x, "MaxPool") - 2
  local attrs = pool_attrs(node, spatial)
  attrs.dilations = util.spatial(node, "dilations", spatial)
  attrs.index_element_type = "i64"
  -- ONNX indices count over the whole N,C,H,W tensor (storage_order 0), as axis 0 does.
  attrs.axis = 0
  local values, indices = remo.op(versioned("MaxPool", attrs, "opset8"), {x}, attrs)
  if node:output_count() > 1 and node:attr("storage_order", 0) ~= 0 then
    indices = column_major_indices(indices, x:shape())
  end
  return values, indices
end)

-- Explicit pads that give every window the ONNX output count, and the output dims; nil when the
-- spatial dims are dynamic (then only floor rounding without auto_pad resolution is possible).
local function resolve_window(x_shape, attrs, dilations)
  local spatial = #attrs.kernel
  local begins, ends, extra = {}, {}, {}
  for i = 1, spatial do
    local n = x_shape[i + 2]
    if n < 0 then return nil end
    local s, dk = attrs.strides[i], (attrs.kernel[i] - 1) * dilations[i] + 1
    local pb, pe = attrs.pads_begin[i], attrs.pads_end[i]
    if attrs.auto_pad == "same_upper" or attrs.auto_pad == "same_lower" then
      local total = math.max(((n + s - 1) // s - 1) * s + dk - n, 0)
      pb = attrs.auto_pad == "same_upper" and total // 2 or total - total // 2
      pe = total - pb
    elseif attrs.auto_pad == "valid" then
      pb, pe = 0, 0
    end
    local span = n + pb + pe - dk
    if span < 0 then error("the dilated kernel (" .. dk .. ") is larger than the padded input (" .. (n + pb + pe) .. ")") end
    local out = span // s + 1
    if attrs.rounding_type == "ceil_torch" then
      out = (span + s - 1) // s + 1
      if (out - 1) * s >= n + pb then out = out - 1 end
    end
    begins[i], ends[i] = pb, pe
    extra[i] = math.max((out - 1) * s + dk - (n + pb + pe), 0)
  end
  return begins, ends, extra
end

-- Sum of `x` over every pooling window, with zero padding, computed as a Convolution of the
-- [N*C, 1, D...] view of x with an all-ones kernel. With `count`, also the number of window
-- positions that count as elements: those inside the data, or (include_pad) inside data + pads.
local function window_sums(x, attrs, dilations, include_pad)
  local shape = x:shape()
  local rank = #shape
  local spatial = rank - 2
  local flat_shape = {-1, 1}
  for i = 3, rank do flat_shape[i] = 0 end
  local flat = remo.op("opset1.Reshape", {x, remo.const(flat_shape, "i64")}, {special_zero = true})
  local kernel_count = 1
  for _, k in ipairs(attrs.kernel) do kernel_count = kernel_count * k end
  local kernel_shape = {1, 1}
  for i, k in ipairs(attrs.kernel) do kernel_shape[i + 2] = k end
  local ones_kernel = remo.const(util.fill(kernel_count, 1.0), x:type(), kernel_shape)
  local conv = {strides = attrs.strides, dilations = dilations}
  local begins, ends, extra = resolve_window(shape, attrs, dilations)
  if begins == nil then
    if attrs.rounding_type ~= "floor" then error("pooling with ceil_mode and dilations needs static spatial dims") end
    if include_pad and attrs.auto_pad ~= "explicit" then
      error("pooling with count_include_pad and auto_pad needs static spatial dims")
    end
    conv.auto_pad, conv.pads_begin, conv.pads_end = attrs.auto_pad, attrs.pads_begin, attrs.pads_end
    if attrs.auto_pad == "valid" then conv.pads_begin, conv.pads_end = util.fill(spatial, 0), util.fill(spatial, 0) end
    extra = util.fill(spatial, 0)
  else
    conv.auto_pad, conv.pads_begin, conv.pads_end = "explicit", begins, {}
    for i = 1, spatial do conv.pads_end[i] = ends[i] + extra[i] end
  end
  local sums = remo.op("opset1.Convolution", {flat, ones_kernel}, conv)
  local ones = remo.op("opset3.Broadcast", {remo.const(1.0, x:type()), remo.op("opset3.ShapeOf", {flat}, {output_type = "i64"})},
                       {mode = "numpy"})
  local counts
  if include_pad then
    local pb, pe = {0, 0}, {0, 0}
    for i = 1, spatial do pb[i + 2], pe[i + 2] = conv.pads_begin[i], conv.pads_end[i] - extra[i] end
    local padded = remo.op("opset12.Pad", {ones, remo.const(pb, "i64"), remo.const(pe, "i64"), remo.const(1.0, x:type())},
                           {pad_mode = "constant"})
    local no_pad = {}
    for i = 1, spatial do no_pad[i] = 0 end
    counts = remo.op("opset1.Convolution", {padded, ones_kernel},
                     {strides = attrs.strides, dilations = dilations, pads_begin = no_pad, pads_end = extra, auto_pad = "explicit"})
  else
    counts = remo.op("opset1.Convolution", {ones, ones_kernel}, conv)
  end
  -- back to [N, C, out...]
  local function slice(v, from, to)
    return remo.op("opset8.Slice", {remo.op("opset3.ShapeOf", {v}, {output_type = "i64"}),
      remo.const({from}, "i64"), remo.const({to}, "i64"), remo.const({1}, "i64")})
  end
  local out_shape = remo.op("opset1.Concat", {slice(x, 0, 2), slice(sums, 2, rank)}, {axis = 0})
  local function unflatten(v) return remo.op("opset1.Reshape", {v, out_shape}, {special_zero = false}) end
  return unflatten(sums), unflatten(counts)
end

remo.translate("onnx.AveragePool", function(node)
  local x = node:input(1)
  local spatial = util.rank(x, "AveragePool") - 2
  local attrs = pool_attrs(node, spatial)
  local dilations = util.spatial(node, "dilations", spatial)
  local include_pad = node:attr("count_include_pad", 0) ~= 0
  local dilated = false
  for _, d in ipairs(dilations) do dilated = dilated or d ~= 1 end
  if dilated then
    local sums, counts = window_sums(x, attrs, dilations, include_pad)
    return remo.op("opset1.Divide", {sums, counts})
  end
  attrs["exclude-pad"] = not include_pad
  return remo.op(versioned("AvgPool", attrs, "opset1"), {x}, attrs)
end)

-- Raises |x| to p (the element-wise part of an Lp norm).
local function abs_pow(x, p)
  if p == 2 then return remo.op("opset1.Multiply", {x, x}) end
  local magnitude = remo.op("opset1.Abs", {x})
  if p == 1 then return magnitude end
  return remo.op("opset1.Power", {magnitude, remo.const(p, x:type())})
end

local function root(x, p)
  if p == 1 then return x end
  if p == 2 then return remo.op("opset1.Sqrt", {x}) end
  return remo.op("opset1.Power", {x, remo.const(1.0 / p, x:type())})
end

-- (sum over the window of |x|^p)^(1/p); padding contributes nothing.
remo.translate("onnx.LpPool", function(node)
  local x = node:input(1)
  local spatial = util.rank(x, "LpPool") - 2
  local attrs = pool_attrs(node, spatial)
  local p = node:attr("p", 2)
  if p <= 0 then error("LpPool needs p > 0, got " .. p) end
  local sums = window_sums(abs_pow(x, p), attrs, util.spatial(node, "dilations", spatial), false)
  return root(sums, p)
end)

local function spatial_axes(x, what)
  local axes = {}
  for i = 2, util.rank(x, what) - 1 do axes[#axes + 1] = i end
  return remo.const(axes, "i64")
end

local function global_pool(op)
  return function(node)
    local x = node:input(1)
    return remo.op(op, {x, spatial_axes(x, node.type)}, {keep_dims = true})
  end
end

remo.translate("onnx.GlobalAveragePool", global_pool("opset1.ReduceMean"))
remo.translate("onnx.GlobalMaxPool", global_pool("opset1.ReduceMax"))

remo.translate("onnx.GlobalLpPool", function(node)
  local x = node:input(1)
  local p = node:attr("p", 2)
  local axes = spatial_axes(x, "GlobalLpPool")
  if p == 1 then return remo.op("opset4.ReduceL1", {x, axes}, {keep_dims = true}) end
  if p == 2 then return remo.op("opset4.ReduceL2", {x, axes}, {keep_dims = true}) end
  if p <= 0 then error("GlobalLpPool needs p > 0, got " .. p) end
  return root(remo.op("opset1.ReduceSum", {abs_pow(x, p), axes}, {keep_dims = true}), p)
end)

-- MaxRoiPool: boxes [R, 5] = (batch index, x1, y1, x2, y2) in image pixels -> [R, C, ph, pw].
remo.translate("onnx.MaxRoiPool", function(node)
  local x, rois = node:input(1), node:input(2)
  if util.rank(x, "MaxRoiPool") ~= 4 then error("MaxRoiPool needs a 4-D feature map [N, C, H, W]") end
  local pooled = node:attr("pooled_shape")
  if #pooled ~= 2 then error("pooled_shape must have 2 values, got " .. #pooled) end
  return remo.op("opset2.ROIPooling", {x, rois}, {
    pooled_h = pooled[1], pooled_w = pooled[2], spatial_scale = node:attr("spatial_scale", 1.0), method = "max",
  })
end)
