-- TensorFlow gathers, scatters, index ops, splits and tensor generators.
local util = require("tf_util")

local BIG = 9223372036854775807  -- "to the end" for Slice-8

local function i64(v)
  if v:type() == "i64" then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = "i64"})
end

local function scalar(v, t) return remo.const({v}, t or "i64", {}) end

-- Whether the first n dims of a value are known to be 1.
local function leading_ones(v, n)
  local shape = v:shape()
  if shape == nil or #shape < n then return false end
  for i = 1, n do if shape[i] ~= 1 then return false end end
  return true
end

-- GatherV2(params, indices, axis) with batch_dims; Gather (v1) gathers along axis 0.
remo.translate("tf.GatherV2", function(node)
  local params, indices, axis = node:input(1), node:input(2), node:input(3)
  local b = node:attr("batch_dims", 0)
  if b < 0 then b = b + util.rank(indices, "GatherV2's indices") end
  -- Batch dims of size 1 are squeezed away and the Gather made plain: OpenVINO's CPU plugin
  -- computes a batch_dims Gather with a batch of 1 wrongly (2026.4).
  local a = axis:value()
  if b > 0 and a ~= nil and leading_ones(params, b) and leading_ones(indices, b) then
    local dims = {}
    for i = 1, b do dims[i] = i - 1 end
    local r = util.rank(params, "GatherV2")
    local plain = remo.op("opset8.Gather", {remo.op("opset1.Squeeze", {params, remo.const(dims, "i64")}),
                                            remo.op("opset1.Squeeze", {indices, remo.const(dims, "i64")}),
                                            scalar(util.axis(a[1], r) - b)}, {batch_dims = 0})
    return remo.op("opset1.Unsqueeze", {plain, remo.const(dims, "i64")})
  end
  return remo.op("opset8.Gather", {params, indices, axis}, {batch_dims = b})
end)
remo.translate("tf.Gather", function(node)
  return remo.op("opset8.Gather", {node:input(1), node:input(2), scalar(0)}, {batch_dims = 0})
end)

remo.translate("tf.GatherNd", function(node)
  return remo.op("opset8.GatherND", {node:input(1), node:input(2)}, {batch_dims = 0})
end)

-- ScatterNd(indices, updates, shape): zeros of `shape`, updates summed where indices repeat.
remo.translate("tf.ScatterNd", function(node)
  local updates = node:input(2)
  local zeros = remo.op("opset3.Broadcast", {scalar(0, updates:type()), node:input(3)})
  return remo.op("opset15.ScatterNDUpdate", {zeros, node:input(1), updates}, {reduction = "sum"})
end)

local SCATTER = {TensorScatterUpdate = "none", TensorScatterAdd = "sum", TensorScatterSub = "sub",
                 TensorScatterMax = "max", TensorScatterMin = "min"}
for name, reduction in pairs(SCATTER) do
  remo.translate("tf." .. name, function(node)
    return remo.op("opset15.ScatterNDUpdate", {node:input(1), node:input(2), node:input(3)}, {reduction = reduction})
  end)
end

-- OneHot(indices, depth, on_value, off_value), axis -1 by default.
remo.translate("tf.OneHot", function(node)
  return remo.op("opset1.OneHot", {node:input(1), node:input(2), node:input(3), node:input(4)},
                 {axis = node:attr("axis", -1)})
end)

-- TopKV2(input, k): the k largest along the last axis, equal values in index order. Unsorted
-- results may come in any order, so sorting by value is always right.
remo.translate("tf.TopKV2", function(node)
  local k = remo.op("opset1.Reshape", {node:input(2), remo.const({}, "i64", {0})}, {special_zero = false})
  return remo.op("opset11.TopK", {node:input(1), k},
                 {axis = -1, mode = "max", sort = "value", index_element_type = node:attr("index_type", "i32"),
                  stable = true})
end)

