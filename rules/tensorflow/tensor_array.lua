-- TensorFlow v1 TensorArrays (TensorArrayV3 and its Read/Write/Gather/Scatter/Size/Concat ops),
-- as tf.compat.v1 while loops and dynamic_rnn use them. An array is held as one tensor
-- [size, element...] that travels where TensorFlow's "flow" scalar travels: every op that reads or
-- changes the array takes the flow, and the handle is only an identity. So an array written in a
-- loop is a loop variable of the Loop (its flow), and one read in a loop an invariant input.

local function shape_of(v) return remo.op("opset3.ShapeOf", {v}, {output_type = "i64"}) end
local function as_i64(v)
  if v:type() == "i64" then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = "i64"})
end
local function unsqueeze0(v) return remo.op("opset1.Unsqueeze", {v, remo.const({0}, "i64")}) end
local ZERO = function() return remo.const(0, "i64", {}) end

-- TensorArrayV3(size) -> handle, flow: zeros of [size, element_shape...]. The element shape must
-- be fully known, since the array is one tensor from the start.
remo.translate("tf.TensorArrayV3", function(node)
  local shape = node:attr("element_shape", nil)
  if shape == nil then
    error("the TensorArray's element_shape is unknown; remo needs it (give element_shape= when building it)")
  end
  for _, d in ipairs(shape) do
    if d < 0 then error("the TensorArray's element_shape has an unknown dimension; remo needs all of them") end
  end
  if node:attr("dynamic_size", false) then error("dynamic_size TensorArrays are not supported") end
  local size = unsqueeze0(as_i64(node:input(1)))
  local dims = remo.op("opset1.Concat", {size, remo.const(shape, "i64", {#shape})}, {axis = 0})
  local buffer = remo.op("opset3.Broadcast", {remo.const(0, node:attr("dtype"), {}), dims})
  return buffer, buffer
end)

-- Write(handle, index, value, flow) -> flow with element `index` replaced.
remo.translate("tf.TensorArrayWriteV3", function(node)
  local flow = node:input(4)
  local value = node:input(3)
  if value:type() ~= flow:type() then value = remo.op("opset1.Convert", {value}, {destination_type = flow:type()}) end
  local index = remo.op("opset1.Reshape", {as_i64(node:input(2)), remo.const({1, 1}, "i64")}, {special_zero = false})
  return remo.op("opset15.ScatterNDUpdate", {flow, index, unsqueeze0(value)})
end)

-- Scatter(handle, indices, value, flow) -> flow with the elements at `indices` replaced.
remo.translate("tf.TensorArrayScatterV3", function(node)
  local flow = node:input(4)
  local indices = remo.op("opset1.Unsqueeze", {as_i64(node:input(2)), remo.const({-1}, "i64")})
  return remo.op("opset15.ScatterNDUpdate", {flow, indices, node:input(3)})
end)

remo.translate("tf.TensorArrayReadV3", function(node)
  return remo.op("opset8.Gather", {node:input(3), as_i64(node:input(2)), ZERO()})
end)

remo.translate("tf.TensorArrayGatherV3", function(node)
  return remo.op("opset8.Gather", {node:input(3), as_i64(node:input(2)), ZERO()})
end)

-- Size(handle, flow) -> int32 scalar.
remo.translate("tf.TensorArraySizeV3", function(node)
  local size = remo.op("opset8.Gather", {shape_of(node:input(2)), ZERO(), ZERO()})
  return remo.op("opset1.Convert", {size}, {destination_type = "i32"})
end)

-- Concat(handle, flow) -> the elements joined along their first axis, and each one's length (i64).
remo.translate("tf.TensorArrayConcatV3", function(node)
  local flow = node:input(2)
  local r = flow:rank()
  if r == nil or r < 2 then error("TensorArrayConcatV3 needs elements of known rank >= 1") end
  local shape = shape_of(flow)
  local rest = remo.op("opset8.Slice", {shape, remo.const({2}, "i64"), remo.const({r}, "i64"), remo.const({1}, "i64")})
  local joined = remo.op("opset1.Concat", {remo.const({-1}, "i64"), rest}, {axis = 0})
  local value = remo.op("opset1.Reshape", {flow, joined}, {special_zero = false})
  local count = remo.op("opset8.Slice", {shape, remo.const({0}, "i64"), remo.const({1}, "i64"), remo.const({1}, "i64")})
  local length = remo.op("opset8.Gather", {shape, remo.const({1}, "i64"), ZERO()})
  return value, remo.op("opset3.Broadcast", {length, count})
end)

-- Closing frees nothing here; its output (if any) is never read in an inference graph.
remo.translate("tf.TensorArrayCloseV3", function(node) return nil end)
