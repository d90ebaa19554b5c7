-- The replacements of weight_folding.json that reshape a per-channel scale onto the weights.

-- The channel count when `s` scales only axis `axis` of a value of shape `shape` (every other dim
-- of s, right-aligned, is 1), 1 when s is one number, else nil.
local function per_channel(s, shape, axis)
  local dims = s:shape()
  if not dims or not shape or #dims > #shape then return nil end
  local channels = 1
  for i = 1, #dims do
    local d = dims[#dims - i + 1]
    local target = #shape - i + 1
    if target == axis then
      channels = d
    elseif d ~= 1 then
      return nil
    end
  end
  if channels ~= 1 and channels ~= shape[axis] then return nil end
  return channels
end

-- s's values as a constant of the given shape (its element count is unchanged).
local function reshaped(s, shape)
  local values = s:value()
  if not values then return nil end
  return remo.const(values, s:type(), shape)
end

local function ones(n)
  local t = {}
  for i = 1, n do t[i] = 1 end
  return t
end

remo.rewrite("fold_multiply_into_convolution", function(m)
  local conv = m.nodes.conv
  if m.s:type() ~= m.w:type() then return nil, "the scale's type differs from the weights'" end
  local channels = per_channel(m.s, m.conv:shape(), 2)
  if not channels then return nil, "the scale is not one value per output channel" end
  local w_shape = m.w:shape()
  local shape = ones(#w_shape)
  if conv.op == "opset1.GroupConvolution" then
    -- Weights [G, O/G, I/G, k...]: output channel c is group c // (O/G), row c % (O/G).
    if channels ~= 1 then shape[1], shape[2] = w_shape[1], w_shape[2] end
  else
    shape[1] = channels  -- weights [O, I, k...]
  end
  local scale = reshaped(m.s, shape)
  if not scale then return nil, "the scale is not known" end
  local w = remo.op("opset1.Multiply", {m.w, scale})
  local attrs = {}
  for _, name in ipairs({"strides", "dilations", "pads_begin", "pads_end", "auto_pad"}) do
    attrs[name] = conv:attr(name)
  end
  return remo.op(conv.op, {m.x, w}, attrs, {fused_from = {conv}})
end)

remo.rewrite("fold_multiply_into_matmul", function(m)
  local mm = m.nodes.product
  if m.s:type() ~= m.w:type() then return nil, "the scale's type differs from the weights'" end
  local out = m.product:shape()
  if not out then return nil, "the product's rank is unknown" end
  local channels = per_channel(m.s, out, #out)
  if not channels then return nil, "the scale is not one value per output column" end
  -- Weights [K, N], or [N, K] with transpose_b.
  local scale = reshaped(m.s, mm:attr("transpose_b") and {channels, 1} or {1, channels})
  if not scale then return nil, "the scale is not known" end
  local w = remo.op("opset1.Multiply", {m.w, scale})
  return remo.op("opset1.MatMul", {m.x, w},
                 {transpose_a = mm:attr("transpose_a"), transpose_b = mm:attr("transpose_b")},
                 {fused_from = {mm}})
end)
