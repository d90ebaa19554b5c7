-- ONNX Resize (opset 10, 11+, 18+) and Upsample -> Interpolate-11.
local util = require("onnx_util")
local axes_resize = require("onnx_resize_axes")

local MODES = {nearest = "nearest", linear = "linear_onnx", cubic = "cubic"}
local COORDINATES = {
  half_pixel = "half_pixel", pytorch_half_pixel = "pytorch_half_pixel", align_corners = "align_corners",
  asymmetric = "asymmetric", tf_half_pixel_for_nn = "tf_half_pixel_for_nn",
}
local NEAREST = {
  round_prefer_floor = "round_prefer_floor", round_prefer_ceil = "round_prefer_ceil",
  floor = "floor", ceil = "ceil",
}

local function interpolate(x, target, is_sizes, axes, attrs)
  local inputs = {x, target}
  if axes ~= nil then inputs[3] = remo.const(axes, "i64") end
  attrs.shape_calculation_mode = is_sizes and "sizes" or "scales"
  attrs.pads_begin, attrs.pads_end = {0}, {0}
  return remo.op("opset11.Interpolate", inputs, attrs)
end

local function mode_of(node)
  local mode = MODES[node:attr("mode", "nearest")]
  if mode == nil then error("Resize mode '" .. node:attr("mode") .. "' is not supported") end
  return mode
end

-- Opset 10 Resize and Upsample scale with asymmetric coordinates and, for nearest, floor.
local function legacy(node, scales)
  return interpolate(node:input(1), scales, false, nil, {
    mode = mode_of(node), coordinate_transformation_mode = "asymmetric", nearest_mode = "floor",
    antialias = false, cube_coeff = -0.75,
  })
end

-- keep_aspect_ratio_policy (opset 18): one scale for every resized axis, the smallest
-- (not_larger) or largest (not_smaller) of sizes / input dims, and sizes of round(scale * dim),
-- rounding halves up.
local function keep_aspect_ratio(x, sizes, axes, policy)
  local list = axes
  if list == nil then
    list = {}
    for i = 1, util.rank(x, "Resize with keep_aspect_ratio_policy") do list[i] = i - 1 end
  end
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  dims = remo.op("opset8.Gather", {dims, remo.const(list, "i64"), remo.const(0, "i64", {})})
  dims = remo.op("opset1.Convert", {dims}, {destination_type = "f32"})
  local wanted = remo.op("opset1.Convert", {sizes}, {destination_type = "f32"})
  local ratios = remo.op("opset1.Divide", {wanted, dims})
  local pick = policy == "not_larger" and "opset1.ReduceMin" or "opset1.ReduceMax"
  local scale = remo.op(pick, {ratios, remo.const({0}, "i64")}, {keep_dims = false})
  local scaled = remo.op("opset1.Add", {remo.op("opset1.Multiply", {dims, scale}), remo.const(0.5, "f32", {})})
  return remo.op("opset1.Convert", {remo.op("opset1.Floor", {scaled})}, {destination_type = "i64"})
end

