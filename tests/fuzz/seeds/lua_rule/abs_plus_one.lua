-- Translation of a custom ONNX op, com.example.CustomAbsPlusOne: y = |x| + 1.
-- Passing this folder with --extensions makes remo convert models that use the op.
remo.translate("com.example.CustomAbsPlusOne", function(node)
  local x = node:input(1)
  local magnitude = remo.op("opset1.Abs", {x})
  return remo.op("opset1.Add", {magnitude, remo.const(1.0, x:type())})
end)
