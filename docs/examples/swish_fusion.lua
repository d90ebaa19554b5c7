-- A whole-graph pass: x * Sigmoid(x) -> Swish(x). The new node records the pass name
-- (created_by) and the names of the two nodes it replaces (IR fused_names).
remo.pass("swish_fusion", "middle", function(graph)
  for _, mul in ipairs(graph:nodes("opset1.Multiply")) do
    local a, b = mul:input(1), mul:input(2)
    -- Either input may be the Sigmoid; the other must be the Sigmoid's own input.
    for _, pair in ipairs({{a, b}, {b, a}}) do
      local x, s = pair[1], pair[2]
      local sigmoid = s:node()
      if sigmoid.op == "opset1.Sigmoid" and sigmoid:input(1) == x and #s:consumers() == 1 then
        local swish = remo.op("opset4.Swish", {x}, {}, {fused_from = {mul, sigmoid}})
        graph:replace(mul:output(1), swish)
        graph:remove(mul)
        graph:remove(sigmoid)
        break
      end
    end
  end
end)
