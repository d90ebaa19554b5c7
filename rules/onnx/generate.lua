-- ONNX ops that make or reshape tensors from shapes and positions: Range, ConstantOfShape, Expand,
-- Tile, Size, EyeLike, Trilu, CumSum, CumProd, Einsum, ReverseSequence, DepthToSpace, SpaceToDepth and
-- CenterCropPad.
local util = require("onnx_util")

local function scalar(value, type) return remo.const(value, type or "i64", {}) end

-- Dimension `axis` of `x` as an i64 scalar (a constant when static).
local function dim(x, axis)
  local shape = x:shape()
  if shape ~= nil and shape[axis + 1] >= 0 then return scalar(shape[axis + 1]) end
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  return remo.op("opset8.Gather", {dims, scalar(axis), scalar(0)})
end

remo.translate("onnx.Range", function(node)
  local start = node:input(1)
  return remo.op("opset4.Range", {start, node:input(2), node:input(3)}, {output_type = start:type()})
end)

-- The value attribute is a one-element tensor (default a float 0).
remo.translate("onnx.ConstantOfShape", function(node)
  local value = scalar(0.0, "f32")
  if node:has_attr("value") then
    local t = node:attr("value")
    value = remo.const(t:values()[1], t:type(), {})
  end
  return remo.op("opset3.Broadcast", {value, node:input(1)}, {mode = "numpy"})
end)

remo.translate("onnx.Expand", function(node)
  return remo.op("opset3.Broadcast", {node:input(1), node:input(2)}, {mode = "bidirectional"})
end)

-- Repeats known only at run time: x as [1, d0, 1, d1, ...] broadcast to [r0, d0, r1, d1, ...],
-- then merged pairwise, since OpenVINO's CPU Tile needs constant repeats.
remo.translate("onnx.Tile", function(node)
  local x, repeats = node:input(1), node:input(2)
  local rank = x:rank()
  if repeats:value() ~= nil or rank == nil or rank == 0 then return remo.op("opset1.Tile", {x, repeats}) end
  local every_other = {}
  for i = 1, rank do every_other[i] = 2 * (i - 1) end
  local spread = remo.op("opset1.Unsqueeze", {x, remo.const(every_other)})
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  repeats = remo.op("opset1.Convert", {repeats}, {destination_type = "i64"})
  local pairs = remo.op("opset1.Concat", {remo.op("opset1.Unsqueeze", {repeats, remo.const({1})}),
    remo.op("opset1.Unsqueeze", {dims, remo.const({1})})}, {axis = 1})
  local target = remo.op("opset1.Reshape", {pairs, remo.const({2 * rank})}, {special_zero = false})
  local wide = remo.op("opset3.Broadcast", {spread, target}, {mode = "numpy"})
  return remo.op("opset1.Reshape", {wide, remo.op("opset1.Multiply", {repeats, dims})}, {special_zero = false})
end)

remo.translate("onnx.Size", function(node)
  local dims = remo.op("opset3.ShapeOf", {node:input(1)}, {output_type = "i64"})
  return remo.op("opset1.ReduceProd", {dims, remo.const({0})}, {keep_dims = false})
end)

-- col - row for every position of the last two axes of `x`: [rows, 1] against [cols].
local function diagonal_offsets(x)
  local rank = util.rank(x, "a matrix op")
  if rank < 2 then error("needs an input of rank 2 or more") end
  local rows = remo.op("opset4.Range", {scalar(0), dim(x, rank - 2), scalar(1)}, {output_type = "i64"})
  local cols = remo.op("opset4.Range", {scalar(0), dim(x, rank - 1), scalar(1)}, {output_type = "i64"})
  rows = remo.op("opset1.Unsqueeze", {rows, remo.const({1})})
  return remo.op("opset1.Subtract", {cols, rows})
end

