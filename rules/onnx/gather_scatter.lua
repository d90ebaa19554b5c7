-- ONNX element- and slice-wise gathers and scatters, Compress, NonZero and OneHot.
local util = require("onnx_util")

local function scalar(value, type) return remo.const(value, type or "i64", {}) end

-- Negative indices count from the end of `axis` of `data`: idx < 0 ? idx + dim : idx.
local function wrap_indices(data, indices, axis)
  local dims = remo.op("opset3.ShapeOf", {data}, {output_type = indices:type()})
  local dim = remo.op("opset8.Gather", {dims, scalar(axis), scalar(0)})
  local negative = remo.op("opset1.Less", {indices, scalar(0, indices:type())})
  return remo.op("opset1.Select", {negative, remo.op("opset1.Add", {indices, dim}), indices})
end

remo.translate("onnx.GatherElements", function(node)
  local data, indices = node:input(1), node:input(2)
  local axis = util.axis(node:attr("axis", 0), util.rank(data, "GatherElements"))
  return remo.op("opset6.GatherElements", {data, wrap_indices(data, indices, axis)}, {axis = axis})
end)

-- The lengths of the data axes that index tuples address (from batch_dims on, as many as a tuple
-- is long), in the indices' type: constants when static, else read at run time.
local function nd_dims(data, indices, b)
  local data_shape, index_shape = data:shape(), indices:shape()
  if data_shape ~= nil and index_shape ~= nil and #index_shape > 0 and index_shape[#index_shape] >= 0 then
    local dims = {}
    for k = 1, index_shape[#index_shape] do
      local d = data_shape[b + k]
      if d == nil or d < 0 then dims = nil break end
      dims[k] = d
    end
    if dims ~= nil then return remo.const(dims, indices:type()) end
  end
  local type = indices:type()
  local index_dims = remo.op("opset3.ShapeOf", {indices}, {output_type = type})
  local tuple = remo.op("opset8.Gather", {index_dims, remo.const({-1}), scalar(0)})
  local data_dims = remo.op("opset3.ShapeOf", {data}, {output_type = type})
  local first = remo.const({b}, type)
  return remo.op("opset8.Slice", {data_dims, first, remo.op("opset1.Add", {first, tuple}), remo.const({1}, type)})
end

-- Negative indices count from the end of the axis they index.
remo.translate("onnx.GatherND", function(node)
  local data, indices = node:input(1), node:input(2)
  local b = node:attr("batch_dims", 0)
  local negative = remo.op("opset1.Less", {indices, scalar(0, indices:type())})
  local wrapped = remo.op("opset1.Add", {indices, nd_dims(data, indices, b)})
  indices = remo.op("opset1.Select", {negative, wrapped, indices})
  return remo.op("opset8.GatherND", {data, indices}, {batch_dims = b})
end)

-- ONNX reduction names and the IR's.
local REDUCTIONS = {none = "none", add = "sum", mul = "prod", min = "min", max = "max"}

local function reduction(node)
  local name = node:attr("reduction", "none")
  local mapped = REDUCTIONS[name]
  if mapped == nil then error("reduction '" .. name .. "' is not one of none, add, mul, min, max") end
  return mapped
end

-- Scatter (opset 9-10) is ScatterElements without a reduction.
local function scatter_elements(node)
  local data = node:input(1)
  local axis = util.axis(node:attr("axis", 0), util.rank(data, node.type))
  return remo.op("opset12.ScatterElementsUpdate", {data, node:input(2), node:input(3), scalar(axis)},
    {reduction = reduction(node), use_init_val = true})
end

remo.translate("onnx.Scatter", scatter_elements)
remo.translate("onnx.ScatterElements", scatter_elements)

remo.translate("onnx.ScatterND", function(node)
  return remo.op("opset15.ScatterNDUpdate", {node:input(1), node:input(2), node:input(3)},
    {reduction = reduction(node)})
end)

remo.translate("onnx.NonZero", function(node)
  return remo.op("opset3.NonZero", {node:input(1)}, {output_type = "i64"})
end)

-- Compress keeps the slices along `axis` (of the flattened input without one) whose condition is
-- true; a condition shorter than the axis drops the rest.
remo.translate("onnx.Compress", function(node)
  local x, condition = node:input(1), node:input(2)
  local positions = remo.op("opset3.NonZero", {condition}, {output_type = "i64"})
  positions = remo.op("opset1.Reshape", {positions, remo.const({-1}, "i64")}, {special_zero = false})
  local axis = node:attr("axis", nil)
  if axis == nil then
    x = remo.op("opset1.Reshape", {x, remo.const({-1}, "i64")}, {special_zero = false})
    axis = 0
  else
    axis = util.axis(axis, util.rank(x, "Compress"))
  end
  return remo.op("opset8.Gather", {x, positions, scalar(axis)}, {batch_dims = 0})
end)

-- OneHot: depth may be any number type and shape [1]; values is [off, on]; indices in
-- [-depth, depth) with negative ones counting from the end.
remo.translate("onnx.OneHot", function(node)
  local indices, depth, values = node:input(1), node:input(2), node:input(3)
  depth = remo.op("opset1.Convert", {depth}, {destination_type = "i64"})
  depth = remo.op("opset1.Reshape", {depth, remo.const({}, "i64", {0})}, {special_zero = false})
  indices = remo.op("opset1.Convert", {indices}, {destination_type = "i64"})
  local negative = remo.op("opset1.Less", {indices, scalar(0)})
  indices = remo.op("opset1.Select", {negative, remo.op("opset1.Add", {indices, depth}), indices})
  local off = remo.op("opset8.Gather", {values, scalar(0), scalar(0)})
  local on = remo.op("opset8.Gather", {values, scalar(1), scalar(0)})
  local rank = util.rank(node:input(1), "OneHot")
  local axis = util.axis(node:attr("axis", -1), rank + 1)
  return remo.op("opset1.OneHot", {indices, depth, on, off}, {axis = axis})
end)

-- TensorScatter (opset 24) writes update into the cache along `axis`, batch b from position
-- write_indices[b] (default 0) on; circular mode wraps positions around the cache length.
remo.translate("onnx.TensorScatter", function(node)
  local cache, update, starts = node:input(1), node:input(2), node:input(3)
  local rank = util.rank(cache, "TensorScatter")
  local axis = util.axis(node:attr("axis", -2), rank)
  if axis == 0 then error("TensorScatter's axis must not be the batch axis 0") end
  local mode = node:attr("mode", "linear")
  if mode ~= "linear" and mode ~= "circular" then error("TensorScatter mode '" .. mode .. "' is not one of linear, circular") end
  local function along(v, dim)
    local shape = util.fill(rank, 1)
    shape[dim + 1] = -1
    return remo.op("opset1.Reshape", {v, remo.const(shape)}, {special_zero = false})
  end
  local update_dims = remo.op("opset3.ShapeOf", {update}, {output_type = "i64"})
  local length = remo.op("opset8.Gather", {update_dims, scalar(axis), scalar(0)})
  local positions = along(remo.op("opset4.Range", {scalar(0), length, scalar(1)}, {output_type = "i64"}), axis)
  if starts ~= nil then
    starts = remo.op("opset1.Convert", {starts}, {destination_type = "i64"})
    positions = remo.op("opset1.Add", {positions, along(starts, 0)})
  end
  if mode == "circular" then
    local cache_dims = remo.op("opset3.ShapeOf", {cache}, {output_type = "i64"})
    local size = remo.op("opset8.Gather", {cache_dims, scalar(axis), scalar(0)})
    local wraps = remo.op("opset1.Divide", {positions, size}, {m_pythondiv = true})
    positions = remo.op("opset1.Subtract", {positions, remo.op("opset1.Multiply", {wraps, size})})
  end
  local indices = remo.op("opset3.Broadcast", {positions, update_dims}, {mode = "numpy"})
  return remo.op("opset12.ScatterElementsUpdate", {cache, indices, update, scalar(axis)}, {reduction = "none"})
end)
