-- A translation whose closing parenthesis is missing.
remo.translate("onnx.Relu", function(node)
  return remo.op("opset1.Relu", {node:input(1)})
end
