-- ONNX Pad -> Pad-1 (or Pad-12 when a pad is negative, which crops, or pads are known only at
-- run time). Pads are an attribute until opset 11, an input after; opset 18 adds an axes input
-- naming the axes the pads are for. wrap (opset 19) is built from slices and a Concat per axis.
local util = require("onnx_util")

local MODES = {constant = "constant", reflect = "reflect", edge = "edge", wrap = "wrap"}

local function scalar(value) return remo.const(value, "i64", {}) end

-- Axes from an optional input, normalised at run time when not constant: a Value, or nil.
local function axes_value(node, rank)
  if node.opset < 18 then return nil end
  local axes = node:input(4)
  if axes == nil then return nil end
  local a = remo.op("opset1.Convert", {axes}, {destination_type = "i64"})
  local negative = remo.op("opset1.Less", {a, scalar(0)})
  return remo.op("opset1.Select", {negative, remo.op("opset1.Add", {a, scalar(rank)}), a})
end

-- Begins and ends as constant lists when everything is known, else as [rank] Values.
local function pads_of(node, rank)
  if node.opset < 11 then return util.split_pads(node:attr("pads"), rank) end
  local pads, axes = node:input(2), node.opset >= 18 and node:input(4) or nil
  local known, axes_known = pads:value(), axes and axes:value()
  if known ~= nil and (axes == nil or axes_known ~= nil) then
    if axes == nil then return util.split_pads(known, rank) end
    -- Pads given for some axes only: the others get zero.
    local partial_begin, partial_end = util.split_pads(known, #axes_known)
    local begins, ends = util.fill(rank, 0), util.fill(rank, 0)
    for i, axis in ipairs(axes_known) do
      local a = util.axis(axis, rank) + 1
      begins[a], ends[a] = partial_begin[i], partial_end[i]
    end
    return begins, ends
  end
  local count = rank
  if axes ~= nil then
    local shape = axes:shape()
    if shape == nil or #shape ~= 1 or shape[1] < 0 then error("Pad needs axes of static length") end
    count = shape[1]
  end
  pads = remo.op("opset1.Convert", {pads}, {destination_type = "i64"})
  local one = remo.const({1})
  local begins = remo.op("opset8.Slice", {pads, remo.const({0}), remo.const({count}), one})
  local ends = remo.op("opset8.Slice", {pads, remo.const({count}), remo.const({2 * count}), one})
  local a = axes_value(node, rank)
  if a ~= nil then
    local zeros = remo.const(util.fill(rank, 0))
    begins = remo.op("opset12.ScatterElementsUpdate", {zeros, a, begins, scalar(0)})
    ends = remo.op("opset12.ScatterElementsUpdate", {zeros, a, ends, scalar(0)})
  end
  return begins, ends
end

-- Entry i of a constant list or a Value, as a 1-element Value.
local function entry(list, i)
  if remo.is_value(list) then return remo.op("opset8.Gather", {list, remo.const({i}), scalar(0)}) end
  return remo.const({list[i + 1]})
end

-- wrap: the last `begin` elements of each axis go before it, the first `end` ones after it.
local function wrap(x, begins, ends, rank)
  for i = 0, rank - 1 do
    local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
    local d = remo.op("opset8.Gather", {dims, remo.const({i}), scalar(0)})
    local b, e = entry(begins, i), entry(ends, i)
    local one, axis = remo.const({1}), remo.const({i})
    local head = remo.op("opset8.Slice", {x, remo.op("opset1.Subtract", {d, b}), d, one, axis})
    local tail = remo.op("opset8.Slice", {x, remo.const({0}), e, one, axis})
    x = remo.op("opset1.Concat", {head, x, tail}, {axis = i})
  end
  return x
end

remo.translate("onnx.Pad", function(node)
  local x = node:input(1)
  local rank = util.rank(x, "Pad")
  local name = node:attr("mode", "constant")
  local mode = MODES[name]
  if mode == nil then error("Pad mode '" .. name .. "' is not one of constant, reflect, edge, wrap") end
  local begins, ends = pads_of(node, rank)
  if mode == "wrap" then return wrap(x, begins, ends, rank) end
  local value
  if node.opset < 11 then value = remo.const(node:attr("value", 0.0), x:type(), {}) else value = node:input(3) end
  local op = "opset1.Pad"
  if remo.is_value(begins) then
    op = "opset12.Pad"
  else
    for i = 1, rank do
      if begins[i] < 0 or ends[i] < 0 then op = "opset12.Pad" end
    end
    begins, ends = remo.const(begins, "i64"), remo.const(ends, "i64")
  end
  local inputs = {x, begins, ends}
  if mode == "constant" and value ~= nil then inputs[4] = value end
  return remo.op(op, inputs, {pad_mode = mode})
end)
