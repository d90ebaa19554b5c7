-- TensorFlow's less common elementwise ops: Atan2, Xdivy/Xlogy/Xlog1py, bitwise ops, L2Loss,
-- IsFinite.

local function zero(x) return remo.const({0}, x:type(), {}) end
local function one(x) return remo.const({1}, x:type(), {}) end

remo.translate("tf.IsFinite", function(node) return remo.op("opset10.IsFinite", {node:input(1)}) end)

-- atan2(y, x): atan(y / x), plus or minus pi when x < 0 (the sign of y's), +-pi/2 when x is 0,
-- and 0 when both are 0.
remo.translate("tf.Atan2", function(node)
  local y, x = node:input(1), node:input(2)
  local z = zero(x)
  local x_zero = remo.op("opset1.Equal", {x, z})
  local safe_x = remo.op("opset1.Select", {x_zero, one(x), x})
  local base = remo.op("opset1.Atan", {remo.op("opset1.Divide", {y, safe_x})})
  local pi = remo.const({math.pi}, x:type(), {})
  local y_negative = remo.op("opset1.Less", {y, z})
  local turn = remo.op("opset1.Select", {y_negative, remo.op("opset1.Negative", {pi}), pi})
  local left = remo.op("opset1.Less", {x, z})
  local angle = remo.op("opset1.Select", {left, remo.op("opset1.Add", {base, turn}), base})
  local half = remo.op("opset1.Multiply", {remo.op("opset1.Sign", {y}), remo.const({math.pi / 2}, x:type(), {})})
  return remo.op("opset1.Select", {x_zero, half, angle})
end)

-- x * f(y), and 0 wherever x is 0 (even where f(y) is infinite or NaN).
local function x_times(name, f)
  remo.translate("tf." .. name, function(node)
    local x, y = node:input(1), node:input(2)
    local is_zero = remo.op("opset1.Equal", {x, zero(x)})
    local value = f(x, y)
    return remo.op("opset1.Select", {is_zero, zero(x), value})
  end)
end
x_times("Xdivy", function(x, y) return remo.op("opset1.Divide", {x, y}) end)
x_times("Xlogy", function(x, y) return remo.op("opset1.Multiply", {x, remo.op("opset1.Log", {y})}) end)
x_times("Xlog1py", function(x, y)
  return remo.op("opset1.Multiply", {x, remo.op("opset1.Log", {remo.op("opset1.Add", {y, one(y)})})})
end)

-- sum(x^2) / 2 over all elements.
remo.translate("tf.L2Loss", function(node)
  local x = node:input(1)
  local r = x:rank()
  if r == nil then error("L2Loss needs an input of known rank") end
  local axes = {}
  for i = 1, r do axes[i] = i - 1 end
  local sum = remo.op("opset1.ReduceSum", {remo.op("opset1.Multiply", {x, x}), remo.const(axes, "i64")},
                      {keep_dims = false})
  return remo.op("opset1.Multiply", {sum, remo.const({0.5}, x:type(), {})})
end)

local BITWISE = {BitwiseAnd = "opset13.BitwiseAnd", BitwiseOr = "opset13.BitwiseOr",
                 BitwiseXor = "opset13.BitwiseXor", LeftShift = "opset15.BitwiseLeftShift",
                 RightShift = "opset15.BitwiseRightShift"}
for name, op in pairs(BITWISE) do
  remo.translate("tf." .. name, function(node) return remo.op(op, {node:input(1), node:input(2)}) end)
end
remo.translate("tf.Invert", function(node) return remo.op("opset13.BitwiseNot", {node:input(1)}) end)
