-- The checks of layer_norm_fusion.json: both means reduce the same axes and keep them, and epsilon
-- is one non-negative number.

-- The axes as non-negative numbers in increasing order, or nil.
local function normalized_axes(axes, rank)
  local values = axes:value()
  if not values or not rank then return nil end
  local out, seen = {}, {}
  for _, a in ipairs(values) do
    if a < 0 then a = a + rank end
    if a < 0 or a >= rank or seen[a] then return nil end
    seen[a] = true
    out[#out + 1] = a
  end
  table.sort(out)
  return out
end

local function same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

remo.rewrite("fuse_layer_norm", function(m)
  local rank = m.x:rank()
  local axes = normalized_axes(m.axes, rank)
  local variance_axes = normalized_axes(m.variance_axes, rank)
  if not axes or not variance_axes or not same_list(axes, variance_axes) then
    return nil, "the two means do not reduce the same constant axes"
  end
  if not m.nodes.mean:attr("keep_dims") or not m.nodes.variance:attr("keep_dims") then
    return nil, "a mean drops the reduced axes"
  end
  local eps = m.eps:value()
  if not eps or #eps ~= 1 or eps[1] < 0 then return nil, "epsilon is not one non-negative number" end
  return remo.op("opset6.MVN", {m.x, remo.const(axes, "i64")},
                 {normalize_variance = true, eps = eps[1], eps_mode = "INSIDE_SQRT"})
end)