-- EyeLike: ones on diagonal k of a matrix shaped like the input, in dtype (default its type).
remo.translate("onnx.EyeLike", function(node)
  local x = node:input(1)
  local on = remo.op("opset1.Equal", {diagonal_offsets(x), scalar(node:attr("k", 0))})
  local dtype = x:type()
  if node:has_attr("dtype") then dtype = util.element_type(node:attr("dtype")) end
  return remo.op("opset1.Convert", {on}, {destination_type = dtype})
end)

-- Trilu keeps the elements on and above (upper) or on and below (lower) diagonal k.
remo.translate("onnx.Trilu", function(node)
  local x = node:input(1)
  local k = node:input(2)
  if k == nil then k = scalar(0) else k = remo.op("opset1.Convert", {k}, {destination_type = "i64"}) end
  local offsets = diagonal_offsets(x)
  local keep
  if node:attr("upper", 1) ~= 0 then
    keep = remo.op("opset1.GreaterEqual", {offsets, k})
  else
    keep = remo.op("opset1.LessEqual", {offsets, k})
  end
  local zero = remo.op("opset1.Convert", {scalar(0)}, {destination_type = x:type()})
  return remo.op("opset1.Select", {keep, x, zero})
end)

remo.translate("onnx.CumSum", function(node)
  return remo.op("opset3.CumSum", {node:input(1), node:input(2)},
    {exclusive = node:attr("exclusive", 0) ~= 0, reverse = node:attr("reverse", 0) ~= 0})
end)

