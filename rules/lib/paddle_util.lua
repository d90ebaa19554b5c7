-- Helpers for Paddle translations. The Paddle reader flattens an op's named input and output
-- slots ("X", "Filter", "Out"...) into positional ports and names each port's slot in the
-- attributes "paddle:inputs" and "paddle:outputs" (see frontends/paddle/paddle_reader.h).
local util = {}

-- Every Value bound to input slot `slot`, in order (an empty list when the slot is empty).
function util.inputs(node, slot)
  local found = {}
  for i, s in ipairs(node:attr("paddle:inputs", {})) do
    if s == slot then found[#found + 1] = node:input(i) end
  end
  return found
end

-- The first Value of input slot `slot`, or nil.
function util.input(node, slot)
  return util.inputs(node, slot)[1]
end

-- The first Value of input slot `slot`; an error when the op has none.
function util.required(node, slot)
  local v = util.input(node, slot)
  if v == nil then error(node.type .. " has no '" .. slot .. "' input") end
  return v
end

-- The framework outputs in port order from a table slot -> Value, or slot -> list of Values for
-- a slot with several variables (split's Out). A single Value goes to the slot's first port;
-- ports of slots not in the table (XShape, batch_norm's statistics) get nil.
function util.outputs(node, by_slot)
  local slots = node:attr("paddle:outputs", {})
  local out, seen = {}, {}
  for i, s in ipairs(slots) do
    local k = (seen[s] or 0) + 1
    seen[s] = k
    local given = by_slot[s]
    if given ~= nil and not remo.is_value(given) then out[i] = given[k]
    elseif k == 1 then out[i] = given end
  end
  return table.unpack(out, 1, #slots)
end

-- Paddle's VarType element codes and the IR element type names.
util.TYPES = {
  [0] = "boolean", [1] = "i16", [2] = "i32", [3] = "i64", [4] = "f16", [5] = "f32", [6] = "f64",
  [20] = "u8", [21] = "i8", [22] = "bf16",
}

function util.element_type(code)
  local t = util.TYPES[code]
  if not t then error("Paddle data type " .. tostring(code) .. " has no OpenVINO element type") end
  return t
end

function util.rank(value, what)
  local r = value:rank()
  if r == nil then error(what .. " needs an input of known rank") end
  return r
end

function util.axis(axis, rank)
  if axis < -rank or axis >= rank then error("axis " .. axis .. " is out of range for rank " .. rank) end
  if axis < 0 then return axis + rank end
  return axis
end

function util.const_values(value, what)
  local v = value:value()
  if v == nil then error(what .. " must be computable at conversion time") end
  return v
end

-- Integer values that come from a tensor slot (e.g. ShapeTensor), a list of one-element tensor
-- slots (e.g. ShapeTensorList) or the attribute, in Paddle's order of precedence. Returns a
-- Value (i64, 1-D) for the tensor forms and a Lua list for the attribute.
function util.int_list(node, tensor_slot, list_slot, attr, default)
  local t = tensor_slot and util.input(node, tensor_slot)
  if t ~= nil then
    return remo.op("opset1.Convert", {t}, {destination_type = "i64"})
  end
  local list = list_slot and util.inputs(node, list_slot) or {}
  if #list > 0 then
    local parts = {}
    for i, v in ipairs(list) do
      local c = remo.op("opset1.Convert", {v}, {destination_type = "i64"})
      parts[i] = remo.op("opset1.Reshape", {c, remo.const({1}, "i64")}, {special_zero = false})
    end
    return remo.op("opset1.Concat", parts, {axis = 0})
  end
  return node:attr(attr, default)
end

-- Paddle's paddings for `spatial` axes: [p...] (symmetric) or [begin0, end0, begin1, end1...].
function util.split_paddings(paddings, spatial, what)
  local pads_begin, pads_end = {}, {}
  if #paddings == spatial then
    for i = 1, spatial do pads_begin[i], pads_end[i] = paddings[i], paddings[i] end
  elseif #paddings == 2 * spatial then
    for i = 1, spatial do pads_begin[i], pads_end[i] = paddings[2 * i - 1], paddings[2 * i] end
  else
    error(what .. ": paddings has " .. #paddings .. " values, expected " .. spatial .. " or " .. 2 * spatial)
  end
  return pads_begin, pads_end
end

-- The IR auto_pad for Paddle's padding_algorithm; SAME puts the odd pixel at the end.
function util.auto_pad(node)
  local algorithm = node:attr("padding_algorithm", "EXPLICIT")
  if algorithm == "EXPLICIT" then return "explicit" end
  if algorithm == "SAME" then return "same_upper" end
  if algorithm == "VALID" then return "valid" end
  error("unknown padding_algorithm '" .. algorithm .. "'")
end

-- NHWC data is transposed to NCHW and back around an op that needs channels first.
function util.channels_first(node, attr_name)
  local layout = node:attr(attr_name, "NCHW")
  return layout == "NCHW" or layout == "AnyLayout" or layout == "NCDHW"
end

function util.to_channels_first(x, rank)
  local order = {0, rank - 1}
  for i = 1, rank - 2 do order[#order + 1] = i end
  return remo.op("opset1.Transpose", {x, remo.const(order, "i64")})
end

function util.to_channels_last(x, rank)
  local order = {0}
  for i = 2, rank - 1 do order[#order + 1] = i end
  order[#order + 1] = 1
  return remo.op("opset1.Transpose", {x, remo.const(order, "i64")})
end

-- A [1, C, 1, ...] reshape of a per-channel vector so it broadcasts against NC... data.
function util.per_channel(vector, rank)
  local shape = {}
  for i = 1, rank do shape[i] = 1 end
  shape[2] = -1
  return remo.op("opset1.Reshape", {vector, remo.const(shape, "i64")}, {special_zero = false})
end

-- The operands of a binary op with Paddle's `axis`: with -1 (or equal ranks) they broadcast like
-- numpy; otherwise the lower-rank operand's dimensions line up with the other's starting at
-- `axis` (the legacy rule), so it gets size-1 dimensions before and after.
function util.align(x, y, axis)
  local rx, ry = util.rank(x, "elementwise op"), util.rank(y, "elementwise op")
  if axis == -1 or rx == ry then return x, y end
  local swap = rx < ry
  local big, small = x, y
  if swap then big, small = y, x end
  local rb, rs = math.max(rx, ry), math.min(rx, ry)
  if axis < 0 then axis = axis + rb - rs + 1 end
  if axis < 0 or axis + rs > rb then error("axis " .. axis .. " does not fit ranks " .. rx .. " and " .. ry) end
  local axes = {}
  for i = 0, axis - 1 do axes[#axes + 1] = i end
  for i = axis + rs, rb - 1 do axes[#axes + 1] = i end
  if #axes > 0 then small = remo.op("opset1.Unsqueeze", {small, remo.const(axes, "i64")}) end
  if swap then return small, big end
  return big, small
end

-- Rows of data [N, M, ...] picked per image: out[n, ...] = data[n, index[n, ...]] (index [N, ...]
-- of i64). Written as one Gather over the flattened first two axes: OpenVINO 2026.4's CPU plugin
-- crashes on some Gathers with batch_dims = 1.
function util.batch_gather(data, index)
  local i64 = function(v) return remo.const(v, "i64") end
  local shape = remo.op("opset3.ShapeOf", {data}, {output_type = "i64"})
  local n = remo.op("opset8.Gather", {shape, i64({0}), i64(0)})
  local m = remo.op("opset8.Gather", {shape, i64({1}), i64(0)})
  local rest = remo.op("opset8.Slice", {shape, i64({2}), i64({math.maxinteger}), i64({1})})
  local flat = remo.op("opset1.Reshape", {data, remo.op("opset1.Concat", {i64({-1}), rest}, {axis = 0})}, {special_zero = false})
  local offset_shape = {-1}
  for _ = 2, util.rank(index, "batch_gather's index") do offset_shape[#offset_shape + 1] = 1 end
  local images = remo.op("opset4.Range", {i64(0), remo.op("opset1.Squeeze", {n}), i64(1)}, {output_type = "i64"})
  local offsets = remo.op("opset1.Reshape", {remo.op("opset1.Multiply", {images, m}), i64(offset_shape)}, {special_zero = false})
  return remo.op("opset8.Gather", {flat, remo.op("opset1.Add", {index, offsets}), i64(0)})
end

-- The fill value of fill_constant-like ops for element type `t`: `value`, or `str_value` when
-- set ("inf", "-inf", "nan" or a number); booleans and integers as such.
function util.fill_value(node, t)
  local value = node:attr("value", 0.0)
  local text = node:attr("str_value", "")
  if text ~= "" then
    if text == "inf" then value = math.huge
    elseif text == "-inf" then value = -math.huge
    elseif text == "nan" then value = 0.0 / 0.0
    else
      value = tonumber(text)
      if value == nil then error(node.type .. ": str_value '" .. text .. "' is not a number") end
    end
  end
  if t ~= "f32" and t ~= "f64" and t ~= "f16" and t ~= "bf16" then
    if t == "boolean" then value = value ~= 0 and 1 or 0 else value = math.tointeger(value) or value end
  end
  return value
end

-- A scalar constant of `value`'s element type.
function util.scalar(number, like)
  return remo.const(number, like:type())
end

return util
