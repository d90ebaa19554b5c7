-- The replacement of the merge_transposes pattern (transpose.json).
remo.rewrite("merge_transposes", function(m)
  local p1, p2 = m.inner_order:value(), m.outer_order:value()
  if not p1 or not p2 or #p1 ~= #p2 then
    return nil, "the two orders are not constants of the same length"
  end
  local order, identity = {}, true
  for j = 1, #p2 do
    order[j] = p1[p2[j] + 1]
    if order[j] ~= j - 1 then identity = false end
  end
  if identity then return m.x end
  return remo.op("opset1.Transpose", {m.x, remo.const(order, "i64")})
end)
