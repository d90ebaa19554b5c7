-- ONNX DFT -> DFT-7 / IDFT-7 / RDFT-9 / IRDFT-9 and STFT -> STFT-15.
-- ONNX signals carry a trailing dim of 1 (real) or 2 (real, imaginary); the opset's complex ops
-- want the trailing 2 and its real ops want no trailing dim.
local util = require("onnx_util")

local function i64(v) return remo.const(v, "i64") end

-- The transform axis as a 1-D axes input for the opset ops, which count the signal dims without
-- the trailing complex dim. ONNX counts negative axes over the full rank, so -2 is the last signal dim.
local function fft_axes(node, rank)
  local axis_input = node.opset >= 20 and node:input(3) or nil
  if axis_input == nil then
    local axis = node.opset >= 20 and -2 or node:attr("axis", 1)
    axis = util.axis(axis, rank)
    if axis == rank - 1 then error("DFT axis must not be the trailing real/imaginary dim") end
    return i64({axis}), axis
  end
  local known = axis_input:value()
  if known ~= nil then
    local axis = util.axis(known[1], rank)
    if axis == rank - 1 then error("DFT axis must not be the trailing real/imaginary dim") end
    return i64({axis}), axis
  end
  -- a runtime axis: map a negative one onto the signal dims
  local a = remo.op("opset1.Reshape", {axis_input, i64({1})}, {special_zero = false})
  if a:type() ~= "i64" then a = remo.op("opset1.Convert", {a}, {destination_type = "i64"}) end
  local negative = remo.op("opset1.Less", {a, i64({0})})
  return remo.op("opset1.Select", {negative, remo.op("opset1.Add", {a, i64({rank})}), a}), nil
end

local function signal_size(node)
  local len = node:input(2)
  if len == nil then return nil end
  local v = remo.op("opset1.Reshape", {len, i64({1})}, {special_zero = false})
  if v:type() ~= "i64" then v = remo.op("opset1.Convert", {v}, {destination_type = "i64"}) end
  return v
end

local function with_size(inputs, size)
  if size ~= nil then inputs[#inputs + 1] = size end
  return inputs
end

remo.translate("onnx.DFT", function(node)
  local x = node:input(1)
  local shape = x:shape()
  if shape == nil then error("DFT needs an input of known rank") end
  local rank = #shape
  local parts = shape[rank]
  if parts ~= 1 and parts ~= 2 then error("DFT input must end in a dim of 1 (real) or 2 (complex), got " .. parts) end
  local axes, axis = fft_axes(node, rank)
  local size = signal_size(node)
  local inverse = node:attr("inverse", 0) ~= 0
  local onesided = node:attr("onesided", 0) ~= 0
  local last = i64({rank - 1})

  if onesided and inverse and axis == nil then
    -- the real inverse op needs its output length while the graph is compiled
    error("an inverse one-sided DFT needs a constant axis")
  end
  if onesided and inverse then
    -- one-sided spectrum -> real signal
    if parts ~= 2 then error("an inverse one-sided DFT needs complex input (trailing dim 2)") end
    local y = remo.op("opset9.IRDFT", with_size({x, axes}, size))
    return remo.op("opset1.Unsqueeze", {y, last})
  end
  if onesided and parts == 1 and axis ~= nil then
    local real = remo.op("opset1.Squeeze", {x, last})
    return remo.op("opset9.RDFT", with_size({real, axes}, size))
  end
  local complex = x
  if parts == 1 then
    local zeros = remo.op("opset1.Multiply", {x, remo.const(0.0, x:type())})
    complex = remo.op("opset1.Concat", {x, zeros}, {axis = rank - 1})
  end
  local y = remo.op(inverse and "opset7.IDFT" or "opset7.DFT", with_size({complex, axes}, size))
  if not onesided then return y end
  -- complex input or a runtime axis, one-sided output: keep bins 0 .. n/2 along the axis
  if axis ~= nil and y:shape()[axis + 1] >= 0 then
    local n = y:shape()[axis + 1]
    return remo.op("opset8.Slice", {y, i64({0}), i64({n // 2 + 1}), i64({1}), i64({axis})})
  end
  local n = remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {y}, {output_type = "i64"}), axes, i64(0)}, {batch_dims = 0})
  local stop = remo.op("opset1.Add", {remo.op("opset1.Divide", {n, i64(2)}), i64(1)})
  return remo.op("opset8.Slice", {y, i64({0}), stop, i64({1}), axes})
end)

-- STFT of a real signal [batch, length, 1]; complex signals have no opset op.
remo.translate("onnx.STFT", function(node)
  local signal, step, window, frame_length = node:input(1), node:input(2), node:input(3), node:input(4)
  local shape = signal:shape()
  if shape == nil or #shape ~= 3 then error("STFT needs a signal of shape [batch, length, 1 or 2]") end
  if shape[3] ~= 1 then error("STFT of a complex signal is not supported (no opset op); the signal must end in 1") end
  if node:attr("onesided", 1) == 0 then error("STFT with onesided = 0 is not supported (the opset op is one-sided)") end
  local real = remo.op("opset1.Squeeze", {signal, i64({2})})
  local function scalar(v)
    local s = remo.op("opset1.Reshape", {v, i64({})}, {special_zero = false})
    if s:type() ~= "i64" then s = remo.op("opset1.Convert", {s}, {destination_type = "i64"}) end
    return s
  end
  local frame_size
  if frame_length ~= nil then
    frame_size = scalar(frame_length)
  elseif window ~= nil then
    frame_size = scalar(remo.op("opset3.ShapeOf", {window}, {output_type = "i64"}))
  else
    error("STFT needs a window or a frame_length")
  end
  if window == nil then
    window = remo.op("opset3.Broadcast", {remo.const(1.0, signal:type()),
      remo.op("opset1.Reshape", {frame_size, i64({1})}, {special_zero = false})}, {mode = "numpy"})
  end
  return remo.op("opset15.STFT", {real, window, frame_size, scalar(step)}, {transpose_frames = false})
end)
