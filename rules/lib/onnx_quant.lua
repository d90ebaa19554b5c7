-- Helpers of the ONNX quantization translations: integer ranges, scales broadcast along an axis
-- (or blocks of it), and the two quantize forms.
local util = require("onnx_util")
local quant = {}

-- ONNX TensorProto.DataType numbers of the quantized types beyond onnx_util's table, with the
-- element type names the IR gives them.
local EXTRA_TYPES = {[17] = "f8e4m3", [19] = "f8e5m2", [21] = "u4", [22] = "i4"}
local FP8_NAMES = {[18] = "FLOAT8E4M3FNUZ", [20] = "FLOAT8E5M2FNUZ", [23] = "FLOAT4E2M1"}

-- Integer ranges of the quantized types; fp8 types saturate to their largest finite value.
local RANGES = {
  u8 = {0, 255}, i8 = {-128, 127}, u16 = {0, 65535}, i16 = {-32768, 32767},
  i32 = {-2147483648, 2147483647}, u4 = {0, 15}, i4 = {-8, 7},
}
local FP8_MAX = {f8e4m3 = 448.0, f8e5m2 = 57344.0}

function quant.is_fp8(t) return FP8_MAX[t] ~= nil end

-- Fails naming the type when remo's graph has no such element type.
function quant.check_type(t)
  if not pcall(remo.const, 0, t) then
    error("element type " .. t .. " is not supported by remo's graph yet")
  end
  return t
end

function quant.element_type(code)
  if FP8_NAMES[code] then error("ONNX data type " .. FP8_NAMES[code] .. " has no OpenVINO element type") end
  local t = EXTRA_TYPES[code] or util.element_type(code)
  return quant.check_type(t)
end

function quant.range(t)
  local r = RANGES[t]
  if r then return r[1], r[2] end
  if FP8_MAX[t] then return -FP8_MAX[t], FP8_MAX[t] end
  error("element type " .. t .. " is not a quantized type (expected u8, i8, u16, i16, i32, u4, i4 or an fp8 type)")
end

-- `v` (a scale or zero point) prepared to broadcast against `x`:
--  a scalar or 1-element tensor stays as it is (per tensor);
--  with block_size > 0 (opset 21) `v` has x's rank and each element along `axis` covers block_size
--  consecutive elements of x: it is repeated block_size times along that axis and cut to x's length;
--  otherwise a 1-D `v` runs along `axis` of x (per axis).
function quant.along_axis(v, x, axis, block_size)
  local rank = util.rank(x, "quantization")
  local vr = util.rank(v, "a scale or zero point")
  if block_size and block_size > 0 then
    if vr ~= rank then error("with block_size, the scale has rank " .. vr .. ", expected the input's rank " .. rank) end
    local a = util.axis(axis, rank)
    local expanded = remo.op("opset1.Unsqueeze", {v, remo.const({a + 1}, "i64")})
    local vshape = remo.op("opset3.ShapeOf", {v}, {output_type = "i64"})
    local tiled_dims, merged_dims = {}, {}
    for i = 0, rank - 1 do
      local d = remo.op("opset8.Gather", {vshape, remo.const({i}, "i64"), remo.const(0, "i64")})
      tiled_dims[#tiled_dims + 1] = d
      if i == a then
        tiled_dims[#tiled_dims + 1] = remo.const({block_size}, "i64")
        merged_dims[#merged_dims + 1] = remo.const({-1}, "i64")
      else
        merged_dims[#merged_dims + 1] = d
      end
    end
    local tiled = remo.op("opset3.Broadcast", {expanded, remo.op("opset1.Concat", tiled_dims, {axis = 0})})
    local flat = remo.op("opset1.Reshape", {tiled, remo.op("opset1.Concat", merged_dims, {axis = 0})},
                         {special_zero = false})
    local xlen = remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}),
                                           remo.const({a}, "i64"), remo.const(0, "i64")})
    return remo.op("opset8.Slice", {flat, remo.const({0}, "i64"), xlen, remo.const({1}, "i64"), remo.const({a}, "i64")})
  end
  if vr == 0 then return v end
  local shape = v:shape()
  if vr == 1 and shape[1] == 1 then return v end
  if vr ~= 1 then error("a per-axis scale or zero point must be 1-D, got rank " .. vr) end
  if rank <= 1 then return v end
  local a = util.axis(axis, rank)
  local dims = util.fill(rank, 1)
  dims[a + 1] = -1
  return remo.op("opset1.Reshape", {v, remo.const(dims, "i64")}, {special_zero = false})
