-- ONNX Attention -> opset arithmetic:
--   Y = softmax(softcap(Q K^T * scale) + bias) V
-- with 3-D inputs split into heads, past key/value caches concatenated in front (and returned as
-- present_key/present_value), K/V heads repeated for grouped-query attention, and the bias made
-- of attn_mask (boolean: false masks; shorter masks are padded as masked) plus, with is_causal, a
-- causal frontier and/or a sliding window (left/right_window_size) aligned to the end of the past
-- cache, and the unpadded key counts of nonpad_kv_seqlen. Rows with every key masked give 0.
-- The optional 4th output is the QK product (modes 0, 1), QK + bias (2) or the softmax (3).
local util = require("onnx_util")

local function i64(v) return remo.const(v, "i64") end

-- [B, S, H * D] -> [B, H, S, D]
local function split_heads(x, heads, what)
  if heads <= 0 then error("Attention with 3-D inputs needs " .. what) end
  local y = remo.op("opset1.Reshape", {x, i64({0, 0, heads, -1})}, {special_zero = true})
  return remo.op("opset1.Transpose", {y, i64({0, 2, 1, 3})})
end

-- Dimension `axis` of x as a 1-element i64 tensor (folds to a constant for static shapes).
local function dim(x, axis)
  return remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}), i64({axis}), i64(0)},
                 {batch_dims = 0})
end

