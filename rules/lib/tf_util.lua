-- Helpers shared by the TensorFlow translations: data_format, padding and layout Transposes.
local util = {}

-- Whether a node works on channels-last data (TensorFlow's default, NHWC / NDHWC).
function util.channels_last(node)
  local format = node:attr("data_format", "NHWC")
  if format == "NHWC" or format == "NDHWC" or format == "NWC" then return true end
  if format == "NCHW" or format == "NCDHW" or format == "NCW" then return false end
  error("data_format '" .. format .. "' is not supported")
end

-- The model inputs of unknown rank that `value` is computed from (names, sorted): the
-- Placeholders whose shapes the user has to give.
local function unranked_inputs(value)
  local found, seen, stack = {}, {}, {value:node()}
  while #stack > 0 do
    local node = table.remove(stack)
    if not seen[node.name] then
      seen[node.name] = true
      if node.op == "opset1.Parameter" then
        if node:output(1):rank() == nil then found[#found + 1] = node.name end
      else
        for i = 1, node:input_count() do
          local input = node:input(i)
          if input ~= nil and input:rank() == nil then stack[#stack + 1] = input:node() end
        end
      end
    end
  end
  table.sort(found)
  return found
end

function util.rank(value, what)
  local r = value:rank()
  if r == nil then
    local inputs = unranked_inputs(value)
    if #inputs > 0 then
      error(what .. " needs an input of known rank, and Placeholder '" .. table.concat(inputs, "', '") ..
            "' has no shape: give it with --input_shape or --input " .. inputs[1] .. "[...]")
    end
    error(what .. " needs an input of known rank: give the model input's shape with --input_shape")
  end
  return r
end

-- Transposes between channels-last and channels-first for a tensor of rank r.
function util.to_channels_first(x, r)
  local order = {0, r - 1}
  for i = 1, r - 2 do order[#order + 1] = i end
  return remo.op("opset1.Transpose", {x, remo.const(order, "i64")})
end

function util.to_channels_last(x, r)
  local order = {0}
  for i = 2, r - 1 do order[#order + 1] = i end
  order[#order + 1] = 1
  return remo.op("opset1.Transpose", {x, remo.const(order, "i64")})
end

-- The spatial part of a per-dimension attribute (strides, dilations, ksize) given for all r dims
-- in the node's data_format; `default` when absent.
function util.spatial(node, name, r, last, default)
  local v = node:attr(name, nil)
  local out = {}
  if v == nil then
    for i = 1, r - 2 do out[i] = default end
    return out
  end
  if #v ~= r then error(name .. " has " .. #v .. " values, expected " .. r) end
  local first = last and 2 or 3
  for i = 0, r - 3 do out[i + 1] = v[first + i] end
  return out
end

-- padding SAME / VALID / EXPLICIT -> auto_pad, pads_begin, pads_end (spatial dims only).
function util.padding(node, r, last)
  local padding = node:attr("padding")
  local zeros = {}
  for i = 1, r - 2 do zeros[i] = 0 end
  if padding == "SAME" then return "same_upper", zeros, zeros end
  if padding == "VALID" then return "valid", zeros, zeros end
  if padding ~= "EXPLICIT" then error("padding '" .. padding .. "' is not one of SAME, VALID, EXPLICIT") end
  local p = node:attr("explicit_paddings")
  if #p ~= 2 * r then error("explicit_paddings has " .. #p .. " values, expected " .. 2 * r) end
  local begins, ends = {}, {}
  local first = last and 1 or 2  -- index (0-based) of the first spatial dim
  for i = 0, r - 3 do
    begins[i + 1] = p[2 * (first + i) + 1]
    ends[i + 1] = p[2 * (first + i) + 2]
  end
  return "explicit", begins, ends
end

-- A constant input's values, or an error naming what needed it.
function util.const_values(value, what)
  local v = value:value()
  if v == nil then error(what .. " must be a constant") end
  return v
end

-- Reshapes a per-channel vector so it broadcasts along axis 1 of a rank-r tensor.
function util.per_channel(v, r)
  local shape = {-1}
  for i = 3, r do shape[#shape + 1] = 1 end
  return remo.op("opset1.Reshape", {v, remo.const(shape, "i64")}, {special_zero = false})
end

-- The value `x` after TensorFlow activation `name` (Relu, Relu6, Elu, LeakyRelu, Sigmoid, Tanh, and
-- the fused ops' GeluExact, GeluApproximate, _FusedSwish, _FusedHardSwish).
function util.activation(name, x, node)
  if name == "Relu" then return remo.op("opset1.Relu", {x}) end
  if name == "Relu6" then return remo.op("opset1.Clamp", {x}, {min = 0.0, max = 6.0}) end
  if name == "Elu" then return remo.op("opset1.Elu", {x}, {alpha = 1.0}) end
  if name == "Sigmoid" then return remo.op("opset1.Sigmoid", {x}) end
  if name == "Tanh" then return remo.op("opset1.Tanh", {x}) end
  if name == "LeakyRelu" then
    -- tf.LeakyRelu calls it alpha; the fused ops (_FusedConv2D...) leakyrelu_alpha.
    local alpha = node:has_attr("leakyrelu_alpha") and node:attr("leakyrelu_alpha") or node:attr("alpha", 0.2)
    return remo.op("opset1.PRelu", {x, remo.const({alpha}, x:type())})
  end
  if name == "GeluExact" then return remo.op("opset7.Gelu", {x}, {approximation_mode = "ERF"}) end
  if name == "GeluApproximate" then return remo.op("opset7.Gelu", {x}, {approximation_mode = "TANH"}) end
  if name == "_FusedSwish" or name == "Swish" then return remo.op("opset4.Swish", {x}) end
  if name == "_FusedHardSwish" then return remo.op("opset4.HSwish", {x}) end
  error("fused activation '" .. name .. "' is not supported")
end

-- Inference batch normalization on the channel axis: x * scale / sqrt(var + eps) + offset - mean * that.
function util.batch_norm(x, scale, offset, mean, variance, epsilon, last)
  local r = util.rank(x, "FusedBatchNorm")
  local function channel(v)
    if last then return v end
    return util.per_channel(v, r)
  end
  local t = x:type()
  local function as_x(v) if v:type() ~= t then return remo.op("opset1.Convert", {v}, {destination_type = t}) end return v end
  scale, offset, mean, variance = as_x(scale), as_x(offset), as_x(mean), as_x(variance)
  local std = remo.op("opset1.Sqrt", {remo.op("opset1.Add", {variance, remo.const({epsilon}, t, {})})})
  local factor = remo.op("opset1.Divide", {scale, std})
  local shift = remo.op("opset1.Subtract", {offset, remo.op("opset1.Multiply", {mean, factor})})
  local y = remo.op("opset1.Multiply", {x, channel(factor)})
  return remo.op("opset1.Add", {y, channel(shift)})
end

-- Whether a value holds floating-point numbers.
function util.is_float(v)
  local t = v:type()
  return t == "f32" or t == "f16" or t == "f64" or t == "bf16"
end

-- A non-negative axis for rank r (TensorFlow axes may count from the end).
function util.axis(a, r)
  if a < 0 then a = a + r end
  if a < 0 or a >= r then error("axis " .. a .. " is out of range for rank " .. r) end
  return a
end

-- A constant scalar axis input as a non-negative number.
function util.const_axis(value, r, what)
  return util.axis(util.const_values(value, what)[1], r)
end

return util