end

-- Whether every value is known at conversion time.
local function known(...)
  for _, v in ipairs({...}) do if v ~= nil and v:value() == nil then return false end end
  return true
end

-- y = saturate(round_half_even(x / scale) + zero_point) as `out_type`. `scale` and `zp` are already
-- broadcastable against x; `zp` may be nil (zero). Integer outputs with constant scale and zero
-- point become FakeQuantize + Convert; otherwise Divide, Round, Add, Clamp and Convert.
function quant.quantize(x, scale, zp, out_type, saturate)
  local ftype = x:type()
  local zf = zp and remo.op("opset1.Convert", {zp}, {destination_type = ftype}) or nil
  if quant.is_fp8(out_type) then
    local y = remo.op("opset1.Divide", {x, scale})
    if zf then y = remo.op("opset1.Add", {y, zf}) end
    if saturate then
      local lo, hi = quant.range(out_type)
      y = remo.op("opset1.Clamp", {y}, {min = lo, max = hi})
    end
    return remo.op("opset1.Convert", {y}, {destination_type = out_type})
  end
  local lo, hi = quant.range(out_type)
  if known(scale, zp) and out_type ~= "i32" then
    -- The input range that maps onto [lo, hi]: (lo - zp) * scale .. (hi - zp) * scale.
    local zero = zf or remo.const(0, ftype)
    local il = remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {remo.const(lo, ftype), zero}), scale})
    local ih = remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {remo.const(hi, ftype), zero}), scale})
    local fq = remo.op("opset1.FakeQuantize", {x, il, ih, remo.const(lo, ftype), remo.const(hi, ftype)},
                       {levels = hi - lo + 1})
    return remo.op("opset1.Convert", {fq}, {destination_type = out_type})
  end
  local y = remo.op("opset5.Round", {remo.op("opset1.Divide", {x, scale})}, {mode = "half_to_even"})
  if zf then y = remo.op("opset1.Add", {y, zf}) end
  y = remo.op("opset1.Clamp", {y}, {min = lo, max = hi})
  return remo.op("opset1.Convert", {y}, {destination_type = out_type})
end

-- y = (x - zero_point) * scale in scale's type; `scale` and `zp` already broadcast against x.
function quant.dequantize(x, scale, zp)
  local ftype = scale:type()
  local y = remo.op("opset1.Convert", {x}, {destination_type = ftype})
  if zp then
    y = remo.op("opset1.Subtract", {y, remo.op("opset1.Convert", {zp}, {destination_type = ftype})})
  end
  return remo.op("opset1.Multiply", {y, scale})
end

-- Convolution / GroupConvolution of x and w with the ONNX Conv attributes of `node`.
function quant.conv(node, x, w)
  local w_shape = w:shape()
  if w_shape == nil then error("the weights need a known rank") end
  local spatial = #w_shape - 2
  local pads_begin, pads_end = util.split_pads(node:attr("pads", nil), spatial)
  local attrs = {
    strides = util.spatial(node, "strides", spatial),
    dilations = util.spatial(node, "dilations", spatial),
    pads_begin = pads_begin, pads_end = pads_end,
    auto_pad = util.auto_pad(node),
  }
  local group = node:attr("group", 1)
  if group == 1 then return remo.op("opset1.Convolution", {x, w}, attrs) end
  local grouped = {group, -1}
  for i = 2, #w_shape do grouped[#grouped + 1] = w_shape[i] end
  if w_shape[1] >= 0 then grouped[2] = w_shape[1] // group end
  local gw = remo.op("opset1.Reshape", {w, remo.const(grouped, "i64")}, {special_zero = false})
  return remo.op("opset1.GroupConvolution", {x, gw}, attrs)
end

return quant
