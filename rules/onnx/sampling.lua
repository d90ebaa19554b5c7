-- ONNX GridSample -> GridSample-9 and Col2Im -> Col2Im-15 (both 2-D spatial only in the opset).
local util = require("onnx_util")

-- Opset 20 renamed bilinear/bicubic to linear/cubic (the N-D names).
local GRID_MODES = {bilinear = "bilinear", linear = "bilinear", bicubic = "bicubic", cubic = "bicubic", nearest = "nearest"}
local PADDING_MODES = {zeros = true, border = true, reflection = true}

remo.translate("onnx.GridSample", function(node)
  local x, grid = node:input(1), node:input(2)
  local rank = util.rank(x, "GridSample")
  if rank ~= 4 then error("GridSample supports 4-D input [N, C, H, W] only, got rank " .. rank) end
  local mode_name = node:attr("mode", "bilinear")
  local mode = GRID_MODES[mode_name]
  if mode == nil then error("GridSample mode '" .. mode_name .. "' is not one of linear, bilinear, cubic, bicubic, nearest") end
  local padding = node:attr("padding_mode", "zeros")
  if not PADDING_MODES[padding] then error("GridSample padding_mode '" .. padding .. "' is not one of zeros, border, reflection") end
  return remo.op("opset9.GridSample", {x, grid},
                 {align_corners = node:attr("align_corners", 0) ~= 0, mode = mode, padding_mode = padding})
end)

remo.translate("onnx.Col2Im", function(node)
  local x, image_shape, block_shape = node:input(1), node:input(2), node:input(3)
  local spatial = image_shape:shape() and image_shape:shape()[1] or -1
  if spatial ~= 2 then error("Col2Im supports 2 spatial axes only (image_shape of 2 values), got " .. spatial) end
  local pads_begin, pads_end = util.split_pads(node:attr("pads", nil), 2)
  return remo.op("opset15.Col2Im", {x, image_shape, block_shape}, {
    strides = util.spatial(node, "strides", 2), dilations = util.spatial(node, "dilations", 2),
    pads_begin = pads_begin, pads_end = pads_end,
  })
end)
