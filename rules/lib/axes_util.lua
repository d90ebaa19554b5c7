-- Axis lists as the middle-phase fusions compare them.
local M = {}

-- The constant axes input `axes` of a tensor of rank `rank` as non-negative numbers in increasing
-- order, or nil when they are not constant, out of range or repeated.
function M.normalized_axes(axes, rank)
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

-- Whether two lists hold the same numbers in the same order.
function M.same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do
    if a[i] ~= b[i] then return false end
  end
  return true
end

return M
