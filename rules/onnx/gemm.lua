-- ONNX Gemm: alpha * A' * B' + beta * C -> MatMul, with Multiply/Add only where needed.
remo.translate("onnx.Gemm", function(node)
  local a, b, c = node:input(1), node:input(2), node:input(3)
  local y = remo.op("opset1.MatMul", {a, b}, {
    transpose_a = node:attr("transA", 0) ~= 0,
    transpose_b = node:attr("transB", 0) ~= 0,
  })
  local alpha, beta = node:attr("alpha", 1.0), node:attr("beta", 1.0)
  if alpha ~= 1.0 then y = remo.op("opset1.Multiply", {y, remo.const(alpha, y:type())}) end
  if c ~= nil and beta ~= 0.0 then
    if beta ~= 1.0 then c = remo.op("opset1.Multiply", {c, remo.const(beta, c:type())}) end
    y = remo.op("opset1.Add", {y, c})
  end
  return y
end)
