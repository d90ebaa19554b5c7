-- ONNX Resize (opset 10, 11+, 18+) and Upsample -> Interpolate-11.
local util = require("onnx_util")

local MODES = {nearest = "nearest", linear = "linear_onnx", cubic = "cubic"}
local COORDINATES = {
  half_pixel = "half_pixel", pytorch_half_pixel = "pytorch_half_pixel", align_corners = "align_corners",
  asymmetric = "asymmetric", tf_half_pixel_for_nn = "tf_half_pixel_for_nn",
  half_pixel_symmetric = "half_pixel",
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

remo.translate("onnx.Resize", function(node)
  if node.opset < 11 then return legacy(node, node:input(2)) end
  local x = node:input(1)
  local coordinates = node:attr("coordinate_transformation_mode", "half_pixel")
  if coordinates == "tf_crop_and_resize" then error("Resize with tf_crop_and_resize is not supported") end
  if COORDINATES[coordinates] == nil then error("unknown coordinate_transformation_mode '" .. coordinates .. "'") end
  if coordinates == "half_pixel_symmetric" then error("half_pixel_symmetric coordinates are not supported") end
  if node:attr("exclude_outside", 0) ~= 0 then error("Resize with exclude_outside=1 is not supported") end
  if node:attr("keep_aspect_ratio_policy", "stretch") ~= "stretch" then
    error("Resize keep_aspect_ratio_policy other than stretch is not supported")
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
