-- The replacer that configs/example_scope.json names by id. Each "scale_block/" scope of the
-- model (any ops inside) becomes one Multiply of the scope's input by custom_attributes.alpha.
remo.replacer("ExampleScaleBlockReplacement", function(match)
  local x = match:input(1)  -- the value entering the scope at its "mul" node, input port 0
  local alpha = match.custom_attributes.alpha
  -- One value per sub-graph output: its consumers outside the scope are rewired to it, and
  -- the scope's nodes that nothing reads any more are removed.
  return remo.op("opset1.Multiply", {x, remo.const(alpha, x:type())})
end)