remo.translate("onnx.Attention", function(node)
  local q, k, v = node:input(1), node:input(2), node:input(3)
  local mask, past_k, past_v = node:input(4), node:input(5), node:input(6)
  local nonpad = node:input(7)
  if nonpad ~= nil and past_k ~= nil then error("Attention cannot take both nonpad_kv_seqlen and a past cache") end
  local rank = util.rank(q, "Attention")
  if rank ~= 3 and rank ~= 4 then error("Attention needs 3-D or 4-D Q, K and V, got rank " .. rank) end
  if (past_k == nil) ~= (past_v == nil) then error("Attention needs past_key and past_value together") end
  local ftype = q:type()
  if rank == 3 then
    q = split_heads(q, node:attr("q_num_heads", 0), "q_num_heads")
    k = split_heads(k, node:attr("kv_num_heads", 0), "kv_num_heads")
    v = split_heads(v, node:attr("kv_num_heads", 0), "kv_num_heads")
  end
  if past_k ~= nil then
    k = remo.op("opset1.Concat", {past_k, k}, {axis = 2})
    v = remo.op("opset1.Concat", {past_v, v}, {axis = 2})
  end
  local present_k, present_v = k, v

  local q_heads, kv_heads = q:shape()[2], k:shape()[2]
  local head_size = q:shape()[4]
  if q_heads < 0 or kv_heads < 0 then error("Attention needs static head counts") end
  if q_heads ~= kv_heads then
    if q_heads % kv_heads ~= 0 then error("q heads (" .. q_heads .. ") are not a multiple of kv heads (" .. kv_heads .. ")") end
    local reps = q_heads // kv_heads
    local function repeat_heads(x)
      local d = x:shape()[4]
      if d < 0 then error("Attention with grouped heads needs a static head size") end
      local t = remo.op("opset1.Tile", {remo.op("opset1.Unsqueeze", {x, i64({2})}), i64({1, 1, reps, 1, 1})})
      return remo.op("opset1.Reshape", {t, i64({0, q_heads, -1, d})}, {special_zero = true})
    end
    k, v = repeat_heads(k), repeat_heads(v)
  end

  local scale = node:attr("scale", nil)
  if scale == nil then
    if head_size < 0 then error("Attention without scale needs a static head size") end
    scale = 1 / math.sqrt(head_size)
  end
  local root = remo.const(math.sqrt(scale), ftype)
  local qk = remo.op("opset1.MatMul", {remo.op("opset1.Multiply", {q, root}), remo.op("opset1.Multiply", {k, root})},
                     {transpose_a = false, transpose_b = true})
  local softcap = node:attr("softcap", 0.0)
  if softcap > 0 then
    local cap = remo.const(softcap, ftype)
    qk = remo.op("opset1.Multiply", {remo.op("opset1.Tanh", {remo.op("opset1.Divide", {qk, cap})}), cap})
  end

  -- the additive bias: 0 where attended, -inf where masked
  local neg_inf = remo.const(-math.huge, ftype)
  local zero = remo.const(0.0, ftype)
  local bias = nil
  if mask ~= nil then
    if mask:type() == "boolean" then mask = remo.op("opset1.Select", {mask, zero, neg_inf}) end
    local m_shape, kv_len = mask:shape(), k:shape()[3]
    if m_shape ~= nil and m_shape[#m_shape] >= 0 and kv_len >= 0 and m_shape[#m_shape] < kv_len then
      local begins, ends = util.fill(#m_shape, 0), util.fill(#m_shape, 0)
      ends[#m_shape] = kv_len - m_shape[#m_shape]
      mask = remo.op("opset12.Pad", {mask, i64(begins), i64(ends), neg_inf}, {pad_mode = "constant"})
    end
    bias = mask
  end
  -- positional rules: causal frontier, sliding window and unpadded key count
  local causal = node:attr("is_causal", 0) ~= 0
  local left, right = node:attr("left_window_size", -1), node:attr("right_window_size", -1)
  if causal or left >= 0 or right >= 0 or nonpad ~= nil then
    local function positions(len)
      return remo.op("opset4.Range", {i64(0), remo.op("opset1.Squeeze", {len, i64({0})}), i64(1)}, {output_type = "i64"})
    end
    local rows = remo.op("opset1.Unsqueeze", {positions(dim(q, 2)), i64({1})})  -- [S, 1]
    local cols = positions(dim(k, 2))                                            -- [L]
    local lengths = nil
    if nonpad ~= nil then
      lengths = remo.op("opset1.Reshape", {nonpad, i64({-1, 1, 1, 1})}, {special_zero = false})
      if lengths:type() ~= "i64" then lengths = remo.op("opset1.Convert", {lengths}, {destination_type = "i64"}) end
    end
    -- a query's absolute position: after the past cache, or (external cache) aligned to the
    -- end of each batch's unpadded keys
    if past_k ~= nil then
      rows = remo.op("opset1.Add", {rows, dim(past_k, 2)})
    elseif lengths ~= nil then
      rows = remo.op("opset1.Add", {rows, remo.op("opset1.Subtract", {lengths, dim(q, 2)})})
    end
    local allowed = nil
    local function both(a, b) return a and remo.op("opset1.LogicalAnd", {a, b}) or b end
    if causal then allowed = both(allowed, remo.op("opset1.LessEqual", {cols, rows})) end
    local diff = remo.op("opset1.Subtract", {rows, cols})
    if left >= 0 then allowed = both(allowed, remo.op("opset1.LessEqual", {diff, i64(left)})) end
    if right >= 0 then allowed = both(allowed, remo.op("opset1.GreaterEqual", {diff, i64(-right)})) end
    if lengths ~= nil then allowed = both(allowed, remo.op("opset1.Less", {cols, lengths})) end
    local positional = remo.op("opset1.Select", {allowed, zero, neg_inf})
    bias = bias and remo.op("opset1.Add", {bias, positional}) or positional
  end

  local scores = bias and remo.op("opset1.Add", {qk, bias}) or qk
  local softmax_in = scores
  local wide = node:attr("softmax_precision", 0) == 1 and ftype ~= "f32"
  if wide then softmax_in = remo.op("opset1.Convert", {scores}, {destination_type = "f32"}) end
  local probs = remo.op("opset8.Softmax", {softmax_in}, {axis = -1})
  if wide then probs = remo.op("opset1.Convert", {probs}, {destination_type = ftype}) end
  if bias ~= nil then
    -- a row whose bias masks every key has no softmax: it gives 0
    local full_bias = remo.op("opset1.Add", {bias, remo.op("opset1.Multiply", {qk, zero})})
    local top = remo.op("opset1.ReduceMax", {full_bias, i64({-1})}, {keep_dims = true})
    -- below the type's lowest finite value: -inf (an equality test with -inf is not reliable)
    local lowest = ({f16 = -65000.0, f64 = -1e308})[ftype] or -3.0e38
    local dead = remo.op("opset1.Less", {top, remo.const(lowest, ftype)})
    probs = remo.op("opset1.Select", {dead, zero, probs})
  end
  local y = remo.op("opset1.MatMul", {probs, v}, {transpose_a = false, transpose_b = false})
  if rank == 3 then
    y = remo.op("opset1.Transpose", {y, i64({0, 2, 1, 3})})
    y = remo.op("opset1.Reshape", {y, i64({0, 0, -1})}, {special_zero = true})
  end
  if node:output_count() <= 1 then return y end
  local mode = node:attr("qk_matmul_output_mode", 0)
  local qk_out = qk
  if mode == 2 then qk_out = scores elseif mode == 3 then qk_out = probs end
  return y, present_k, present_v, qk_out
end)
