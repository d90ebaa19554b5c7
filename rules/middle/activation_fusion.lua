-- The replacements of activation_fusion.json that need a look at constants or attributes.

-- The pattern's Clamp must be exactly relu6: clamp to [0, 6].
local function is_relu6(clamp)
  return clamp:attr("min") == 0 and clamp:attr("max") == 6
end

remo.rewrite("fuse_hsigmoid", function(m)
  if not is_relu6(m.nodes.relu6) then return nil, "the Clamp is not clamp(0, 6)" end
  return remo.op("opset5.HSigmoid", {m.x})
end)

remo.rewrite("fuse_hswish", function(m)
  if not is_relu6(m.nodes.relu6) then return nil, "the Clamp is not clamp(0, 6)" end
  return remo.op("opset4.HSwish", {m.x})
end)

remo.rewrite("fuse_swish_with_beta", function(m)
  if m.beta:type() ~= m.x:type() then return nil, "beta's type differs from x's" end
  return remo.op("opset4.Swish", {m.x, m.beta})
end)