-- CumProd (opset 26) along a constant axis c: every output element multiplies the elements of
-- its line that a mask keeps. Gathering the line with an [n, n] index grid gives x[..., j, ...] at
-- [..., i, j, ...]; the mask keeps j <= i (j < i exclusive; reversed j >= i, j > i), the others
-- count as 1, and a ReduceProd over j finishes.
local function cumprod_along(x, c, rank, exclusive, reverse)
  local n = dim(x, c)
  local positions = remo.op("opset4.Range", {scalar(0), n, scalar(1)}, {output_type = "i64"})
  local rows = remo.op("opset1.Unsqueeze", {positions, remo.const({1})})
  local cols = remo.op("opset1.Unsqueeze", {positions, remo.const({0})})
  local grid = remo.op("opset3.Broadcast", {cols, remo.op("opset1.Concat", {
    remo.op("opset1.Reshape", {n, remo.const({1})}, {special_zero = false}),
    remo.op("opset1.Reshape", {n, remo.const({1})}, {special_zero = false})}, {axis = 0})})
  local lines = remo.op("opset8.Gather", {x, grid, scalar(c)}, {batch_dims = 0})
  local compare = reverse and (exclusive and "opset1.Greater" or "opset1.GreaterEqual")
    or (exclusive and "opset1.Less" or "opset1.LessEqual")
  local keep = remo.op(compare, {cols, rows})
  local shape = {0, 0}
  for _ = c + 2, rank do shape[#shape + 1] = 1 end
  keep = remo.op("opset1.Reshape", {keep, remo.const(shape)}, {special_zero = true})
  local one = remo.op("opset1.Convert", {scalar(1)}, {destination_type = x:type()})
  local kept = remo.op("opset1.Select", {keep, lines, one})
  return remo.op("opset1.ReduceProd", {kept, remo.const({c + 1})}, {keep_dims = false})
end

-- An axis known only at run time: one result per possible axis, the right one selected.
remo.translate("onnx.CumProd", function(node)
  local x, axis = node:input(1), node:input(2)
  local rank = util.rank(x, "CumProd")
  local exclusive, reverse = node:attr("exclusive", 0) ~= 0, node:attr("reverse", 0) ~= 0
  local known = axis:value()
  if known ~= nil then return cumprod_along(x, util.axis(known[1], rank), rank, exclusive, reverse) end
  axis = remo.op("opset1.Convert", {axis}, {destination_type = "i64"})
  axis = remo.op("opset1.Reshape", {axis, remo.const({}, "i64", {0})}, {special_zero = false})
  local y = cumprod_along(x, 0, rank, exclusive, reverse)
  for c = 1, rank - 1 do
    local here = remo.op("opset1.LogicalOr", {remo.op("opset1.Equal", {axis, scalar(c)}),
      remo.op("opset1.Equal", {axis, scalar(c - rank)})})
    y = remo.op("opset1.Select", {here, cumprod_along(x, c, rank, exclusive, reverse), y})
  end
  return y
end)

remo.translate("onnx.Einsum", function(node)
  local inputs = {}
  for i = 1, node:input_count() do inputs[i] = node:input(i) end
  local equation = node:attr("equation"):gsub("%s", "")
  return remo.op("opset7.Einsum", inputs, {equation = equation})
end)

remo.translate("onnx.ReverseSequence", function(node)
  return remo.op("opset1.ReverseSequence", {node:input(1), node:input(2)},
    {batch_axis = node:attr("batch_axis", 1), seq_axis = node:attr("time_axis", 0)})
end)

-- DCR reads the channels as [block, block, C'] (blocks first), CRD as [C', block, block].
local DEPTH_MODES = {DCR = "blocks_first", CRD = "depth_first"}

remo.translate("onnx.DepthToSpace", function(node)
  local name = node:attr("mode", "DCR")
  local mode = DEPTH_MODES[name]
  if mode == nil then error("DepthToSpace mode '" .. name .. "' is not one of DCR, CRD") end
  return remo.op("opset1.DepthToSpace", {node:input(1)}, {block_size = node:attr("blocksize"), mode = mode})
end)

-- SpaceToDepth has stacked blocks first until mode (DCR or CRD) came in opset 26.
remo.translate("onnx.SpaceToDepth", function(node)
  local name = node:attr("mode", "DCR")
  local mode = DEPTH_MODES[name]
  if mode == nil then error("SpaceToDepth mode '" .. name .. "' is not one of DCR, CRD") end
  return remo.op("opset1.SpaceToDepth", {node:input(1)}, {block_size = node:attr("blocksize"), mode = mode})
end)

-- CenterCropPad: each listed axis is cropped (from (d - t) // 2) or zero-padded ((t - d) // 2
-- before, the rest after) to its target length t; both are worked out at run time.
remo.translate("onnx.CenterCropPad", function(node)
  local x = node:input(1)
  local rank = util.rank(x, "CenterCropPad")
  local axes = node:attr("axes", nil)
  if axes == nil then
    axes = {}
    for i = 1, rank do axes[i] = i - 1 end
  end
  for i, axis in ipairs(axes) do axes[i] = util.axis(axis, rank) end
  local axis_list = remo.const(axes)
  local target = remo.op("opset1.Convert", {node:input(2)}, {destination_type = "i64"})
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local d = remo.op("opset8.Gather", {dims, axis_list, scalar(0)})
  local zero, two = scalar(0), scalar(2)
  local start = remo.op("opset1.Divide", {remo.op("opset1.Maximum", {remo.op("opset1.Subtract", {d, target}), zero}), two})
  local stop = remo.op("opset1.Add", {start, remo.op("opset1.Minimum", {d, target})})
  x = remo.op("opset8.Slice", {x, start, stop, remo.const(util.fill(#axes, 1)), axis_list})
  local extra = remo.op("opset1.Maximum", {remo.op("opset1.Subtract", {target, d}), zero})
  local before = remo.op("opset1.Divide", {extra, two})
  local after = remo.op("opset1.Subtract", {extra, before})
  local zeros = remo.const(util.fill(rank, 0))
  local begins = remo.op("opset12.ScatterElementsUpdate", {zeros, axis_list, before, zero})
  local ends = remo.op("opset12.ScatterElementsUpdate", {zeros, axis_list, after, zero})
  return remo.op("opset12.Pad", {x, begins, ends}, {pad_mode = "constant"})
end)
