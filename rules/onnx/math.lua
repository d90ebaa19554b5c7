-- ONNX math that needs more than a 1:1 mapping: casts, remainders, shifts, variadic reductions
-- over inputs, mixed-type Pow, and the activations built from other ops.
local util = require("onnx_util")

local FLOAT = util.ONNX_FLOAT
local BITS = {i8 = 8, i16 = 16, i32 = 32, i64 = 64, u8 = 8, u16 = 16, u32 = 32, u64 = 64}
local UNSIGNED = {u8 = true, u16 = true, u32 = true, u64 = true}

-- ONNX types without an OpenVINO element type, named for the error message.
local UNREPRESENTABLE = {
  [8] = "STRING", [14] = "COMPLEX64", [15] = "COMPLEX128", [18] = "FLOAT8E4M3FNUZ",
  [20] = "FLOAT8E5M2FNUZ", [26] = "INT2", [27] = "FLOAT6E2M3", [28] = "FLOAT6E3M2",
}

local function cast_target(node, code)
  if UNREPRESENTABLE[code] then
    error(node.type .. " to " .. UNREPRESENTABLE[code] .. ": OpenVINO IR has no such element type")
  end
  return util.element_type(code)
end

-- The largest finite value of each float8 type.
local FLOAT8_MAX = {f8e4m3 = 448.0, f8e5m2 = 57344.0}

-- Convert to `to`. With saturation (the default from opset 19 on), a float beyond a float8 type's
-- range, infinities included, becomes its largest value of the same sign instead of NaN or
-- infinity. float4 has no NaN: a NaN becomes zero.
local function convert(x, to, saturate)
  if x:type() == to then return x end
  local limit = FLOAT8_MAX[to]
  if limit and saturate and FLOAT[x:type()] then
    local clamped = remo.op("opset1.Clamp", {x}, {min = -limit, max = limit})
    -- Clamp leaves NaN to the implementation; keep it NaN explicitly.
    x = remo.op("opset1.Select", {remo.op("opset10.IsNaN", {x}), x, clamped})
  elseif to == "f4e2m1" and FLOAT[x:type()] then
    x = remo.op("opset1.Select", {remo.op("opset10.IsNaN", {x}), remo.const(0, x:type(), {}), x})
  end
  return remo.op("opset1.Convert", {x}, {destination_type = to})
end

-- f8e8m0 holds powers of two. Cast rounds up by default (round_mode, opset 25); the IR's Convert
-- rounds to the nearest, so a result on the wrong side of x moves one power of two. NaN stays NaN.
local function to_e8m0(node, x)
  local mode = node:attr("round_mode", "up")
  if mode ~= "up" and mode ~= "down" and mode ~= "nearest" then
    error("Cast round_mode '" .. tostring(mode) .. "' is not up, down or nearest")
  end
  local nearest = remo.op("opset1.Convert", {x}, {destination_type = "f8e8m0"})
  if mode == "nearest" or not FLOAT[x:type()] then return nearest end
  local back = remo.op("opset1.Convert", {nearest}, {destination_type = x:type()})
  local wrong_side, step
  if mode == "up" then
    wrong_side, step = remo.op("opset1.Less", {back, x}), remo.op("opset1.Multiply", {back, remo.const(2, x:type(), {})})
  else
    wrong_side, step = remo.op("opset1.Greater", {back, x}), remo.op("opset1.Multiply", {back, remo.const(0.5, x:type(), {})})
  end
  local fixed = remo.op("opset1.Select", {wrong_side, step, back})
  return remo.op("opset1.Convert", {fixed}, {destination_type = "f8e8m0"})
end

local function saturates(node)
  return node.opset < 19 or node:attr("saturate", 1) ~= 0
end

remo.translate("onnx.Cast", function(node)
  local x = node:input(1)
  if x:type() == "string" then error("Cast from STRING: OpenVINO IR has no string arithmetic") end
  local to = cast_target(node, node:attr("to"))
  if to == "f8e8m0" and x:type() ~= to then return to_e8m0(node, x) end
  return convert(x, to, saturates(node))
end)

-- CastLike takes the target type from its second input.
remo.translate("onnx.CastLike", function(node)
  local x, like = node:input(1), node:input(2)
  if x:type() == "string" or like:type() == "string" then
    error("CastLike with STRING: OpenVINO IR has no string arithmetic")
  end
  if like:type() == "f8e8m0" and x:type() ~= "f8e8m0" then return to_e8m0(node, x) end
  return convert(x, like:type(), saturates(node))
end)

