-- TensorFlow TensorLists (the variant-typed lists of control flow v2, Keras RNN loops and TF2
-- TensorArrays). A list is held as one tensor [length, element...], like a v1 TensorArray
-- (tensor_array.lua): a list carried through a While is a loop variable of the Loop, and pushing
-- grows its first dimension (the Loop's variables have their dimensions open).

local function as_i64(v)
  if v:type() == "i64" then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = "i64"})
end
local function zero() return remo.const(0, "i64", {}) end
local function unsqueeze0(v) return remo.op("opset1.Unsqueeze", {v, remo.const({0}, "i64")}) end
local function length(list) return remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {list}, {output_type = "i64"}), zero(), zero()}) end

-- The element shape input as a list of dims; every dimension must be known, since the list starts
-- as a tensor of zeros. -1 alone means an unknown rank.
local function element_shape(node, value)
  local dims = value:value()
  if dims == nil then error("the list's element_shape must be a constant") end
  if value:rank() == 0 then error("the list's element shape has an unknown rank; remo needs it to create the list") end
  for _, d in ipairs(dims) do
    if d < 0 then
      error("the list's element shape is not fully known (" .. table.concat(dims, ",") ..
            "); remo needs it to create the list (give element_shape= to the TensorArray, or static input shapes)")
    end
  end
  return dims
end

local function zeros(node, count, dims)
  local shape = remo.op("opset1.Concat", {unsqueeze0(as_i64(count)), remo.const(dims, "i64", {#dims})}, {axis = 0})
  return remo.op("opset3.Broadcast", {remo.const(0, node:attr("element_dtype"), {}), shape})
end

remo.translate("tf.TensorListReserve", function(node)
  return zeros(node, node:input(2), element_shape(node, node:input(1)))
end)

remo.translate("tf.EmptyTensorList", function(node)
  return zeros(node, remo.const(0, "i64", {}), element_shape(node, node:input(1)))
end)

remo.translate("tf.TensorListFromTensor", function(node) return node:input(1) end)

-- With resize_if_index_out_of_bounds (a dynamic_size TensorArray) the list first grows with zeros
-- to index + 1 elements when it is shorter.
remo.translate("tf.TensorListSetItem", function(node)
  local list, item = node:input(1), node:input(3)
  local at = as_i64(node:input(2))
  if node:attr("resize_if_index_out_of_bounds", false) then
    local r = list:rank()
    if r == nil then error("a resizable list needs a known rank") end
    local short = remo.op("opset1.Subtract", {remo.op("opset1.Add", {at, remo.const(1, "i64", {})}), length(list)})
    local grow = remo.op("opset1.Maximum", {short, remo.const(0, "i64", {})})
    local zeros = {}
    for i = 1, r - 1 do zeros[i] = 0 end
    local ends = remo.op("opset1.Concat", {unsqueeze0(grow), remo.const(zeros, "i64", {r - 1})}, {axis = 0})
    local begins = {}
    for i = 1, r do begins[i] = 0 end
    list = remo.op("opset1.Pad", {list, remo.const(begins, "i64", {r}), ends, remo.const(0, list:type(), {})},
                   {pad_mode = "constant"})
  end
  local index = remo.op("opset1.Reshape", {at, remo.const({1, 1}, "i64")}, {special_zero = false})
  return remo.op("opset15.ScatterNDUpdate", {list, index, unsqueeze0(item)})
end)

remo.translate("tf.TensorListGetItem", function(node)
  return remo.op("opset8.Gather", {node:input(1), as_i64(node:input(2)), zero()})
end)

remo.translate("tf.TensorListGather", function(node)
  return remo.op("opset8.Gather", {node:input(1), as_i64(node:input(2)), zero()})
end)

-- Stacking is the list itself; num_elements, when given, must agree with it at run time.
remo.translate("tf.TensorListStack", function(node) return node:input(1) end)

remo.translate("tf.TensorListLength", function(node)
  return remo.op("opset1.Convert", {length(node:input(1))}, {destination_type = "i32"})
end)

remo.translate("tf.TensorListElementShape", function(node)
  local shape = remo.op("opset3.ShapeOf", {node:input(1)}, {output_type = node:attr("shape_type", "i32")})
  return remo.op("opset8.Slice", {shape, remo.const({1}, "i64"), remo.const({math.maxinteger}, "i64"), remo.const({1}, "i64")})
end)

remo.translate("tf.TensorListPushBack", function(node)
  return remo.op("opset1.Concat", {node:input(1), unsqueeze0(node:input(2))}, {axis = 0})
end)

-- PopBack(list, element_shape) -> the list without its last element, and that element.
remo.translate("tf.TensorListPopBack", function(node)
  local list = node:input(1)
  local last = remo.op("opset1.Subtract", {length(list), remo.const(1, "i64", {})})
  local rest = remo.op("opset8.Slice", {list, remo.const({0}, "i64"), unsqueeze0(last), remo.const({1}, "i64")})
  return rest, remo.op("opset8.Gather", {list, last, zero()})
end)
