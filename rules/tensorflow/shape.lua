-- TensorFlow shape and data-movement ops.
local util = require("tf_util")

remo.translate("tf.Reshape", function(node)
  -- TensorFlow's 0 is a real zero-sized dimension, never "copy the input's".
  return remo.op("opset1.Reshape", {node:input(1), node:input(2)}, {special_zero = false})
end)

remo.translate("tf.Squeeze", function(node)
  local dims = node:attr("squeeze_dims", {})
  if #dims == 0 then return remo.op("opset1.Squeeze", {node:input(1)}) end
  return remo.op("opset1.Squeeze", {node:input(1), remo.const(dims, "i64")})
end)

remo.translate("tf.ExpandDims", function(node)
  return remo.op("opset1.Unsqueeze", {node:input(1), node:input(2)})
end)

-- ConcatV2: the values, then the axis (a constant, may be negative).
remo.translate("tf.ConcatV2", function(node)
  local n = node:input_count() - 1
  local axis = util.const_values(node:input(n + 1), "ConcatV2's axis")[1]
  local values = {}
  for i = 1, n do values[i] = node:input(i) end
  return remo.op("opset1.Concat", values, {axis = axis})
end)

remo.translate("tf.Pack", function(node)
  local axis = node:attr("axis", 0)
  local n = node:input_count()
  local r = util.rank(node:input(1), "Pack")
  if axis < 0 then axis = axis + r + 1 end
  local parts = {}
  for i = 1, n do parts[i] = remo.op("opset1.Unsqueeze", {node:input(i), remo.const({axis}, "i64")}) end
  return remo.op("opset1.Concat", parts, {axis = axis})
end)

-- Pad, PadV2 (with a constant value) and MirrorPad (REFLECT / SYMMETRIC); paddings is [rank, 2].
local function pad(node, mode, value)
  local x = node:input(1)
  local p = util.const_values(node:input(2), node.type .. "'s paddings")
  local begins, ends = {}, {}
  for i = 1, #p // 2 do
    begins[i] = p[2 * i - 1]
    ends[i] = p[2 * i]
  end
  local inputs = {x, remo.const(begins, "i64"), remo.const(ends, "i64")}
  if mode == "constant" then
    inputs[4] = value or remo.const({0}, x:type(), {})
  end
  return remo.op("opset1.Pad", inputs, {pad_mode = mode})
end

remo.translate("tf.Pad", function(node) return pad(node, "constant") end)
remo.translate("tf.PadV2", function(node) return pad(node, "constant", node:input(3)) end)
remo.translate("tf.MirrorPad", function(node)
  local mode = node:attr("mode")
  if mode == "REFLECT" then return pad(node, "reflect") end
  if mode == "SYMMETRIC" then return pad(node, "symmetric") end
  error("MirrorPad mode '" .. mode .. "' is not one of REFLECT, SYMMETRIC")
end)

remo.translate("tf.Shape", function(node)
  return remo.op("opset3.ShapeOf", {node:input(1)}, {output_type = node:attr("out_type", "i32")})
end)

remo.translate("tf.Transpose", function(node)
  return remo.op("opset1.Transpose", {node:input(1), node:input(2)})
end)

remo.translate("tf.Cast", function(node)
  return remo.op("opset1.Convert", {node:input(1)}, {destination_type = node:attr("DstT")})
end)

-- StridedSlice: each mask is a bit field over the entries of begin/end/strides.
remo.translate("tf.StridedSlice", function(node)
  local begin = node:input(2)
  local n = begin:shape()
  if n == nil or #n ~= 1 or n[1] < 0 then error("StridedSlice needs a begin of known length") end
  n = n[1]
  local function bits(name)
    local mask, out = node:attr(name, 0), {}
    for i = 1, n do out[i] = (mask >> (i - 1)) & 1 end
    return out
  end
  return remo.op("opset1.StridedSlice", {node:input(1), begin, node:input(3), node:input(4)}, {
    begin_mask = bits("begin_mask"), end_mask = bits("end_mask"), new_axis_mask = bits("new_axis_mask"),
    shrink_axis_mask = bits("shrink_axis_mask"), ellipsis_mask = bits("ellipsis_mask"),
  })
end)