-- ArgMax/ArgMin(input, dimension): the first index of the extreme along the axis.
local function arg(mode)
  return function(node)
    local x = node:input(1)
    local axis = util.const_axis(node:input(2), util.rank(x, node.type), node.type .. "'s dimension")
    local _, index = remo.op("opset11.TopK", {x, scalar(1)},
                             {axis = axis, mode = mode, sort = "value", index_element_type = node:attr("output_type", "i64"),
                              stable = true})
    return remo.op("opset1.Squeeze", {index, remo.const({axis}, "i64")})
  end
end
remo.translate("tf.ArgMax", arg("max"))
remo.translate("tf.ArgMin", arg("min"))

remo.translate("tf.Cumsum", function(node)
  return remo.op("opset3.CumSum", {node:input(1), node:input(2)},
                 {exclusive = node:attr("exclusive", false), reverse = node:attr("reverse", false)})
end)

-- Range(start, limit, delta) of scalars, in the type of its Tidx attribute (that of its inputs).
remo.translate("tf.Range", function(node)
  local start = node:input(1)
  return remo.op("opset4.Range", {start, node:input(2), node:input(3)}, {output_type = node:attr("Tidx", start:type())})
end)

-- Fill(dims, value) and BroadcastTo(input, shape).
remo.translate("tf.Fill", function(node)
  return remo.op("opset3.Broadcast", {node:input(2), node:input(1)})
end)
remo.translate("tf.BroadcastTo", function(node)
  return remo.op("opset3.Broadcast", {node:input(1), node:input(2)})
end)

remo.translate("tf.Tile", function(node)
  return remo.op("opset1.Tile", {node:input(1), node:input(2)})
end)

local function filled(node, value)
  local x = node:input(1)
  local shape = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  return remo.op("opset3.Broadcast", {remo.const({value}, x:type(), {}), shape})
end
remo.translate("tf.ZerosLike", function(node) return filled(node, 0) end)
remo.translate("tf.OnesLike", function(node) return filled(node, 1) end)

-- Size and Rank in out_type (Size) or i32 (Rank).
remo.translate("tf.Size", function(node)
  local shape = remo.op("opset3.ShapeOf", {node:input(1)}, {output_type = node:attr("out_type", "i32")})
  return remo.op("opset1.ReduceProd", {shape, scalar(0)}, {keep_dims = false})
end)
remo.translate("tf.Rank", function(node)
  local shape = remo.op("opset3.ShapeOf", {node:input(1)}, {output_type = "i32"})
  local rank = remo.op("opset3.ShapeOf", {shape}, {output_type = "i32"})
  return remo.op("opset1.Squeeze", {rank, scalar(0)})
end)

-- Slice(input, begin, size): a size of -1 takes everything to the end of that dimension.
remo.translate("tf.Slice", function(node)
  local begin, size = i64(node:input(2)), i64(node:input(3))
  local to_end = remo.op("opset1.Equal", {size, scalar(-1)})
  local stop = remo.op("opset1.Select", {to_end, scalar(BIG), remo.op("opset1.Add", {begin, size})})
  local steps = remo.op("opset3.Broadcast", {scalar(1), remo.op("opset3.ShapeOf", {begin}, {output_type = "i64"})})
  return remo.op("opset8.Slice", {node:input(1), begin, stop, steps})
end)

-- Split(axis, value) into num_split equal parts; SplitV(value, size_splits, axis), one size may be -1.
remo.translate("tf.Split", function(node)
  return remo.op("opset1.Split", {node:input(2), node:input(1)}, {num_splits = node:attr("num_split")})
end)
remo.translate("tf.SplitV", function(node)
  return remo.op("opset1.VariadicSplit", {node:input(1), node:input(3), node:input(2)})
end)

-- Unpack(value) along axis into num tensors of one rank less.
remo.translate("tf.Unpack", function(node)
  local x = node:input(1)
  local axis = util.axis(node:attr("axis", 0), util.rank(x, "Unpack"))
  local n = node:attr("num")
  local parts = {remo.op("opset1.Split", {x, scalar(axis)}, {num_splits = n})}
  local outs = {}
  for i = 1, n do outs[i] = remo.op("opset1.Squeeze", {parts[i], remo.const({axis}, "i64")}) end
  return outs
end)

