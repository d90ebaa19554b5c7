-- ONNX Reduce* -> the IR's Reduce ops. Axes are an attribute until opset 18 (13 for ReduceSum)
-- and an optional input after, which need not be a constant: the IR's Reduce ops take it at run
-- time. No axes (or an empty list) means every axis, unless noop_with_empty_axes asks for the
-- identity. ReduceLogSum, ReduceLogSumExp and ReduceSumSquare are a ReduceSum with an
-- elementwise op before or after.
local util = require("onnx_util")
local axes_lib = require("onnx_axes")

-- The axes as a Value for the IR, or nil when the node reduces nothing (noop_with_empty_axes).
local function axes_of(node, x, since)
  local axes = util.axes_value(node, since, 2)
  local empty = axes == nil
  if axes ~= nil then
    local shape = axes:shape()
    if shape ~= nil and #shape == 1 and shape[1] == 0 then empty = true end
    if shape == nil or (#shape == 1 and shape[1] < 0) then
      error(node.type .. ": axes of unknown length (an empty list means all axes, which the IR cannot express)")
    end
  end
  if not empty then return axes end
  if node:attr("noop_with_empty_axes", 0) ~= 0 then return nil end
  local all = {}
  for i = 1, util.rank(x, node.type .. " over all axes") do all[i] = i - 1 end
  return remo.const(all, "i64")
end

-- Whether `x` has a dimension known to be 0, so that a reduction may cover no element at all.
local function may_be_empty(x)
  local shape = x:shape()
  if shape == nil then return false end
  for _, d in ipairs(shape) do
    if d == 0 then return true end
  end
  return false
end

-- ONNX's max (min) over no element is -inf (+inf) for floats; the IR's gives the type's lowest
-- (highest) finite value: put the infinity where the count of reduced elements is 0.
local function empty_to_infinity(x, y, axes, keep, infinity)
  local ones = remo.op("opset3.Broadcast", {remo.const(1, "i64", {}), remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})})
  local count = remo.op("opset1.ReduceSum", {ones, axes}, {keep_dims = keep})
  local none = remo.op("opset1.Equal", {count, remo.const(0, "i64", {})})
  return remo.op("opset1.Select", {none, remo.const(infinity, y:type(), {}), y})
end

-- `before` and `after` wrap the reduction (nil for none); `op` is the IR's reduction.
local function reduce(op, axes_input_since, before, after, empty_value)
  return function(node)
    local x = node:input(1)
    local axes = axes_of(node, x, axes_input_since)
    if axes == nil then return x end
    local y = x
    -- ReduceMax/Min take booleans since opset 20: reduce them as 0/1 bytes.
    local boolean = x:type() == "boolean"
    if boolean then y = remo.op("opset1.Convert", {y}, {destination_type = "u8"}) end
    if before then y = before(y) end
    local keep = node:attr("keepdims", 1) ~= 0
    -- Run-time axes without keepdims: reduce keeping dims, then drop them with a rank the IR can tell.
    local drop = not keep and axes:value() == nil and x:rank() ~= nil
    local x_reduced = y
    y = remo.op(op, {y, axes}, {keep_dims = keep or drop})
    if empty_value ~= nil and util.ONNX_FLOAT[x:type()] and may_be_empty(x) then
      y = empty_to_infinity(x_reduced, y, axes, keep or drop, empty_value)
    end
    if drop then y = axes_lib.drop(y, axes, x:rank(), node.type) end
    if after then y = after(y) end
    if boolean then y = remo.op("opset1.Convert", {y}, {destination_type = "boolean"}) end
    return y
  end
end

local function square(x) return remo.op("opset1.Multiply", {x, x}) end
local function exp(x) return remo.op("opset1.Exp", {x}) end
local function log(x) return remo.op("opset1.Log", {x}) end

remo.translate("onnx.ReduceMean", reduce("opset1.ReduceMean", 18))
remo.translate("onnx.ReduceMax", reduce("opset1.ReduceMax", 18, nil, nil, -math.huge))
remo.translate("onnx.ReduceMin", reduce("opset1.ReduceMin", 18, nil, nil, math.huge))
remo.translate("onnx.ReduceProd", reduce("opset1.ReduceProd", 18))
remo.translate("onnx.ReduceSum", reduce("opset1.ReduceSum", 13))
remo.translate("onnx.ReduceL1", reduce("opset4.ReduceL1", 18))
remo.translate("onnx.ReduceL2", reduce("opset4.ReduceL2", 18))
remo.translate("onnx.ReduceSumSquare", reduce("opset1.ReduceSum", 18, square))
remo.translate("onnx.ReduceLogSum", reduce("opset1.ReduceSum", 18, nil, log))
remo.translate("onnx.ReduceLogSumExp", reduce("opset1.ReduceSum", 18, exp, log))
