-- Paddle ops that move, reshape or select data: flatten_contiguous_range, reshape2, transpose2,
-- concat, squeeze2, unsqueeze2, shape, slice, fill_constant, assign. The *2 ops have a second
-- output XShape that only training reads; it is left without a value.
local util = require("paddle_util")

local function i64(values) return remo.const(values, "i64") end

-- Dimensions [from, to) of x's shape as an i64 Value (folds to a constant when static).
local function dims(x, from, to)
  local indices = {}
  for i = from, to - 1 do indices[#indices + 1] = i end
  local shape = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  return remo.op("opset8.Gather", {shape, i64(indices), i64(0)})
end

-- flatten_contiguous_range: dimensions start_axis..stop_axis become one. The dimensions before
-- start_axis keep their places (0 with special_zero copies them); the ones after stop_axis are
-- constants when static, so the output shape stays as static as the input's.
remo.translate("paddle.flatten_contiguous_range", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "flatten_contiguous_range")
  local y
  if rank == 0 then
    y = remo.op("opset1.Reshape", {x, i64({1})}, {special_zero = false})
  else
    local start = util.axis(node:attr("start_axis", 1), rank)
    local stop = util.axis(node:attr("stop_axis", -1), rank)
    if start > stop then error("flatten_contiguous_range: start_axis " .. start .. " is after stop_axis " .. stop) end
    local shape = x:shape()
    local head = {}
    for i = 1, start do head[i] = 0 end
    head[#head + 1] = -1
    local tail_static = true
    for i = stop + 2, rank do
      if shape[i] <= 0 then tail_static = false end
      head[#head + 1] = shape[i]
    end
    local target
    if tail_static then
      target = i64(head)
    else
      local lead = {}
      for i = 1, start do lead[i] = 0 end
      lead[#lead + 1] = -1
      target = remo.op("opset1.Concat", {i64(lead), dims(x, stop + 1, rank)}, {axis = 0})
    end
    y = remo.op("opset1.Reshape", {x, target}, {special_zero = true})
  end
  return util.outputs(node, {Out = y})
end)

-- reshape2: target from ShapeTensor (a list of scalars), Shape (a tensor) or the shape
-- attribute, in that order; 0 copies the input's dimension at the same index, -1 is inferred.
remo.translate("paddle.reshape2", function(node)
  local x = util.required(node, "X")
  local shape = util.int_list(node, "Shape", "ShapeTensor", "shape")
  if util.input(node, "ShapeTensor") ~= nil then shape = util.int_list(node, nil, "ShapeTensor", "shape") end
  if not remo.is_value(shape) then shape = i64(shape) end
  return util.outputs(node, {Out = remo.op("opset1.Reshape", {x, shape}, {special_zero = true})})
end)

remo.translate("paddle.transpose2", function(node)
  local x = util.required(node, "X")
  return util.outputs(node, {Out = remo.op("opset1.Transpose", {x, i64(node:attr("axis"))})})
end)

-- concat along `axis`, or along the value of AxisTensor when given (must be constant).
remo.translate("paddle.concat", function(node)
  local xs = util.inputs(node, "X")
  if #xs == 0 then error("concat has no inputs") end
  local axis = node:attr("axis", 0)
  local axis_tensor = util.input(node, "AxisTensor")
  if axis_tensor ~= nil then axis = util.const_values(axis_tensor, "concat's AxisTensor")[1] end
  axis = util.axis(axis, util.rank(xs[1], "concat"))
  return util.outputs(node, {Out = remo.op("opset1.Concat", xs, {axis = axis})})
end)

-- squeeze2 removes the listed axes that have size 1 (others are kept, as Paddle does); with no
-- axes, every size-1 dimension.
remo.translate("paddle.squeeze2", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "squeeze2")
  local shape = x:shape()
  local wanted = node:attr("axes", {})
  local axes = {}
  if #wanted == 0 then
    for i = 1, rank do
      if shape[i] == 1 then axes[#axes + 1] = i - 1
      elseif shape[i] < 0 then error("squeeze2 without axes needs a static shape") end
    end
  else
    local seen = {}
    for _, a in ipairs(wanted) do
      local axis = util.axis(a, rank)
      if shape[axis + 1] < 0 then error("squeeze2: dimension " .. axis .. " is not static") end
      if shape[axis + 1] == 1 and not seen[axis] then axes[#axes + 1] = axis end
      seen[axis] = true
    end
    table.sort(axes)
  end
  local y = x
  if #axes > 0 then y = remo.op("opset1.Squeeze", {x, i64(axes)}) end
  return util.outputs(node, {Out = y})
end)

-- unsqueeze2 inserts size-1 dimensions one axis after another, each axis counted in the rank
-- reached so far (negative: from the end of it).
remo.translate("paddle.unsqueeze2", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "unsqueeze2")
  local wanted = util.int_list(node, "AxesTensor", "AxesTensorList", "axes", {})
  if remo.is_value(wanted) then wanted = util.const_values(wanted, "unsqueeze2's axes") end
  local layout = {}
  for i = 1, rank do layout[i] = false end
  for _, a in ipairs(wanted) do
    local cur = #layout
    local pos = a < 0 and a + cur + 1 or a
    if pos < 0 or pos > cur then error("unsqueeze2: axis " .. a .. " is out of range for rank " .. cur) end
    table.insert(layout, pos + 1, true)
  end
  local axes = {}
  for i, inserted in ipairs(layout) do
    if inserted then axes[#axes + 1] = i - 1 end
  end
  local y = x
  if #axes > 0 then y = remo.op("opset1.Unsqueeze", {x, i64(axes)}) end
  return util.outputs(node, {Out = y})
end)

-- shape: the input's dimensions as int32.
remo.translate("paddle.shape", function(node)
  local x = util.required(node, "Input")
  return util.outputs(node, {Out = remo.op("opset3.ShapeOf", {x}, {output_type = "i32"})})
end)

-- slice along `axes` from starts to ends (clamped to the dimension, negative from the end);
-- decrease_axis drops those axes afterwards.
remo.translate("paddle.slice", function(node)
  local x = util.required(node, "Input")
  local rank = util.rank(x, "slice")
  local axes = node:attr("axes")
  local function bound(tensor_slot, list_slot, attr)
    local v = util.int_list(node, tensor_slot, list_slot, attr)
    if util.input(node, list_slot) ~= nil then v = util.int_list(node, nil, list_slot, attr) end
    if remo.is_value(v) then return v end
    return i64(v)
  end
  local starts = bound("StartsTensor", "StartsTensorList", "starts")
  local ends = bound("EndsTensor", "EndsTensorList", "ends")
  local steps = {}
  local norm_axes = {}
  for i, a in ipairs(axes) do
    steps[i] = 1
    norm_axes[i] = util.axis(a, rank)
  end
  local y = remo.op("opset8.Slice", {x, starts, ends, i64(steps), i64(norm_axes)})
  local decrease = node:attr("decrease_axis", {})
  if #decrease > 0 then
    local squeeze = {}
    for i, a in ipairs(decrease) do squeeze[i] = util.axis(a, rank) end
    table.sort(squeeze)
    y = remo.op("opset1.Squeeze", {y, i64(squeeze)})
  end
  return util.outputs(node, {Out = y})
end)

-- fill_constant: a tensor of `dtype` filled with `value` (or str_value when set), shaped by
-- ShapeTensor, ShapeTensorList or the shape attribute.
remo.translate("paddle.fill_constant", function(node)
  local t = util.element_type(node:attr("dtype", 5))
  local value = util.fill_value(node, t)
  local shape = util.int_list(node, "ShapeTensor", "ShapeTensorList", "shape", {})
  if not remo.is_value(shape) then shape = i64(shape) end
  local scalar = remo.const(value, t)
  return util.outputs(node, {Out = remo.op("opset3.Broadcast", {scalar, shape}, {mode = "numpy"})})
end)

remo.translate("paddle.assign", function(node)
  return util.outputs(node, {Out = util.required(node, "X")})
end)

-- split along `axis` (or AxisTensor, constant) into `num` equal parts, or into `sections`
-- (SectionsTensorList when given; one -1 takes the rest).
remo.translate("paddle.split", function(node)
  local x = util.required(node, "X")
  local rank = util.rank(x, "split")
  local axis = node:attr("axis", 0)
  local axis_tensor = util.input(node, "AxisTensor")
  if axis_tensor ~= nil then axis = util.const_values(axis_tensor, "split's AxisTensor")[1] end
  axis = util.axis(axis, rank)
  local num = node:attr("num", 0)
  local parts
  if num > 0 then
    parts = {remo.op("opset1.Split", {x, i64(axis)}, {num_splits = num})}
  else
    local sections = util.int_list(node, nil, "SectionsTensorList", "sections", {})
    if not remo.is_value(sections) then sections = i64(sections) end
    parts = {remo.op("opset1.VariadicSplit", {x, i64(axis), sections})}
  end
  return util.outputs(node, {Out = parts})
end)

-- stack: the inputs gain a dimension at `axis` and are joined along it.
remo.translate("paddle.stack", function(node)
  local xs = util.inputs(node, "X")
  if #xs == 0 then error("stack has no inputs") end
  local axis = node:attr("axis", 0)
  local rank = util.rank(xs[1], "stack") + 1
  axis = util.axis(axis, rank)
  local parts = {}
  for i, x in ipairs(xs) do parts[i] = remo.op("opset1.Unsqueeze", {x, i64({axis})}) end
  return util.outputs(node, {Y = remo.op("opset1.Concat", parts, {axis = axis})})
end)