-- Dropout passes its input through and its mask is all true, except in training mode with a
-- nonzero ratio, whose random result no inference graph reproduces. Before opset 10 the mask has
-- the data's type; before opset 12 there is no training mode.
remo.translate("onnx.Dropout", function(node)
  local x = node:input(1)
  local training = node.opset >= 12 and node:input(3) or nil
  local ratio = 0.5
  if node.opset >= 12 and node:input(2) ~= nil then
    local r = node:input(2):value()
    ratio = r and r[1]  -- nil: known only at run time
  end
  if training ~= nil and ratio ~= 0 then
    local mode = training:value()
    if mode == nil then
      error("Dropout with training_mode known only at run time and a nonzero ratio may drop random elements; " ..
            "only inference (training_mode false or ratio 0) converts")
    end
    if mode[1] ~= 0 then
      error("Dropout in training mode with ratio " .. tostring(ratio or "unknown") ..
            " drops random elements; only inference (training_mode false or ratio 0) converts")
    end
  end
  if node:output_count() < 2 then return x end
  local mask_type = node.opset >= 10 and "boolean" or x:type()
  return x, remo.op("opset3.Broadcast", {remo.const(1, mask_type), remo.op("opset3.ShapeOf", {x})})
end)

-- Mod: fmod=1 keeps the dividend's sign (C fmod); fmod=0 keeps the divisor's (Python %). The
-- specification asks floating-point inputs for fmod=1, but fmod=0 on them has the same meaning.
-- A float divided by an infinite divisor leaves the dividend when both have the same sign (or the
-- dividend is zero) and the divisor otherwise; computing a - floor(a / b) * b would give NaN.
remo.translate("onnx.Mod", function(node)
  local a, b = node:input(1), node:input(2)
  if node:attr("fmod", 0) == 1 then return remo.op("opset1.Mod", {a, b}, {auto_broadcast = "numpy"}) end
  local r = remo.op("opset1.FloorMod", {a, b}, {auto_broadcast = "numpy"})
  if not FLOAT[a:type()] then return r end
  local zero = remo.const(0, a:type(), {})
  local same = remo.op("opset1.LogicalOr", {
    remo.op("opset1.Equal", {remo.op("opset1.Less", {a, zero}), remo.op("opset1.Less", {b, zero})}),
    remo.op("opset1.Equal", {a, zero})})
  local by_infinity = remo.op("opset1.Select", {same, a, b})
  return remo.op("opset1.Select", {remo.op("opset10.IsInf", {b}), by_infinity, r})
end)

-- BitShift moves every bit out when the shift is negative or at least the type's width: a left
-- shift gives 0, a right shift gives the sign fill (0, or -1 for a negative signed value).
-- Shifts known to be in range need no guard.
remo.translate("onnx.BitShift", function(node)
  local x, s = node:input(1), node:input(2)
  local direction = node:attr("direction")
  local ops = {LEFT = "opset15.BitwiseLeftShift", RIGHT = "opset15.BitwiseRightShift"}
  if not ops[direction] then error("BitShift direction '" .. tostring(direction) .. "' is not LEFT or RIGHT") end
  local t = x:type()
  local width = BITS[t]
  if not width then error("BitShift on " .. t .. ": expected an integer type") end
  local shifted = remo.op(ops[direction], {x, s}, {auto_broadcast = "numpy"})
  local known = s:value()
  if known then
    local in_range = true
    for _, v in ipairs(known) do
      if v < 0 or v >= width then in_range = false end
    end
    if in_range then return shifted end
  end
  local outside = remo.op("opset1.GreaterEqual", {s, remo.const(width, s:type(), {})})
  if not UNSIGNED[s:type()] then
    outside = remo.op("opset1.LogicalOr", {outside, remo.op("opset1.Less", {s, remo.const(0, s:type(), {})})})
  end
  local fill = remo.const(0, t, {})
  if direction == "RIGHT" and not UNSIGNED[t] then
    fill = remo.op("opset15.BitwiseRightShift", {x, remo.const(width - 1, t, {})}, {auto_broadcast = "numpy"})
  end
  return remo.op("opset1.Select", {outside, fill, shifted})
end)

