-- ONNX Resize built from Gathers and weights, one axis at a time, for what the IR's Interpolate
-- cannot express: tf_crop_and_resize (roi, extrapolation_value), half_pixel_symmetric and
-- exclude_outside. Every output position o of an axis of length n maps to a source coordinate x;
-- the taps around x (1 nearest, 2 linear, 4 cubic) are gathered with their indices clamped to
-- the axis (edge padding) and summed with their weights.
local resize = {}

local function f32(value) return remo.const(value, "f32", {}) end
local function i64(value) return remo.const(value, "i64", {}) end
local function op(name, inputs, attrs) return remo.op("opset1." .. name, inputs, attrs) end
local function to_f32(v) return op("Convert", {v}, {destination_type = "f32"}) end

-- Entry i of a 1-D Value as a scalar.
local function entry(list, i)
  return remo.op("opset8.Gather", {list, i64(i), i64(0)})
end

-- The source coordinate of each output position (f32 [m]) and, for tf_crop_and_resize, which
-- positions fall outside the input (boolean [m]).
local function source_coordinates(how, y, n, s, m, roi_start, roi_end)
  local width = op("Multiply", {s, n})               -- the unrounded output length
  local centered = op("Subtract", {op("Divide", {op("Add", {y, f32(0.5)}), s}), f32(0.5)})
  local single = op("Equal", {width, f32(1)})
  local last = op("Subtract", {n, f32(1)})
  if how == "half_pixel" then return centered end
  if how == "asymmetric" then return op("Divide", {y, s}) end
  if how == "pytorch_half_pixel" then return op("Select", {single, f32(-0.5), centered}) end
  if how == "align_corners" then
    local x = op("Divide", {op("Multiply", {y, last}), op("Subtract", {width, f32(1)})})
    return op("Select", {single, f32(0), x})
  end
  if how == "half_pixel_symmetric" then
    local adjustment = op("Divide", {to_f32(m), width})
    local offset = op("Multiply", {op("Divide", {n, f32(2)}), op("Subtract", {f32(1), adjustment})})
    return op("Add", {offset, centered})
  end
  -- tf_crop_and_resize
  local span = op("Multiply", {op("Subtract", {roi_end, roi_start}), last})
  local begin = op("Multiply", {roi_start, last})
  local x = op("Add", {op("Divide", {op("Multiply", {y, span}), op("Subtract", {width, f32(1)})}), begin})
  x = op("Select", {single, op("Add", {op("Divide", {span, f32(2)}), begin}), x})
  local outside = op("LogicalOr", {op("Less", {x, f32(0)}), op("Greater", {x, last})})
  return x, outside
end

-- Cubic weights for the taps at distances 1 + t, t, 1 - t, 2 - t from x (t = x - floor(x)).
local function cubic_weights(t, a)
  local A = f32(a)
  local function near(d)  -- |d| <= 1: (A + 2)|d|^3 - (A + 3)|d|^2 + 1
    local inner = op("Subtract", {op("Multiply", {f32(a + 2), d}), f32(a + 3)})
    return op("Add", {op("Multiply", {op("Multiply", {inner, d}), d}), f32(1)})
  end
  local function far(d)  -- 1 < |d| < 2: A|d|^3 - 5A|d|^2 + 8A|d| - 4A
    local inner = op("Subtract", {op("Multiply", {A, d}), f32(5 * a)})
    inner = op("Add", {op("Multiply", {inner, d}), f32(8 * a)})
    return op("Subtract", {op("Multiply", {inner, d}), f32(4 * a)})
  end
  local u = op("Subtract", {f32(1), t})
  return {far(op("Add", {t, f32(1)})), near(t), near(u), far(op("Add", {u, f32(1)}))}
end

-- Tap offsets from floor(x) and their weights (f32 [m] each).
local function taps(mode, t, nearest, cubic_a)
  if mode == "linear" then return {0, 1}, {op("Subtract", {f32(1), t}), t} end
  if mode == "cubic" then return {-1, 0, 1, 2}, cubic_weights(t, cubic_a) end
  local up
  if nearest == "round_prefer_floor" then up = op("Greater", {t, f32(0.5)})
  elseif nearest == "round_prefer_ceil" then up = op("GreaterEqual", {t, f32(0.5)})
  elseif nearest == "floor" then up = op("Less", {t, f32(0)})  -- never: t >= 0
  else up = op("Greater", {t, f32(0)}) end
  local one = to_f32(up)
  return {0, 1}, {op("Subtract", {f32(1), one}), one}
end

-- Resizes `x` (f32, static rank) along `axis` to `m` (i64 scalar) with scale `s` (f32 scalar).
function resize.along(x, axis, rank, m, s, options)
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local n_int = entry(dims, axis)
  local n = to_f32(n_int)
  local y = remo.op("opset4.Range", {f32(0), to_f32(m), f32(1)}, {output_type = "f32"})
  local coordinate, outside = source_coordinates(options.coordinates, y, n, s, m, options.roi_start, options.roi_end)
  local floor = op("Floor", {coordinate})
  local t = op("Subtract", {coordinate, floor})
  local base = op("Convert", {floor}, {destination_type = "i64"})
  local offsets, weights = taps(options.mode, t, options.nearest, options.cubic_a)
  local last = op("Subtract", {n_int, i64(1)})
  local indices = {}
  for k, offset in ipairs(offsets) do
    indices[k] = op("Add", {base, i64(offset)})
    if options.exclude_outside then
      local inside = op("LogicalAnd", {op("GreaterEqual", {indices[k], i64(0)}), op("LessEqual", {indices[k], last})})
      weights[k] = op("Select", {inside, weights[k], f32(0)})
    end
  end
  if options.exclude_outside then
    local total = weights[1]
    for k = 2, #weights do total = op("Add", {total, weights[k]}) end
    total = op("Select", {op("Equal", {total, f32(0)}), f32(1), total})
    for k = 1, #weights do weights[k] = op("Divide", {weights[k], total}) end
  end
  local along = {}
  for i = 1, rank do along[i] = 1 end
  along[axis + 1] = -1
  local shape = remo.const(along, "i64")
  local result
  for k = 1, #offsets do
    local index = op("Minimum", {op("Maximum", {indices[k], i64(0)}), last})
    local gathered = remo.op("opset8.Gather", {x, index, i64(axis)})
    local weight = op("Reshape", {weights[k], shape}, {special_zero = false})
    local term = op("Multiply", {gathered, weight})
    result = result and op("Add", {result, term}) or term
  end
  if outside ~= nil then
    local mask = op("Reshape", {outside, shape}, {special_zero = false})
    result = op("Select", {mask, options.extrapolation, result})
  end
  return result
end

return resize
