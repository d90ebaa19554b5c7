-- The replacements of normalize_l2_fusion.json. NormalizeL2 computes x / sqrt(eps_mode(s, eps))
-- with s = sum(x^2) over constant axes. These functions read the denominator the exporter wrote
-- and return its eps_mode and eps, or decline when it computes anything else. Every node between
-- x and the root must have the root as its only reader, so the fused graph is smaller.

local FLT_MAX = 3.4028234663852886e38
local FLT_MIN = 1.1754943508222875e-38  -- the smallest normal float: a smaller eps may flush to 0

local function single_use(v) return #v:consumers() == 1 end

-- The one value of a constant, or nil.
local function scalar_constant(v)
  local values = v:value()
  if v:op() ~= "opset1.Constant" or not values or #values ~= 1 then return nil end
  return values[1]
end

local axes_util = require("axes_util")
local normalized_axes, same_list = axes_util.normalized_axes, axes_util.same_list

-- Whether a reduction over `axes` that drops them lines up with x anyway: when only leading axes
-- go, broadcasting against x puts the kept ones back in place.
local function leading(axes)
  for i, a in ipairs(axes) do
    if a ~= i - 1 then return false end
  end
  return true
end

-- v is a reduction of x over constant axes, shaped to broadcast against x as the keep_dims form
-- would: the reduction keeps its axes, is unsqueezed back at exactly those axes, or drops only
-- leading axes. Returns the reduction node and the axes, or nil.
local function reduction_of(v, x, ops)
  local rank = x:rank()
  local reduce = v
  local unsqueezed
  if v:op() == "opset1.Unsqueeze" and single_use(v) then
    unsqueezed = normalized_axes(v:node():input(2), rank)
    reduce = v:node():input(1)
  end
  if not ops[reduce:op()] or not single_use(reduce) then return nil end
  local node = reduce:node()
  local axes = normalized_axes(node:input(2), rank)
  if not axes then return nil end
  if node:attr("keep_dims") then
    if unsqueezed then return nil end
  elseif not (unsqueezed and same_list(unsqueezed, axes)) and not (not unsqueezed and leading(axes)) then
    return nil
  end
  return node, axes
end

-- sum(x^2) over axes, x^2 written as Power(x, 2) or x * x: the axes, or nil.
local function sum_of_squares(v, x)
  local node, axes = reduction_of(v, x, {["opset1.ReduceSum"] = true})
  if not node then return nil end
  local square = node:input(1)
  if not single_use(square) then return nil end
  local sq = square:node()
  if square:op() == "opset1.Multiply" and sq:input(1) == x and sq:input(2) == x then return axes end
  if square:op() == "opset1.Power" and sq:input(1) == x and scalar_constant(sq:input(2)) == 2 then return axes end
  return nil
end

-- The L2 norm sqrt(sum(x^2)) or ReduceL2(x): the axes, or nil.
local function l2_norm(v, x)
  if v:op() == "opset1.Sqrt" and single_use(v) then return sum_of_squares(v:node():input(1), x) end
  local node, axes = reduction_of(v, x, {["opset4.ReduceL2"] = true})
  if node and node:input(1) == x then return axes end
  return nil
end

-- max(v, eps) written as Maximum with a constant or as a Clamp without an upper bound (its
-- upper bound the largest finite value: the two differ only where v itself overflowed to
-- infinity). Returns the inner value and eps, or nil.
local function lower_bounded(v)
  if not single_use(v) then return nil end
  local node = v:node()
  if v:op() == "opset1.Clamp" then
    if node:attr("max") < FLT_MAX then return nil end
    return node:input(1), node:attr("min")
  end
  if v:op() == "opset1.Maximum" then
    for _, pair in ipairs({{1, 2}, {2, 1}}) do
      local eps = scalar_constant(node:input(pair[2]))
      if eps then return node:input(pair[1]), eps end
    end
  end
  return nil
end

-- The value under the square root, s + eps or max(s, eps): axes, eps_mode and eps, or nil.
local function inside_sqrt(v, x)
  if v:op() == "opset1.Add" and single_use(v) then
    local node = v:node()
    for _, pair in ipairs({{1, 2}, {2, 1}}) do
      local eps = scalar_constant(node:input(pair[2]))
      local axes = eps and sum_of_squares(node:input(pair[1]), x)
      if axes then return axes, "add", eps end
    end
    return nil
  end
  local inner, eps = lower_bounded(v)
  local axes = inner and sum_of_squares(inner, x)
  if axes then return axes, "max", eps end
  return nil
end

-- The denominator: sqrt(s + eps), sqrt(max(s, eps)), or max(norm, eps), which is
-- sqrt(max(s, eps^2)). Returns axes, eps_mode and eps, or nil.
local function denominator(v, x)
  -- x / Broadcast(n, ShapeOf(x)) divides by n: n already broadcasts to x's shape.
  if (v:op() == "opset3.Broadcast" or v:op() == "opset1.Broadcast") and single_use(v) then
    local node = v:node()
    local target = node:input(2)
    local mode = node:attr("mode")
    if (target:op() == "opset3.ShapeOf" or target:op() == "opset1.ShapeOf") and target:node():input(1) == x
        and (mode == "numpy" or mode == "bidirectional") then
      v = node:input(1)
    end
  end
  if v:op() == "opset1.Sqrt" and single_use(v) then return inside_sqrt(v:node():input(1), x) end
  local norm, eps = lower_bounded(v)
  local axes = norm and eps >= 0 and l2_norm(norm, x)
  if axes then return axes, "max", eps * eps end
  return nil
end

local FLOATING = {f16 = true, bf16 = true, f32 = true, f64 = true}

local function normalize_l2(x, axes, mode, eps)
  if not eps or eps < 0 then return nil, "epsilon is not one non-negative number" end
  if eps > 0 and eps < FLT_MIN then return nil, "epsilon is below the smallest normal f32 number" end
  return remo.op("opset1.NormalizeL2", {x, remo.const(axes, "i64")}, {eps = eps, eps_mode = mode})
end

remo.rewrite("fuse_normalize_l2_divide", function(m)
  if not m.x:rank() or not FLOATING[m.x:type()] then return nil, "x is not a floating-point tensor of known rank" end
  local axes, mode, eps = denominator(m.denominator, m.x)
  if not axes then return nil, "the denominator is not an L2 norm of x with epsilon over constant axes" end
  return normalize_l2(m.x, axes, mode, eps)
end)

remo.rewrite("fuse_normalize_l2_multiply", function(m)
  if not m.x:rank() or not FLOATING[m.x:type()] then return nil, "x is not a floating-point tensor of known rank" end
  local node = m.nodes.reciprocal
  local axes, mode, eps
  if m.reciprocal:op() == "opset1.Power" then
    if scalar_constant(node:input(2)) ~= -0.5 then return nil, "the exponent is not -0.5" end
    axes, mode, eps = inside_sqrt(node:input(1), m.x)
  elseif scalar_constant(node:input(1)) == 1 then
    axes, mode, eps = denominator(node:input(2), m.x)
  end
  if not axes then return nil, "the factor is not 1 / the L2 norm of x with epsilon over constant axes" end
  return normalize_l2(m.x, axes, mode, eps)
end)