-- ReverseV2(tensor, axis): every listed axis read backwards.
remo.translate("tf.ReverseV2", function(node)
  local x = node:input(1)
  local axes = util.const_values(node:input(2), "ReverseV2's axis")
  if #axes == 0 then return x end
  local starts, stops, steps = {}, {}, {}
  for i = 1, #axes do starts[i], stops[i], steps[i] = -1, -BIG - 1, -1 end
  return remo.op("opset8.Slice", {x, remo.const(starts, "i64"), remo.const(stops, "i64"), remo.const(steps, "i64"),
                                  remo.const(axes, "i64")})
end)

-- MatrixBandPart(input, num_lower, num_upper): keeps element (i, j) of each inner matrix when
-- (num_lower < 0 or i - j <= num_lower) and (num_upper < 0 or j - i <= num_upper), zeroes the rest.
remo.translate("tf.MatrixBandPart", function(node)
  local x = node:input(1)
  local r = util.rank(x, "MatrixBandPart")
  if r < 2 then error("MatrixBandPart needs a rank of at least 2, got " .. r) end
  local shape = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local function dim(i) return remo.op("opset8.Gather", {shape, scalar(i), scalar(0)}) end
  local rows = remo.op("opset4.Range", {scalar(0), dim(r - 2), scalar(1)}, {output_type = "i64"})
  local cols = remo.op("opset4.Range", {scalar(0), dim(r - 1), scalar(1)}, {output_type = "i64"})
  rows = remo.op("opset1.Unsqueeze", {rows, scalar(1)})
  local below = remo.op("opset1.Subtract", {rows, cols})  -- i - j, [rows, cols]
  local above = remo.op("opset1.Negative", {below})
  local function within(distance, limit)
    limit = i64(limit)
    local unlimited = remo.op("opset1.Less", {limit, scalar(0)})
    return remo.op("opset1.LogicalOr", {unlimited, remo.op("opset1.LessEqual", {distance, limit})})
  end
  local keep = remo.op("opset1.LogicalAnd", {within(below, node:input(2)), within(above, node:input(3))})
  return remo.op("opset1.Select", {keep, x, remo.const({0}, x:type(), {})})
end)

remo.translate("tf.Einsum", function(node)
  local inputs = {}
  for i = 1, node:input_count() do inputs[i] = node:input(i) end
  return remo.op("opset7.Einsum", inputs, {equation = node:attr("equation")})
end)

-- EuclideanNorm: the L2 norm over the axes.
remo.translate("tf.EuclideanNorm", function(node)
  return remo.op("opset4.ReduceL2", {node:input(1), node:input(2)}, {keep_dims = node:attr("keep_dims", false)})
end)

-- BroadcastArgs(s0, s1): the shape two tensors of shapes s0 and s1 broadcast to.
remo.translate("tf.BroadcastArgs", function(node)
  local s0, s1 = node:input(1), node:input(2)
  local zero = scalar(0, "u8")
  local a = remo.op("opset3.Broadcast", {zero, s0})
  local b = remo.op("opset3.Broadcast", {zero, s1})
  return remo.op("opset3.ShapeOf", {remo.op("opset1.Add", {a, b})}, {output_type = s0:type()})
end)

-- LinSpace(start, stop, num): num evenly spaced values from start to stop (just start when num is 1).
remo.translate("tf.LinSpace", function(node)
  local start, stop = node:input(1), node:input(2)
  local t = start:type()
  local num = remo.op("opset1.Convert", {node:input(3)}, {destination_type = t})
  local one = remo.const({1}, t, {})
  local gaps = remo.op("opset1.Maximum", {remo.op("opset1.Subtract", {num, one}), one})
  local step = remo.op("opset1.Divide", {remo.op("opset1.Subtract", {stop, start}), gaps})
  local steps = remo.op("opset4.Range", {remo.const({0}, t, {}), num, one}, {output_type = t})
  return remo.op("opset1.Add", {start, remo.op("opset1.Multiply", {steps, step})})
end)

