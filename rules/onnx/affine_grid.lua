-- ONNX AffineGrid -> the normalized sampling grid, built from opset arithmetic:
--   base[d, h, w] = (x_w, y_h, [z_d,] 1), grid[n] = base @ theta[n]^T.
-- Coordinates span [-1, 1]: over the pixel centers with align_corners, else over the image edges
-- (x_i = (2i + 1) / W - 1). `size` ([N, C, H, W] or [N, C, D, H, W]) may be a runtime input.
local util = require("onnx_util")

local function i64(v) return remo.const(v, "i64") end

-- The normalized coordinates along one axis of length `n` (a scalar i64 Value), as f32.
local function coords(n, align_corners, ftype)
  local index = remo.op("opset4.Range", {i64(0), n, i64(1)}, {output_type = ftype})
  local length = remo.op("opset1.Convert", {n}, {destination_type = ftype})
  local one = remo.const(1.0, ftype)
  if align_corners then
    local span = remo.op("opset1.Maximum", {remo.op("opset1.Subtract", {length, one}), one})
    local step = remo.op("opset1.Divide", {remo.const(2.0, ftype), span})
    return remo.op("opset1.Subtract", {remo.op("opset1.Multiply", {index, step}), one})
  end
  local twice = remo.op("opset1.Add", {remo.op("opset1.Multiply", {index, remo.const(2.0, ftype)}), one})
  return remo.op("opset1.Subtract", {remo.op("opset1.Divide", {twice, length}), one})
end

remo.translate("onnx.AffineGrid", function(node)
  local theta, size = node:input(1), node:input(2)
  local size_shape = size:shape()
  if size_shape == nil or #size_shape ~= 1 or (size_shape[1] ~= 4 and size_shape[1] ~= 5) then
    error("AffineGrid size must hold 4 ([N, C, H, W]) or 5 ([N, C, D, H, W]) values")
  end
  local spatial = size_shape[1] - 2
  local ftype = theta:type()
  local align = node:attr("align_corners", 0) ~= 0
  local function dim(i)
    local d = remo.op("opset8.Gather", {size, i64(i), i64(0)})
    if d:type() ~= "i64" then d = remo.op("opset1.Convert", {d}, {destination_type = "i64"}) end
    return d
  end
  -- per spatial axis (outermost first), coordinates shaped to broadcast over [D,] H, W, 1
  local axes = {}
  for k = 1, spatial do
    local shape = util.fill(spatial + 1, 1)
    shape[k] = -1
    axes[k] = remo.op("opset1.Reshape", {coords(dim(k + 1), align, ftype), i64(shape)}, {special_zero = false})
  end
  local zero = remo.const(0.0, ftype)
  local zeros = zero
  for k = 1, spatial do zeros = remo.op("opset1.Add", {zeros, remo.op("opset1.Multiply", {axes[k], zero})}) end
  -- x first: the innermost (last) axis, then y, then z
  local columns = {}
  for k = spatial, 1, -1 do columns[#columns + 1] = remo.op("opset1.Add", {axes[k], zeros}) end
  columns[#columns + 1] = remo.op("opset1.Add", {zeros, remo.const(1.0, ftype)})
  local base = remo.op("opset1.Concat", columns, {axis = spatial})
  base = remo.op("opset1.Reshape", {base, i64({-1, spatial + 1})}, {special_zero = false})
  local grid = remo.op("opset1.MatMul", {base, theta}, {transpose_a = false, transpose_b = true})
  local target = {remo.op("opset1.Reshape", {dim(0), i64({1})}, {special_zero = false})}
  for k = 1, spatial do target[#target + 1] = remo.op("opset1.Reshape", {dim(k + 1), i64({1})}, {special_zero = false}) end
  target[#target + 1] = i64({spatial})
  return remo.op("opset1.Reshape", {grid, remo.op("opset1.Concat", target, {axis = 0})}, {special_zero = false})
end)
