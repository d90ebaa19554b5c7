-- The scale check of gelu_fusion.json: erf's argument must be x / sqrt(2) or x * (1 / sqrt(2)).
local SQRT2 = math.sqrt(2)

remo.rewrite("fuse_gelu_erf", function(m)
  local k = m.k:value()
  if not k or #k ~= 1 then return nil, "erf's scale is not a single constant" end
  local op = m.nodes.scaled.op
  -- Exporters write the constant in f32: compare with a tolerance a little above f32 rounding.
  local want = op == "opset1.Divide" and SQRT2 or 1 / SQRT2
  if math.abs(k[1] - want) > 1e-6 * want then
    return nil, string.format("erf's argument is x %s %g, not GELU's scale", op == "opset1.Divide" and "/" or "*", k[1])
  end
  return remo.op("opset7.Gelu", {m.x}, {approximation_mode = "ERF"})
end)