-- Any / All over axes of a boolean tensor: the largest / smallest of its values as 0/1.
local function logical_reduce(op)
  return function(node)
    local bits = remo.op("opset1.Convert", {node:input(1)}, {destination_type = "u8"})
    local r = remo.op(op, {bits, node:input(2)}, {keep_dims = node:attr("keep_dims", false)})
    return remo.op("opset1.Convert", {r}, {destination_type = "boolean"})
  end
end
remo.translate("tf.Any", logical_reduce("opset1.ReduceMax"))
remo.translate("tf.All", logical_reduce("opset1.ReduceMin"))

-- Concat (v1): the axis first, then the values.
remo.translate("tf.Concat", function(node)
  local n = node:input_count()
  local values = {}
  for i = 2, n do values[i - 1] = node:input(i) end
  local axis = util.const_values(node:input(1), "Concat's concat_dim")[1]
  return remo.op("opset1.Concat", values, {axis = axis})
end)

-- ReverseSequence(input, seq_lengths): the first seq_lengths[b] entries along seq_dim reversed.
remo.translate("tf.ReverseSequence", function(node)
  return remo.op("opset1.ReverseSequence", {node:input(1), node:input(2)},
                 {seq_axis = node:attr("seq_dim"), batch_axis = node:attr("batch_dim", 0)})
end)

-- ShapeN: the shape of each input, in out_type.
remo.translate("tf.ShapeN", function(node)
  local outs = {}
  for i = 1, node:input_count() do
    outs[i] = remo.op("opset3.ShapeOf", {node:input(i)}, {output_type = node:attr("out_type", "i32")})
  end
  return outs
end)

-- InvertPermutation: y[x[i]] = i.
remo.translate("tf.InvertPermutation", function(node)
  local x = node:input(1)
  local t = x:type()
  local n = remo.op("opset3.ShapeOf", {x}, {output_type = t})
  local counting = remo.op("opset4.Range", {remo.const({0}, t, {}), remo.op("opset1.Squeeze", {n, scalar(0)}),
                                           remo.const({1}, t, {})}, {output_type = t})
  local zeros = remo.op("opset3.Broadcast", {remo.const({0}, t, {}), n})
  return remo.op("opset12.ScatterElementsUpdate", {zeros, x, counting, scalar(0)}, {reduction = "none"})
end)

-- Roll(input, shift, axis): elements move shift places along each axis, wrapping around; the
-- shifts and axes are constants and the rolled dimensions static. Each axis becomes two slices,
-- swapped by a Concat.
remo.translate("tf.Roll", function(node)
  local y = node:input(1)
  local shape = y:shape()
  if shape == nil then error("Roll needs an input of known shape") end
  local shifts = util.const_values(node:input(2), "Roll's shift")
  local axes = util.const_values(node:input(3), "Roll's axis")
  if #shifts == 1 and #axes > 1 then for i = 2, #axes do shifts[i] = shifts[1] end end
  if #axes == 1 and #shifts > 1 then for i = 2, #shifts do axes[i] = axes[1] end end
  local total = {}
  for i, a in ipairs(axes) do
    a = util.axis(a, #shape)
    total[a] = (total[a] or 0) + shifts[i]
  end
  for a, s in pairs(total) do
    local n = shape[a + 1]
    if n < 0 then error("Roll needs a static dimension " .. a) end
    local k = n > 0 and s % n or 0
    if k ~= 0 then
      local function part(from, to)
        return remo.op("opset8.Slice", {y, remo.const({from}, "i64"), remo.const({to}, "i64"), remo.const({1}, "i64"),
                                        remo.const({a}, "i64")})
      end
      y = remo.op("opset1.Concat", {part(n - k, n), part(0, n - k)}, {axis = a})
    end
  end
  return y
end)
