-- ONNX LinearAttention -> the recurrence unrolled over the (static) sequence length, in f32:
--   gated rules:  S = S * exp(decay_t)
--   delta rules:  v_t = beta_t * (v_t - k_t S)
--   every rule:   S = S + k_t^T v_t,   out_t = scale * q_t S   (S repeated for grouped q heads)
-- with S the [batch, kv_heads, d_k, d_v] state, starting from past_state or zeros.

local function i64(v) return remo.const(v, "i64") end

local RULES = {linear = {false, false}, gated = {true, false}, delta = {false, true}, gated_delta = {true, true}}

-- [B, T, H * D] -> [B, H, T, D]
local function heads_first(x, heads)
  local y = remo.op("opset1.Reshape", {x, i64({0, 0, heads, -1})}, {special_zero = true})
  return remo.op("opset1.Transpose", {y, i64({0, 2, 1, 3})})
end

local function f32(x)
  if x:type() == "f32" then return x end
  return remo.op("opset1.Convert", {x}, {destination_type = "f32"})
end

-- step t of a [B, H, T, D] tensor, keeping the T axis: [B, H, 1, D]
local function step(x, t)
  return remo.op("opset8.Slice", {x, i64({t}), i64({t + 1}), i64({1}), i64({2})})
end

remo.translate("onnx.LinearAttention", function(node)
  local q, k, v = node:input(1), node:input(2), node:input(3)
  local past, decay, beta = node:input(4), node:input(5), node:input(6)
  local rule = node:attr("update_rule", "gated_delta")
  local flags = RULES[rule]
  if flags == nil then error("update_rule '" .. rule .. "' is not one of linear, gated, delta, gated_delta") end
  local gating, delta = flags[1], flags[2]
  if gating ~= (decay ~= nil) then error("update_rule '" .. rule .. (gating and "' needs" or "' forbids") .. " the decay input") end
  if delta ~= (beta ~= nil) then error("update_rule '" .. rule .. (delta and "' needs" or "' forbids") .. " the beta input") end
  local hq, hkv = node:attr("q_num_heads"), node:attr("kv_num_heads")
  if hq <= 0 or hkv <= 0 or hq % hkv ~= 0 then error("q_num_heads must be a positive multiple of kv_num_heads") end
  local q_shape, v_shape = q:shape(), v:shape()
  if q_shape == nil or #q_shape ~= 3 or v_shape == nil or #v_shape ~= 3 then
    error("LinearAttention needs 3-D query, key and value [batch, seq, heads * dim]")
  end
  local steps = q_shape[2]
  if steps < 0 then error("LinearAttention needs a static sequence length (the recurrence is unrolled)") end
  if q_shape[3] < 0 or v_shape[3] < 0 then error("LinearAttention needs static hidden sizes") end
  local dk, dv = q_shape[3] // hq, v_shape[3] // hkv
  local scale = node:attr("scale", 0.0)
  if scale == 0.0 then scale = 1 / math.sqrt(dk) end

  local q4, k4, v4 = heads_first(f32(q), hq), heads_first(f32(k), hkv), heads_first(f32(v), hkv)
  local decay4, beta4
  if decay ~= nil then
    local last = decay:shape() and decay:shape()[3] or -1
    if last == hkv then
      decay4 = remo.op("opset1.Transpose", {remo.op("opset1.Unsqueeze", {f32(decay), i64({3})}), i64({0, 2, 1, 3})})
    elseif last == hkv * dk then
      decay4 = heads_first(f32(decay), hkv)
    else
      error("decay must end in kv_num_heads or kv_num_heads * d_k values")
    end
  end
  if beta ~= nil then
    beta4 = remo.op("opset1.Transpose", {remo.op("opset1.Unsqueeze", {f32(beta), i64({3})}), i64({0, 2, 1, 3})})
  end

  local state
  if past ~= nil then
    state = f32(past)
  else
    -- zeros of [B, H_kv, d_k, d_v], shaped by the first step's outer product
    local outer = remo.op("opset1.MatMul", {step(k4, 0), step(v4, 0)}, {transpose_a = true, transpose_b = false})
    state = remo.op("opset1.Multiply", {outer, remo.const(0.0, "f32")})
  end
  local group = hq // hkv
  local outputs = {}
  for t = 0, steps - 1 do
    local k_t, v_t = step(k4, t), step(v4, t)
    if gating then
      local g = remo.op("opset1.Exp", {step(decay4, t)})                 -- [B, H, 1, 1 or d_k]
      state = remo.op("opset1.Multiply", {state, remo.op("opset1.Transpose", {g, i64({0, 1, 3, 2})})})
    end
    if delta then
      local retrieved = remo.op("opset1.MatMul", {k_t, state}, {transpose_a = false, transpose_b = false})
      v_t = remo.op("opset1.Multiply", {step(beta4, t), remo.op("opset1.Subtract", {v_t, retrieved})})
    end
    state = remo.op("opset1.Add", {state, remo.op("opset1.MatMul", {k_t, v_t}, {transpose_a = true, transpose_b = false})})
    local read = state
    if group > 1 then
      local tiled = remo.op("opset1.Tile", {remo.op("opset1.Unsqueeze", {state, i64({2})}), i64({1, 1, group, 1, 1})})
      read = remo.op("opset1.Reshape", {tiled, i64({0, hq, dk, dv})}, {special_zero = true})
    end
    local out = remo.op("opset1.MatMul", {step(q4, t), read}, {transpose_a = false, transpose_b = false})
    outputs[#outputs + 1] = remo.op("opset1.Multiply", {out, remo.const(scale, "f32")})
  end
  local y = #outputs == 1 and outputs[1] or remo.op("opset1.Concat", outputs, {axis = 2})
  y = remo.op("opset1.Transpose", {y, i64({0, 2, 1, 3})})
  y = remo.op("opset1.Reshape", {y, i64({0, 0, -1})}, {special_zero = true})
  if y:type() ~= q:type() then y = remo.op("opset1.Convert", {y}, {destination_type = q:type()}) end
  local state_type = past ~= nil and past:type() or q:type()
  if state:type() ~= state_type then state = remo.op("opset1.Convert", {state}, {destination_type = state_type}) end
  return y, state
end)
