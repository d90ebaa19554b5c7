-- Helpers shared by the ONNX translations: attribute spelling, constants, axis arithmetic.
local util = {}

-- ONNX auto_pad values and the IR's spelling of the same padding rules.
local AUTO_PAD = {NOTSET = "explicit", SAME_UPPER = "same_upper", SAME_LOWER = "same_lower", VALID = "valid"}

function util.auto_pad(node)
  local value = node:attr("auto_pad", "NOTSET")
  local mapped = AUTO_PAD[value]
  if not mapped then error("auto_pad '" .. value .. "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID") end
  return mapped
end

-- A list of `n` copies of `value`.
function util.fill(n, value)
  local out = {}
  for i = 1, n do out[i] = value end
  return out
end

-- ONNX pads are [x1_begin, x2_begin, ..., x1_end, x2_end, ...]; the IR wants two lists.
function util.split_pads(pads, n)
  if not pads then return util.fill(n, 0), util.fill(n, 0) end
  if #pads ~= 2 * n then error("pads has " .. #pads .. " values, expected " .. 2 * n) end
  local begins, ends = {}, {}
  for i = 1, n do
    begins[i] = pads[i]
    ends[i] = pads[n + i]
  end
  return begins, ends
end

-- Spatial-dims attribute (strides, dilations...) with ONNX's default of all ones.
function util.spatial(node, name, n, default)
  local v = node:attr(name, nil)
  if v == nil then return util.fill(n, default or 1) end
  if #v ~= n then error(name .. " has " .. #v .. " values, expected " .. n) end
  return v
end

-- ONNX TensorProto.DataType numbers and the IR element type names.
util.ONNX_TYPES = {
  [1] = "f32", [2] = "u8", [3] = "i8", [4] = "u16", [5] = "i16", [6] = "i32", [7] = "i64",
  [9] = "boolean", [10] = "f16", [11] = "f64", [12] = "u32", [13] = "u64", [16] = "bf16",
  [17] = "f8e4m3", [19] = "f8e5m2", [21] = "u4", [22] = "i4", [23] = "f4e2m1", [24] = "f8e8m0", [25] = "u2",
}

-- Element types Clamp accepts bounds for as plain numbers.
util.ONNX_FLOAT = {f16 = true, bf16 = true, f32 = true, f64 = true}

function util.element_type(code)
  local t = util.ONNX_TYPES[code]
  if not t then error("ONNX data type " .. tostring(code) .. " has no OpenVINO element type") end
  return t
end

-- Rank of a value, or an error naming what needs it.
function util.rank(value, what)
  local r = value:rank()
  if r == nil then error(what .. " needs an input of known rank") end
  return r
end

-- Normalizes a possibly negative axis for a given rank.
function util.axis(axis, rank)
  if axis < -rank or axis >= rank then
    error("axis " .. axis .. " is out of range for rank " .. rank)
  end
  if axis < 0 then return axis + rank end
  return axis
end

-- The values of an input that must be known at conversion time (shape, axes, pads...).
function util.const_values(value, what)
  local v = value:value()
  if v == nil then error(what .. " must be a constant (computable at conversion time)") end
  return v
end

-- Axes from the attribute (older opsets) or from input `index` (newer ones); nil if neither.
function util.axes(node, since, index)
  if node.opset >= since then
    local input = node:input(index)
    if input == nil then return nil end
    return util.const_values(input, "axes")
  end
  return node:attr("axes", nil)
end

-- Axes as a Value from the attribute (older opsets, as an i64 constant) or input `index` (newer
-- ones, as given: the IR's ops take axes computed at run time too); nil if neither is there.
function util.axes_value(node, since, index)
  if node.opset >= since then return node:input(index) end
  local axes = node:attr("axes", nil)
  if axes == nil then return nil end
  return remo.const(axes, "i64", {#axes})
end

-- A [1, C, 1, ...] reshape of a per-channel vector so it broadcasts against NC... data.
function util.per_channel(vector, rank)
  local shape = util.fill(rank, 1)
  shape[2] = -1
  return remo.op("opset1.Reshape", {vector, remo.const(shape, "i64")}, {special_zero = false})
end

return util