remo.translate("onnx.Reciprocal", function(node)
  local x = node:input(1)
  return remo.op("opset1.Divide", {remo.const(1, x:type(), {}), x}, {auto_broadcast = "numpy"})
end)

-- Max, Min, Sum and Mean take 1..N inputs that broadcast together.
local function fold_inputs(node, op)
  local y = node:input(1)
  if y == nil then error(node.type .. " needs at least one input") end
  for i = 2, node:input_count() do
    local x = node:input(i)
    if x ~= nil then y = remo.op(op, {y, x}, {auto_broadcast = "numpy"}) end
  end
  return y
end

remo.translate("onnx.Max", function(node) return fold_inputs(node, "opset1.Maximum") end)
remo.translate("onnx.Min", function(node) return fold_inputs(node, "opset1.Minimum") end)
remo.translate("onnx.Sum", function(node) return fold_inputs(node, "opset1.Add") end)
remo.translate("onnx.Mean", function(node)
  local sum = fold_inputs(node, "opset1.Add")
  if node:input_count() == 1 then return sum end
  return remo.op("opset1.Divide", {sum, remo.const(node:input_count(), sum:type(), {})}, {auto_broadcast = "numpy"})
end)

-- Pow's exponent may have another type than the base; the result has the base's type. An integer
-- base with a floating exponent is computed in the exponent's type and converted back.
remo.translate("onnx.Pow", function(node)
  local base, exponent = node:input(1), node:input(2)
  local bt, et = base:type(), exponent:type()
  if bt == et then return remo.op("opset1.Power", {base, exponent}, {auto_broadcast = "numpy"}) end
  if not FLOAT[bt] and FLOAT[et] then
    local y = remo.op("opset1.Power", {remo.op("opset1.Convert", {base}, {destination_type = et}), exponent},
                      {auto_broadcast = "numpy"})
    return remo.op("opset1.Convert", {y}, {destination_type = bt})
  end
  local e = remo.op("opset1.Convert", {exponent}, {destination_type = bt})
  return remo.op("opset1.Power", {base, e}, {auto_broadcast = "numpy"})
end)

-- PRelu's slope broadcasts to X from the right (numpy); a lower-rank slope gets leading ones so
-- that it is never read as a per-channel vector.
remo.translate("onnx.PRelu", function(node)
  local x, slope = node:input(1), node:input(2)
  local xr, sr = x:rank(), slope:rank()
  if xr and sr and sr >= 1 and sr < xr then
    local axes = {}
    for i = 1, xr - sr do axes[i] = i - 1 end
    slope = remo.op("opset1.Unsqueeze", {slope, remo.const(axes, "i64")})
  end
  return remo.op("opset1.PRelu", {x, slope})
end)

-- Celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) = alpha * Elu(x / alpha, 1).
remo.translate("onnx.Celu", function(node)
  local x = node:input(1)
  local alpha = remo.const(node:attr("alpha", 1.0), x:type(), {})
  local elu = remo.op("opset1.Elu", {remo.op("opset1.Divide", {x, alpha})}, {alpha = 1.0})
  return remo.op("opset1.Multiply", {elu, alpha})
end)

-- Selu(x) = gamma * Elu(x, alpha).
remo.translate("onnx.Selu", function(node)
  local x = node:input(1)
  local alpha = node:attr("alpha", 1.67326319217681884765625)
  local gamma = node:attr("gamma", 1.05070102214813232421875)
  return remo.op("opset1.Multiply", {remo.op("opset1.Elu", {x}, {alpha = alpha}), remo.const(gamma, x:type(), {})})
end)

-- ThresholdedRelu(x) = x where x > alpha, else 0.
remo.translate("onnx.ThresholdedRelu", function(node)
  local x = node:input(1)
  local above = remo.op("opset1.Greater", {x, remo.const(node:attr("alpha", 1.0), x:type(), {})})
  return remo.op("opset1.Select", {above, x, remo.const(0, x:type(), {})})
end)

