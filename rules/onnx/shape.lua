-- ONNX ops that move data around without arithmetic: reshapes, transposes, concatenation,
-- gathers, casts, and the ops that only pass a value through.
local util = require("onnx_util")
local axes_lib = require("onnx_axes")

local function i64(values) return remo.const(values, "i64") end

remo.translate("onnx.Identity", function(node) return node:input(1) end)

remo.translate("onnx.Constant", function(node)
  if node:has_attr("value") then return remo.const(node:attr("value")) end
  if node:has_attr("value_float") then return remo.const(node:attr("value_float"), "f32", {}) end
  if node:has_attr("value_int") then return remo.const(node:attr("value_int"), "i64", {}) end
  if node:has_attr("value_floats") then return remo.const(node:attr("value_floats"), "f32") end
  if node:has_attr("value_ints") then return remo.const(node:attr("value_ints"), "i64") end
  error("Constant without a supported value attribute (value, value_float(s), value_int(s))")
end)

remo.translate("onnx.Reshape", function(node)
  local shape
  if node.opset < 5 then shape = i64(node:attr("shape")) else shape = node:input(2) end
  -- allowzero=1 means a 0 in the shape is a real zero-sized dimension, not "copy this one".
  local special_zero = node:attr("allowzero", 0) == 0
  return remo.op("opset1.Reshape", {node:input(1), shape}, {special_zero = special_zero})
end)

remo.translate("onnx.Flatten", function(node)
  local x = node:input(1)
  local axis = node:attr("axis", 1)
  local shape = x:shape()
  if axis < 0 then axis = axis + util.rank(x, "Flatten with a negative axis") end
  if axis == 0 then
    return remo.op("opset1.Reshape", {x, i64({1, -1})}, {special_zero = false})
  elseif axis == 1 then
    return remo.op("opset1.Reshape", {x, i64({0, -1})}, {special_zero = true})
  end
  if shape == nil then error("Flatten needs an input of known rank") end
  local outer, known = 1, true
  for i = 1, axis do
    if shape[i] < 0 then known = false else outer = outer * shape[i] end
  end
  if known then
    return remo.op("opset1.Reshape", {x, i64({outer, -1})}, {special_zero = false})
  end
  -- Outer dims are dynamic: compute their product from the runtime shape.
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local head = remo.op("opset8.Slice", {dims, i64({0}), i64({axis}), i64({1})})
  local product = remo.op("opset1.ReduceProd", {head, i64({0})}, {keep_dims = true})
  local target = remo.op("opset1.Concat", {product, i64({-1})}, {axis = 0})
  return remo.op("opset1.Reshape", {x, target}, {special_zero = false})
end)

remo.translate("onnx.Transpose", function(node)
  local x = node:input(1)
  local perm = node:attr("perm", nil)
  if perm == nil then
    perm = {}
    local rank = util.rank(x, "Transpose without perm")
    for i = 1, rank do perm[i] = rank - i end
  end
  return remo.op("opset1.Transpose", {x, i64(perm)})
end)

remo.translate("onnx.Squeeze", function(node)
  local axes = util.axes_value(node, 13, 2)
  local x = node:input(1)
  if axes == nil then return remo.op("opset1.Squeeze", {x}) end
  if axes:value() == nil and x:rank() ~= nil then return axes_lib.drop(x, axes, x:rank(), "Squeeze") end
  return remo.op("opset1.Squeeze", {x, axes})
end)

remo.translate("onnx.Unsqueeze", function(node)
  local axes = util.axes_value(node, 13, 2)
  if axes == nil then error("Unsqueeze needs axes") end
  local x = node:input(1)
  if axes:value() == nil and x:rank() ~= nil then return axes_lib.insert(x, axes, x:rank(), "Unsqueeze") end
  return remo.op("opset1.Unsqueeze", {x, axes})
end)

remo.translate("onnx.Concat", function(node)
  local inputs = {}
  for i = 1, node:input_count() do inputs[#inputs + 1] = node:input(i) end
  return remo.op("opset1.Concat", inputs, {axis = node:attr("axis")})
end)

remo.translate("onnx.Shape", function(node)
  local shape = remo.op("opset3.ShapeOf", {node:input(1)}, {output_type = "i64"})
  local start, stop = node:attr("start", 0), node:attr("end", nil)
  if start == 0 and stop == nil then return shape end
  -- Shape-15 slices the shape; Slice clamps out-of-range bounds exactly as ONNX asks.
  stop = stop or (1 << 62)
  return remo.op("opset8.Slice", {shape, i64({start}), i64({stop}), i64({1})})
end)

remo.translate("onnx.Gather", function(node)
  return remo.op("opset8.Gather", {node:input(1), node:input(2), i64(node:attr("axis", 0))}, {batch_dims = 0})
end)
