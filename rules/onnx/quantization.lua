-- ONNX quantization ops: QuantizeLinear / DequantizeLinear (opsets 10-21: per tensor, per axis
-- from 13, fp8 types and saturate from 19, blocks and output_dtype from 21), DynamicQuantizeLinear,
-- MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv. Quantizing rounds half to even and
-- saturates to the output type (FakeQuantize + Convert when scale and zero point are constants);
-- dequantizing is Convert, Subtract the zero point, Multiply by the scale.
local util = require("onnx_util")
local quant = require("onnx_quant")

-- axis and block_size of a node, by opset.
local function axis_and_block(node)
  local axis = node.opset >= 13 and node:attr("axis", 1) or 1
  local block = node.opset >= 21 and node:attr("block_size", 0) or 0
  return axis, block
end

remo.translate("onnx.QuantizeLinear", function(node)
  local x, scale, zp = node:input(1), node:input(2), node:input(3)
  local axis, block = axis_and_block(node)
  local out_type
  if zp ~= nil then
    out_type = quant.check_type(zp:type())
  elseif node.opset >= 21 and node:attr("output_dtype", 0) ~= 0 then
    out_type = quant.element_type(node:attr("output_dtype"))
  else
    out_type = "u8"
  end
  local saturate = node.opset < 19 or node:attr("saturate", 1) ~= 0
  local s = quant.along_axis(scale, x, axis, block)
  local z = zp and quant.along_axis(zp, x, axis, block) or nil
  return quant.quantize(x, s, z, out_type, saturate)
end)

remo.translate("onnx.DequantizeLinear", function(node)
  local x, scale, zp = node:input(1), node:input(2), node:input(3)
  quant.check_type(x:type())
  local axis, block = axis_and_block(node)
  local s = quant.along_axis(scale, x, axis, block)
  local z = zp and quant.along_axis(zp, x, axis, block) or nil
  return quant.dequantize(x, s, z)
end)

-- scale = (max(0, max x) - min(0, min x)) / 255, zero_point = saturate(round(-min / scale)),
-- y = saturate(round(x / scale) + zero_point), all as u8 with f32 scale.
remo.translate("onnx.DynamicQuantizeLinear", function(node)
  local x = node:input(1)
  local t = x:type()
  local flat = remo.op("opset1.Reshape", {x, remo.const({-1}, "i64")}, {special_zero = false})
  local axes = remo.const({0}, "i64")
  local zero = remo.const(0, t)
  local lo = remo.op("opset1.Minimum", {remo.op("opset1.ReduceMin", {flat, axes}, {keep_dims = false}), zero})
  local hi = remo.op("opset1.Maximum", {remo.op("opset1.ReduceMax", {flat, axes}, {keep_dims = false}), zero})
  local scale = remo.op("opset1.Divide", {remo.op("opset1.Subtract", {hi, lo}), remo.const(255, t)})
  local zp_real = remo.op("opset1.Divide", {remo.op("opset1.Negative", {lo}), scale})
  local zp_rounded = remo.op("opset1.Clamp", {remo.op("opset5.Round", {zp_real}, {mode = "half_to_even"})},
                             {min = 0, max = 255})
  local zp = remo.op("opset1.Convert", {zp_rounded}, {destination_type = "u8"})
  local y = remo.op("opset5.Round", {remo.op("opset1.Divide", {x, scale})}, {mode = "half_to_even"})
  y = remo.op("opset1.Clamp", {remo.op("opset1.Add", {y, zp_rounded})}, {min = 0, max = 255})
  return remo.op("opset1.Convert", {y}, {destination_type = "u8"}), scale, zp
end)

-- Integer operands minus their zero points, as f32 (exact for the 8-bit products and sums of up to
-- 2^24 that fit the i32 result); `row_zp` reshapes a 1-D zero point of A to run down its rows.
local function centered(v, zp, row_zp)
  local f = remo.op("opset1.Convert", {v}, {destination_type = "f32"})
  if zp == nil then return f end
  local z = remo.op("opset1.Convert", {zp}, {destination_type = "f32"})
  if row_zp and z:rank() == 1 and v:rank() and v:rank() >= 2 then
    z = remo.op("opset1.Unsqueeze", {z, remo.const({1}, "i64")})
  end
  return remo.op("opset1.Subtract", {f, z})
end

local function to_i32(y)
  return remo.op("opset1.Convert", {remo.op("opset5.Round", {y}, {mode = "half_to_even"})}, {destination_type = "i32"})
end

remo.translate("onnx.MatMulInteger", function(node)
  local a = centered(node:input(1), node:input(3), true)
  local b = centered(node:input(2), node:input(4), false)
  return to_i32(remo.op("opset1.MatMul", {a, b}))
end)

-- A per-output-channel weight zero point or scale [M] as [M, 1, ...] against weights of `rank`.
local function per_output_channel(v, rank)
  if v:rank() ~= 1 then return v end
  local dims = util.fill(rank, 1)
  dims[1] = -1
  return remo.op("opset1.Reshape", {v, remo.const(dims, "i64")}, {special_zero = false})
end

remo.translate("onnx.ConvInteger", function(node)
  local x, w = node:input(1), node:input(2)
  local wr = util.rank(w, "ConvInteger weights")
  local xw = node:input(4) and per_output_channel(node:input(4), wr) or nil
  return to_i32(quant.conv(node, centered(x, node:input(3), false), centered(w, xw, false)))
end)

remo.translate("onnx.QLinearMatMul", function(node)
  local a, a_scale, a_zp = node:input(1), node:input(2), node:input(3)
  local b, b_scale, b_zp = node:input(4), node:input(5), node:input(6)
  local y_scale, y_zp = node:input(7), node:input(8)
  local function rows(v)  -- a per-row scale or zero point of A [.., M, K] as [M, 1]
    if v:rank() == 1 and v:shape()[1] ~= 1 then return remo.op("opset1.Unsqueeze", {v, remo.const({1}, "i64")}) end
    return v
  end
  local fa = quant.dequantize(a, rows(a_scale), rows(a_zp))
  local fb = quant.dequantize(b, b_scale, b_zp)
  local y = remo.op("opset1.MatMul", {fa, fb})
  local out_type = quant.check_type(y_zp:type())
  return quant.quantize(y, y_scale, y_zp, out_type, true)
end)

remo.translate("onnx.QLinearConv", function(node)
  local x, x_scale, x_zp = node:input(1), node:input(2), node:input(3)
  local w, w_scale, w_zp = node:input(4), node:input(5), node:input(6)
  local y_scale, y_zp, b = node:input(7), node:input(8), node:input(9)
  local wr = util.rank(w, "QLinearConv weights")
  local fx = quant.dequantize(x, x_scale, x_zp)
  local fw = quant.dequantize(w, per_output_channel(w_scale, wr), per_output_channel(w_zp, wr))
  local y = quant.conv(node, fx, fw)
  if b ~= nil then
    -- The i32 bias has scale x_scale * w_scale and zero point 0.
    local bscale = remo.op("opset1.Multiply", {x_scale, w_scale})
    local fb = remo.op("opset1.Multiply", {remo.op("opset1.Convert", {b}, {destination_type = fx:type()}), bscale})
    y = remo.op("opset1.Add", {y, util.per_channel(fb, wr)})
  end
  local out_type = quant.check_type(y_zp:type())
  return quant.quantize(y, y_scale, y_zp, out_type, true)
end)
