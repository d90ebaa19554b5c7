-- TensorFlow Const, PlaceholderWithDefault and the ops that pass their inputs through.
remo.translate("tf.Const", function(node)
  return remo.const(node:attr("value"))
end)

-- Without a value given for it, the default is what the graph computes with.
remo.translate("tf.PlaceholderWithDefault", function(node)
  return node:input(1)
end)

-- ReadVariableOp reads a variable the reader has turned into a Constant (docs/tensorflow.md).
for _, op in ipairs({"tf.Identity", "tf.StopGradient", "tf.Snapshot", "tf.PreventGradient", "tf.ReadVariableOp"}) do
  remo.translate(op, function(node) return node:input(1) end)
end

remo.translate("tf.IdentityN", function(node)
  local outs = {}
  for i = 1, node:input_count() do outs[i] = node:input(i) end
  return outs
end)

-- Only ever a target of control edges, which the reader drops: nothing to compute.
remo.translate("tf.NoOp", function(node) return nil end)