-- Whether scales are constant and give whole output lengths on every axis: align_corners divides
-- by the unrounded output length, which the IR's Interpolate replaces by the rounded one.
local function whole_lengths(x, scales, axes)
  if scales == nil then return true end
  local values, shape = scales:value(), x:shape()
  if values == nil or shape == nil then return false end
  for i, scale in ipairs(values) do
    local axis = axes and util.axis(axes[i], #shape) or i - 1
    local n = shape[axis + 1]
    if n < 0 or math.abs(scale * n - math.floor(scale * n + 0.5)) > 1e-6 then return false end
  end
  return true
end

-- Resize one axis at a time (rules/lib/onnx_resize_axes.lua), for the coordinate modes and
-- options the IR's Interpolate lacks. scales/sizes/roi hold one entry per resized axis.
local function decomposed(node, x, coordinates, axes, scales, sizes)
  local rank = util.rank(x, "Resize with " .. coordinates)
  local list = axes
  if list == nil then
    list = {}
    for i = 1, rank do list[i] = i - 1 end
  end
  local mode = node:attr("mode", "nearest")
  if MODES[mode] == nil then error("Resize mode '" .. mode .. "' is not supported") end
  local options = {
    coordinates = coordinates, mode = mode, nearest = node:attr("nearest_mode", "round_prefer_floor"),
    cubic_a = node:attr("cubic_coeff_a", -0.75), exclude_outside = node:attr("exclude_outside", 0) ~= 0,
    extrapolation = remo.const(node:attr("extrapolation_value", 0.0), "f32", {}),
  }
  if NEAREST[options.nearest] == nil then error("unknown nearest_mode '" .. options.nearest .. "'") end
  local roi = node:input(2)
  if coordinates == "tf_crop_and_resize" then
    if roi == nil then error("Resize with tf_crop_and_resize needs roi") end
    roi = remo.op("opset1.Convert", {roi}, {destination_type = "f32"})
  end
  local type = x:type()
  local y = x
  if type ~= "f32" then y = remo.op("opset1.Convert", {y}, {destination_type = "f32"}) end
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local zero = remo.const(0, "i64", {})
  if sizes ~= nil then sizes = remo.op("opset1.Convert", {sizes}, {destination_type = "i64"}) end
  if scales ~= nil then scales = remo.op("opset1.Convert", {scales}, {destination_type = "f32"}) end
  for i, axis in ipairs(list) do
    local a = util.axis(axis, rank)
    local at = remo.const(i - 1, "i64", {})
    local n = remo.op("opset1.Convert", {remo.op("opset8.Gather", {dims, remo.const(a, "i64", {}), zero})},
      {destination_type = "f32"})
    local m, s
    if sizes ~= nil then
      m = remo.op("opset8.Gather", {sizes, at, zero})
      s = remo.op("opset1.Divide", {remo.op("opset1.Convert", {m}, {destination_type = "f32"}), n})
    else
      s = remo.op("opset8.Gather", {scales, at, zero})
      m = remo.op("opset1.Convert", {remo.op("opset1.Floor", {remo.op("opset1.Multiply", {s, n})})},
        {destination_type = "i64"})
    end
    if roi ~= nil and coordinates == "tf_crop_and_resize" then
      options.roi_start = remo.op("opset8.Gather", {roi, at, zero})
      options.roi_end = remo.op("opset8.Gather", {roi, remo.const(#list + i - 1, "i64", {}), zero})
    end
    y = axes_resize.along(y, a, rank, m, s, options)
  end
  if type ~= "f32" then y = remo.op("opset1.Convert", {y}, {destination_type = type}) end
  return y
end

remo.translate("onnx.Resize", function(node)
  if node.opset < 11 then return legacy(node, node:input(2)) end
  local x = node:input(1)
  local coordinates = node:attr("coordinate_transformation_mode", "half_pixel")
  if COORDINATES[coordinates] == nil and coordinates ~= "tf_crop_and_resize" and coordinates ~= "half_pixel_symmetric" then
    error("unknown coordinate_transformation_mode '" .. coordinates .. "'")
  end
  local policy = node:attr("keep_aspect_ratio_policy", "stretch")
  if policy ~= "stretch" and policy ~= "not_larger" and policy ~= "not_smaller" then
    error("keep_aspect_ratio_policy '" .. policy .. "' is not one of stretch, not_larger, not_smaller")
  end
  local nearest = NEAREST[node:attr("nearest_mode", "round_prefer_floor")]
  if nearest == nil then error("unknown nearest_mode '" .. node:attr("nearest_mode") .. "'") end
  local attrs = {
    mode = mode_of(node), coordinate_transformation_mode = COORDINATES[coordinates],
    nearest_mode = nearest, antialias = node:attr("antialias", 0) ~= 0,
    cube_coeff = node:attr("cubic_coeff_a", -0.75),
  }
  local axes = node:attr("axes", nil)
  local scales, sizes = node:input(3), node:input(4)
  -- An empty scales tensor stands for "not given" in models made before optional inputs existed.
  if scales ~= nil then
    local shape = scales:shape()
    if shape ~= nil and #shape == 1 and shape[1] == 0 then scales = nil end
  end
  if sizes ~= nil and policy ~= "stretch" then sizes = keep_aspect_ratio(x, sizes, axes, policy) end
  if coordinates == "tf_crop_and_resize" or coordinates == "half_pixel_symmetric"
      or node:attr("exclude_outside", 0) ~= 0
      or (coordinates == "align_corners" and sizes == nil and not whole_lengths(x, scales, axes)) then
    if node:attr("antialias", 0) ~= 0 then error("Resize with antialias and " .. coordinates .. " or exclude_outside is not supported") end
    if sizes == nil and scales == nil then error("Resize needs scales or sizes") end
    return decomposed(node, x, coordinates, axes, scales, sizes)
  end
  if sizes ~= nil then
    return interpolate(x, remo.op("opset1.Convert", {sizes}, {destination_type = "i64"}), true, axes, attrs)
  end
  if scales == nil then error("Resize needs scales or sizes") end
  return interpolate(x, remo.op("opset1.Convert", {scales}, {destination_type = "f32"}), false, axes, attrs)
end)

remo.translate("onnx.Upsample", function(node)
  local scales
  if node.opset < 9 then scales = remo.const(node:attr("scales"), "f32") else scales = node:input(2) end
  return legacy(node, scales)
end)
