-- TensorFlow comparisons, logical ops, selection and the integer-division family.
local util = require("tf_util")

local BINARY = {
  Equal = "opset1.Equal", NotEqual = "opset1.NotEqual", Less = "opset1.Less", LessEqual = "opset1.LessEqual",
  Greater = "opset1.Greater", GreaterEqual = "opset1.GreaterEqual", LogicalAnd = "opset1.LogicalAnd",
  LogicalOr = "opset1.LogicalOr", FloorMod = "opset1.FloorMod", Mod = "opset1.Mod", TruncateMod = "opset1.Mod",
}
for name, op in pairs(BINARY) do
  remo.translate("tf." .. name, function(node) return remo.op(op, {node:input(1), node:input(2)}) end)
end

-- Div and TruncateDiv truncate integer quotients; FloorDiv floors them, and floors real ones too.
for _, name in ipairs({"Div", "TruncateDiv"}) do
  remo.translate("tf." .. name, function(node)
    return remo.op("opset1.Divide", {node:input(1), node:input(2)}, {m_pythondiv = false})
  end)
end
-- For integers the quotient is taken of x - floormod(x, y), which y divides exactly, so it does not
-- matter how a runtime rounds an integer Divide (OpenVINO's CPU plugin truncates even when
-- m_pythondiv asks for floor division).
remo.translate("tf.FloorDiv", function(node)
  local x, y = node:input(1), node:input(2)
  if util.is_float(x) then return remo.op("opset1.Floor", {remo.op("opset1.Divide", {x, y})}) end
  local exact = remo.op("opset1.Subtract", {x, remo.op("opset1.FloorMod", {x, y})})
  return remo.op("opset1.Divide", {exact, y}, {m_pythondiv = false})
end)

-- x / y, and 0 wherever y is 0.
remo.translate("tf.DivNoNan", function(node)
  local x, y = node:input(1), node:input(2)
  local zero = remo.const({0}, x:type(), {})
  local is_zero = remo.op("opset1.Equal", {y, zero})
  local safe = remo.op("opset1.Select", {is_zero, remo.const({1}, x:type(), {}), y})
  return remo.op("opset1.Select", {is_zero, zero, remo.op("opset1.Divide", {x, safe})})
end)

-- AddN: the sum of all inputs (same shape).
remo.translate("tf.AddN", function(node)
  local y = node:input(1)
  for i = 2, node:input_count() do y = remo.op("opset1.Add", {y, node:input(i)}) end
  return y
end)

-- SelectV2 broadcasts all three; Select (v1) takes a condition of the same shape as x, a scalar,
-- or a vector that picks whole rows (entries of the first dimension).
remo.translate("tf.SelectV2", function(node)
  return remo.op("opset1.Select", {node:input(1), node:input(2), node:input(3)})
end)
remo.translate("tf.Select", function(node)
  local c, x = node:input(1), node:input(2)
  local rc, rx = util.rank(c, "Select's condition"), util.rank(x, "Select")
  if rc == 1 and rx > 1 then
    local shape = {-1}
    for i = 2, rx do shape[i] = 1 end
    c = remo.op("opset1.Reshape", {c, remo.const(shape, "i64")}, {special_zero = false})
  elseif rc ~= rx and rc ~= 0 then
    error("Select's condition has rank " .. rc .. ", expected 0, 1 or the rank of x (" .. rx .. ")")
  end
  return remo.op("opset1.Select", {c, x, node:input(3)})
end)

-- Where with one input: the coordinates of the true (non-zero) elements, [count, rank] in i64.
remo.translate("tf.Where", function(node)
  local idx = remo.op("opset3.NonZero", {node:input(1)}, {output_type = "i64"})
  return remo.op("opset1.Transpose", {idx, remo.const({1, 0}, "i64")})
end)

-- min(max(x, lo), hi), the bounds broadcast.
remo.translate("tf.ClipByValue", function(node)
  local y = remo.op("opset1.Maximum", {node:input(1), node:input(2)})
  return remo.op("opset1.Minimum", {y, node:input(3)})
end)