-- Shrink(x) = x + bias where x < -lambd, x - bias where x > lambd, else 0. For integer x the
-- thresholds move to the nearest integers that give the same comparisons.
remo.translate("onnx.Shrink", function(node)
  local x = node:input(1)
  local t = x:type()
  local lambd, bias = node:attr("lambd", 0.5), node:attr("bias", 0.0)
  local low, high = -lambd, lambd
  if not FLOAT[t] then low, high = math.ceil(-lambd), math.floor(lambd) end
  if UNSIGNED[t] then low, high = math.max(low, 0), math.max(high, 0) end  -- x < 0 never holds
  local function c(v) return remo.const(v, t, {}) end
  local below = remo.op("opset1.Less", {x, c(low)})
  local above = remo.op("opset1.Greater", {x, c(high)})
  local up = remo.op("opset1.Select", {above, remo.op("opset1.Subtract", {x, c(bias)}), c(0)})
  return remo.op("opset1.Select", {below, remo.op("opset1.Add", {x, c(bias)}), up})
end)

-- Softsign(x) = x / (1 + |x|).
remo.translate("onnx.Softsign", function(node)
  local x = node:input(1)
  return remo.op("opset1.Divide", {x, remo.op("opset1.Add", {remo.op("opset1.Abs", {x}), remo.const(1, x:type(), {})})})
end)

remo.translate("onnx.Gelu", function(node)
  local approximate = node:attr("approximate", "none")
  local modes = {none = "ERF", tanh = "TANH"}
  if not modes[approximate] then error("Gelu approximate '" .. tostring(approximate) .. "' is not none or tanh") end
  return remo.op("opset7.Gelu", {node:input(1)}, {approximation_mode = modes[approximate]})
end)

-- Before opset 13, Softmax, LogSoftmax and Hardmax flatten the input to 2-D at `axis` (default 1) and
-- work on each row; from 13 on they work along `axis` (default -1) alone. `fn(x2d, 1)` computes
-- the op on the flattened input, whose first or second dimension may be dynamic, not both.
local function on_axis(node, fn)
  local x = node:input(1)
  if node.opset >= 13 then return fn(x, node:attr("axis", -1)) end
  local rank = util.rank(x, node.type)
  local axis = util.axis(node:attr("axis", 1), rank)
  if axis == rank - 1 then return fn(x, axis) end
  local shape = x:shape()
  local inner, outer = 1, 1
  for i = axis + 1, rank do
    if shape[i] < 0 then inner = nil break end
    inner = inner * shape[i]
  end
  for i = 1, axis do
    if shape[i] < 0 then outer = nil break end
    outer = outer * shape[i]
  end
  if outer == nil and inner == nil then
    error(node.type .. " before opset 13 needs the dimensions before or after axis " .. axis .. " to be static")
  end
  local flat = remo.op("opset1.Reshape", {x, remo.const(outer and {outer, -1} or {-1, inner}, "i64")}, {special_zero = false})
  local y = fn(flat, 1)
  return remo.op("opset1.Reshape", {y, remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})}, {special_zero = false})
end

remo.translate("onnx.Softmax", function(node)
  return on_axis(node, function(x, axis) return remo.op("opset8.Softmax", {x}, {axis = axis}) end)
end)

remo.translate("onnx.LogSoftmax", function(node)
  return on_axis(node, function(x, axis) return remo.op("opset5.LogSoftmax", {x}, {axis = axis}) end)
end)

-- Hardmax: 1 at the first maximum along the axis, 0 elsewhere. The first maximum is the smallest
-- index whose value equals the maximum; the axis length must be static.
local function hardmax(x, axis)
  local shape = x:shape()
  axis = util.axis(axis, #shape)
  local n = shape[axis + 1]
  if n < 0 then error("Hardmax needs a static length along axis " .. axis) end
  local index_values, index_shape = {}, util.fill(#shape, 1)
  for i = 1, n do index_values[i] = i - 1 end
  index_shape[axis + 1] = n
  local index = remo.const(index_values, "i64", index_shape)
  local axes = remo.const({axis}, "i64")
  local top = remo.op("opset1.ReduceMax", {x, axes}, {keep_dims = true})
  local at_top = remo.op("opset1.Select", {remo.op("opset1.Equal", {x, top}), index, remo.const(n, "i64", {})})
  local first = remo.op("opset1.ReduceMin", {at_top, axes}, {keep_dims = true})
  return remo.op("opset1.Convert", {remo.op("opset1.Equal", {index, first})}, {destination_type = x:type()})
end

remo.translate("onnx.Hardmax", function(node)
  local x = node:input(1)
  util.rank(x, "Hardmax")
  return on_axis(node, hardmax)
end)
