-- ONNX RotaryEmbedding (opset 23) -> opset arithmetic. The first rotary_embedding_dim features of
-- each head are rotated as pairs (x1, x2) -> (x1 cos - x2 sin, x1 sin + x2 cos); the pairs are the
-- two halves of the rotated part, or neighbours (interleaved). The remaining features pass through.
local util = require("onnx_util")

local function i64(v) return remo.const(v, "i64") end

-- x[..., from:to:step] on the last axis
local function last_slice(x, from, to, step)
  return remo.op("opset8.Slice", {x, i64({from}), i64({to}), i64({step}), i64({-1})})
end

remo.translate("onnx.RotaryEmbedding", function(node)
  local x, cos, sin, positions = node:input(1), node:input(2), node:input(3), node:input(4)
  local shape = x:shape()
  if shape == nil or (#shape ~= 3 and #shape ~= 4) then
    error("RotaryEmbedding needs a 3-D [batch, seq, hidden] or 4-D [batch, heads, seq, head_size] input")
  end
  local heads = node:attr("num_heads", 0)
  -- work in [batch, seq, heads, head_size]
  local work
  if #shape == 4 then
    work = remo.op("opset1.Transpose", {x, i64({0, 2, 1, 3})})
  else
    if heads <= 0 then error("RotaryEmbedding of a 3-D input needs num_heads") end
    work = remo.op("opset1.Reshape", {x, i64({0, 0, heads, -1})}, {special_zero = true})
  end
  local head_size = work:shape()[4]
  if head_size < 0 then error("RotaryEmbedding needs a static head size") end
  local rotary = node:attr("rotary_embedding_dim", 0)
  if rotary == 0 then rotary = head_size end
  if rotary > head_size or rotary % 2 ~= 0 then
    error("rotary_embedding_dim " .. rotary .. " must be even and at most the head size " .. head_size)
  end
  local half = rotary // 2
  if positions ~= nil then
    cos = remo.op("opset8.Gather", {cos, positions, i64(0)}, {batch_dims = 0})
    sin = remo.op("opset8.Gather", {sin, positions, i64(0)}, {batch_dims = 0})
  end
  -- [batch, seq, rotary / 2] -> [batch, seq, 1, rotary / 2], shared by the heads
  cos = remo.op("opset1.Unsqueeze", {last_slice(cos, 0, half, 1), i64({2})})
  sin = remo.op("opset1.Unsqueeze", {last_slice(sin, 0, half, 1), i64({2})})

  local interleaved = node:attr("interleaved", 0) ~= 0
  local x1, x2
  if interleaved then
    x1, x2 = last_slice(work, 0, rotary, 2), last_slice(work, 1, rotary, 2)
  else
    x1, x2 = last_slice(work, 0, half, 1), last_slice(work, half, rotary, 1)
  end
  local function mul(a, b) return remo.op("opset1.Multiply", {a, b}) end
  local real = remo.op("opset1.Subtract", {mul(x1, cos), mul(x2, sin)})
  local imag = remo.op("opset1.Add", {mul(x1, sin), mul(x2, cos)})
  local rotated
  if interleaved then
    -- (r0, i0, r1, i1, ...): stack on a new last axis, then merge it
    local pairs = remo.op("opset1.Concat", {remo.op("opset1.Unsqueeze", {real, i64({4})}),
                                            remo.op("opset1.Unsqueeze", {imag, i64({4})})}, {axis = 4})
    rotated = remo.op("opset1.Reshape", {pairs, i64({0, 0, 0, rotary})}, {special_zero = true})
  else
    rotated = remo.op("opset1.Concat", {real, imag}, {axis = 3})
  end
  local y = rotated
  if rotary < head_size then
    y = remo.op("opset1.Concat", {rotated, last_slice(work, rotary, head_size, 1)}, {axis = 3})
  end
  if #shape == 4 then return remo.op("opset1.Transpose", {y, i64({0, 2, 1, 3})}) end
  return remo.op("opset1.Reshape", {y, i64({0, 0, -1})}, {special_zero = true})
end)
