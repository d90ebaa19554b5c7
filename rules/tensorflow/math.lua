-- TensorFlow elementwise arithmetic, reductions and matrix products.
local util = require("tf_util")

local BINARY = {
  Add = "opset1.Add", AddV2 = "opset1.Add", Sub = "opset1.Subtract", Mul = "opset1.Multiply",
  Maximum = "opset1.Maximum", Minimum = "opset1.Minimum", Pow = "opset1.Power",
}
for name, op in pairs(BINARY) do
  remo.translate("tf." .. name, function(node)
    return remo.op(op, {node:input(1), node:input(2)})
  end)
end

-- RealDiv truncates integer quotients, as C does.
remo.translate("tf.RealDiv", function(node)
  return remo.op("opset1.Divide", {node:input(1), node:input(2)}, {m_pythondiv = false})
end)

remo.translate("tf.SquaredDifference", function(node)
  local d = remo.op("opset1.Subtract", {node:input(1), node:input(2)})
  return remo.op("opset1.Multiply", {d, d})
end)

remo.translate("tf.Square", function(node)
  local x = node:input(1)
  return remo.op("opset1.Multiply", {x, x})
end)

remo.translate("tf.Sqrt", function(node) return remo.op("opset1.Sqrt", {node:input(1)}) end)

remo.translate("tf.Rsqrt", function(node)
  local x = node:input(1)
  return remo.op("opset1.Divide", {remo.const({1}, x:type(), {}), remo.op("opset1.Sqrt", {x})})
end)

local REDUCE = {Mean = "opset1.ReduceMean", Sum = "opset1.ReduceSum", Max = "opset1.ReduceMax",
                Min = "opset1.ReduceMin", Prod = "opset1.ReduceProd"}
for name, op in pairs(REDUCE) do
  remo.translate("tf." .. name, function(node)
    return remo.op(op, {node:input(1), node:input(2)}, {keep_dims = node:attr("keep_dims", false)})
  end)
end

remo.translate("tf.MatMul", function(node)
  return remo.op("opset1.MatMul", {node:input(1), node:input(2)},
                 {transpose_a = node:attr("transpose_a", false), transpose_b = node:attr("transpose_b", false)})
end)

for _, op in ipairs({"tf.BatchMatMul", "tf.BatchMatMulV2", "tf.BatchMatMulV3"}) do
  remo.translate(op, function(node)
    return remo.op("opset1.MatMul", {node:input(1), node:input(2)},
                   {transpose_a = node:attr("adj_x", false), transpose_b = node:attr("adj_y", false)})
  end)
end

-- _FusedMatMul: MatMul, then fused_ops {BiasAdd [, Add] [, activation]}; the bias is input 3, the
-- addend the last input.
remo.translate("tf._FusedMatMul", function(node)
  local y = remo.op("opset1.MatMul", {node:input(1), node:input(2)},
                    {transpose_a = node:attr("transpose_a", false), transpose_b = node:attr("transpose_b", false)})
  local ops = node:attr("fused_ops", {})
  local i = 1
  if ops[i] == "BiasAdd" then
    y = remo.op("opset1.Add", {y, node:input(3)})
    i = i + 1
  end
  if ops[i] == "Add" or ops[i] == "AddV2" then
    y = remo.op("opset1.Add", {y, node:input(node:input_count())})
    i = i + 1
  end
  if ops[i] ~= nil then
    y = util.activation(ops[i], y, node)
    i = i + 1
  end
  if ops[i] ~= nil then error("fused_ops " .. table.concat(ops, ",") .. " is not supported") end
  return y
end)
