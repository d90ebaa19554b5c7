-- The replacements of pad_fusion.json.

-- The spatial pads (dims 3..) to add when the Pad is a zero, constant-mode, non-negative padding
-- of the spatial dims only; else nil and the reason.
local function spatial_pads(m)
  local pad = m.nodes.padded
  if pad:attr("pad_mode") ~= "constant" then return nil, "the Pad is not constant-mode" end
  if m.pad_value then
    local v = m.pad_value:value()
    if not v or v[1] ~= 0 then return nil, "the pad value is not 0" end
  end
  local b, e = m.pads_begin:value(), m.pads_end:value()
  if not b or not e or #b ~= #e or #b < 3 then return nil, "the pads are not known per dim" end
  local begins, ends = {}, {}
  for i = 1, #b do
    if b[i] < 0 or e[i] < 0 then return nil, "the Pad crops" end
    if i <= 2 then
      if b[i] ~= 0 or e[i] ~= 0 then return nil, "the Pad pads the batch or channel dim" end
    else
      begins[#begins + 1], ends[#ends + 1] = b[i], e[i]
    end
  end
  return begins, ends
end

local function added(a, b)
  local out = {}
  for i = 1, #a do out[i] = a[i] + b[i] end
  return out
end

-- The layer's own attributes, with explicit pads grown by the Pad's.
local function padded_attrs(layer, names, begins, ends)
  local attrs = {}
  for _, name in ipairs(names) do attrs[name] = layer:attr(name) end
  attrs.pads_begin = added(layer:attr("pads_begin"), begins)
  attrs.pads_end = added(layer:attr("pads_end"), ends)
  return attrs
end

remo.rewrite("fuse_pad_into_convolution", function(m)
  local layer = m.nodes.layer
  if layer:attr("auto_pad") ~= "explicit" then
    return nil, "the layer pads automatically (auto_pad " .. layer:attr("auto_pad") .. ")"
  end
  local begins, ends = spatial_pads(m)
  if not begins then return nil, ends end
  local attrs = padded_attrs(layer, {"strides", "dilations", "auto_pad"}, begins, ends)
  return remo.op(layer.op, {m.x, m.w}, attrs, {fused_from = {layer, m.nodes.padded}})
end)

remo.rewrite("fuse_pad_into_avg_pool", function(m)
  local layer = m.nodes.layer
  if layer:attr("auto_pad") ~= "explicit" then
    return nil, "the pooling pads automatically (auto_pad " .. layer:attr("auto_pad") .. ")"
  end
  if layer:attr("rounding_type") ~= "floor" then
    return nil, "ceil rounding would average windows past the padding differently"
  end
  -- The Pad's zeros count in the average; the pooling's own padding must count the same way.
  for _, p in ipairs(layer:attr("pads_begin")) do
    if p ~= 0 and layer:attr("exclude-pad") then return nil, "the pooling excludes its own padding" end
  end
  for _, p in ipairs(layer:attr("pads_end")) do
    if p ~= 0 and layer:attr("exclude-pad") then return nil, "the pooling excludes its own padding" end
  end
  local begins, ends = spatial_pads(m)
  if not begins then return nil, ends end
  local attrs = padded_attrs(layer, {"strides", "kernel", "rounding_type", "auto_pad"}, begins, ends)
  attrs["exclude-pad"] = false
  return remo.op("opset1.AvgPool", {m.x}, attrs, {fused_from = {layer, m.nodes.padded}})
end)
