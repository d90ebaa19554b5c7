-- The replacements of pad_fusion.json.

-- The Pad's fill value (0 when the input is omitted), or nil.
local function pad_value(m)
  if not m.pad_value then return 0 end
  local v = m.pad_value:value()
  return v and v[1]
end

-- The spatial pads (dims 3..) to add when the Pad is a constant-mode, non-negative padding of the
-- spatial dims only with the fill value `fill` (default 0); else nil and the reason.
local function spatial_pads(m, fill)
  local pad = m.nodes.padded
  if pad:attr("pad_mode") ~= "constant" then return nil, "the Pad is not constant-mode" end
  if pad_value(m) ~= (fill or 0) then return nil, "the pad value is not " .. tostring(fill or 0) end
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

-- Producers whose every output element is >= 0 (or NaN): a zero pad never wins a max over a
-- window that holds one of their elements.
local NON_NEGATIVE = {["opset1.Relu"] = true, ["opset1.Sigmoid"] = true, ["opset1.Exp"] = true,
                      ["opset1.Abs"] = true, ["opset4.SoftPlus"] = true, ["opset5.HSigmoid"] = true}

local function non_negative(x)
  if NON_NEGATIVE[x:op()] then return true end
  return x:op() == "opset1.Clamp" and x:node():attr("min") >= 0
end

-- MaxPool's own padding takes no part in the max. A -inf Pad never wins either, nor does a zero
-- Pad of non-negative data, as long as every window still holds a real element: each total pad
-- below the (undilated) kernel, with floor rounding.
remo.rewrite("fuse_pad_into_max_pool", function(m)
  local layer = m.nodes.layer
  if layer:attr("auto_pad") ~= "explicit" then
    return nil, "the pooling pads automatically (auto_pad " .. layer:attr("auto_pad") .. ")"
  end
  if layer:attr("rounding_type") ~= "floor" then return nil, "ceil rounding may add windows of padding only" end
  local fill = pad_value(m)
  if fill ~= -math.huge and not (fill == 0 and non_negative(m.x)) then
    return nil, "the pad value is neither -inf nor 0 before data that cannot be negative"
  end
  local names = {"strides", "kernel", "rounding_type", "auto_pad"}
  if layer.op ~= "opset1.MaxPool" then
    for _, d in ipairs(layer:attr("dilations")) do
      if d ~= 1 then return nil, "a dilated window may skip every real element" end
    end
    for _, name in ipairs({"dilations", "index_element_type", "axis"}) do names[#names + 1] = name end
  end
  local begins, ends = spatial_pads(m, fill)
  if not begins then return nil, ends end
  local attrs = padded_attrs(layer, names, begins, ends)
  local kernel = layer:attr("kernel")
  for i = 1, #kernel do
    if attrs.pads_begin[i] >= kernel[i] or attrs.pads_end[i] >= kernel[i] then
      return nil, "a window would hold padding only"
    end
  end
  -- Only the values: MaxPool-8's indices would count in the padded tensor, so a pooling whose
  -- indices are read does not match.
  return (remo.op(layer.op, {m.x}, attrs, {fused_from = {layer, m.nodes.padded}}))
end)
