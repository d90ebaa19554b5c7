-- ONNX detection post-processing: NonMaxSuppression (opset 10, 11) -> NonMaxSuppression-9 and
-- RoiAlign (opset 10, 16) -> ROIAlign-9.

-- selected_indices rows come out by batch, then class, then falling score, as ONNX lists them.
remo.translate("onnx.NonMaxSuppression", function(node)
  local box_format = node:attr("center_point_box", 0)
  if box_format ~= 0 and box_format ~= 1 then
    error("center_point_box must be 0 (corners) or 1 (center and size), got " .. tostring(box_format))
  end
  -- Missing max_output_boxes_per_class and iou_threshold mean 0 (select nothing, suppress any
  -- overlap); a missing score_threshold means no score filter, which is the op's own default.
  local inputs = {
    node:input(1), node:input(2),
    node:input(3) or remo.const({0}, "i64"),
    node:input(4) or remo.const({0.0}, "f32"),
  }
  if node:input(5) ~= nil then inputs[5] = node:input(5) end
  local selected = remo.op("opset9.NonMaxSuppression", inputs, {
    box_encoding = box_format == 1 and "center" or "corner",
    sort_result_descending = false,
    output_type = "i64",
  })
  return selected
end)

-- Opset 10 places the sampling grid at output_half_pixel coordinates (x * spatial_scale); opset
-- 16 adds the attribute and makes half_pixel (x * spatial_scale - 0.5) the default, which is the
-- op's half_pixel_for_nn (its half_pixel shifts by half a pixel before scaling too).
local ALIGNED = {output_half_pixel = "asymmetric", half_pixel = "half_pixel_for_nn"}

remo.translate("onnx.RoiAlign", function(node)
  local coordinates = "output_half_pixel"
  if node.opset ~= nil and node.opset >= 16 then
    coordinates = node:attr("coordinate_transformation_mode", "half_pixel")
  end
  local aligned = ALIGNED[coordinates]
  if aligned == nil then error("unknown coordinate_transformation_mode '" .. tostring(coordinates) .. "'") end
  local mode = node:attr("mode", "avg")
  if mode ~= "avg" and mode ~= "max" then error("RoiAlign mode must be avg or max, got '" .. tostring(mode) .. "'") end
  return remo.op("opset9.ROIAlign", {node:input(1), node:input(2), node:input(3)}, {
    pooled_h = node:attr("output_height", 1),
    pooled_w = node:attr("output_width", 1),
    sampling_ratio = node:attr("sampling_ratio", 0),
    spatial_scale = node:attr("spatial_scale", 1.0),
    mode = mode,
    aligned_mode = aligned,
  })
end)
