-- ONNX LSTM/GRU/RNN written out step by step (MatMul, Add and activations per time step) for what
-- the opset-5 sequence ops cannot express: LSTM peepholes (P) and input_forget, and activations
-- other than Sigmoid, Tanh and Relu. Needs a sequence length known at conversion time.
-- Works batch-first: X [batch, seq, input], states [batch, dirs, hidden]; W, R, B in ONNX layout
-- and gate order. Returns Y [batch, dirs, seq, hidden] and the final states [batch, dirs, hidden].
local unroll = {}

local function c(v, t) return remo.const(v, t) end
local function op(name, inputs, attrs) return remo.op(name, inputs, attrs or {}) end
local function add(a, b) return op("opset1.Add", {a, b}) end
local function mul(a, b) return op("opset1.Multiply", {a, b}) end

-- The activation functions of ONNX's recurrent ops; alpha and beta already resolved.
local FUNCTIONS = {
  Sigmoid = function(x) return op("opset1.Sigmoid", {x}) end,
  Tanh = function(x) return op("opset1.Tanh", {x}) end,
  Relu = function(x) return op("opset1.Relu", {x}) end,
  Affine = function(x, t, a, b) return add(mul(x, c(a, t)), c(b, t)) end,
  LeakyRelu = function(x, t, a)
    return op("opset1.Select", {op("opset1.Less", {x, c(0, t)}), mul(x, c(a, t)), x})
  end,
  ThresholdedRelu = function(x, t, a) return op("opset1.Select", {op("opset1.Greater", {x, c(a, t)}), x, c(0, t)}) end,
  ScaledTanh = function(x, t, a, b) return mul(op("opset1.Tanh", {mul(x, c(b, t))}), c(a, t)) end,
  HardSigmoid = function(x, t, a, b) return op("opset1.Clamp", {add(mul(x, c(a, t)), c(b, t))}, {min = 0, max = 1}) end,
  Elu = function(x, t, a) return op("opset1.Elu", {x}, {alpha = a}) end,
  Softsign = function(x, t) return op("opset1.Divide", {x, add(op("opset1.Abs", {x}), c(1, t))}) end,
  Softplus = function(x) return op("opset4.SoftPlus", {x}) end,
}
-- ONNX's defaults of alpha and beta for the functions that take them.
local ALPHA = {Affine = 1.0, LeakyRelu = 0.01, ThresholdedRelu = 1.0, ScaledTanh = 1.0, HardSigmoid = 0.2, Elu = 1.0}
local BETA = {Affine = 0.0, ScaledTanh = 1.0, HardSigmoid = 0.5}

-- One list of functions per direction (`lists` holds the names); activation_alpha/beta are
-- consumed in order, across directions, by the functions that take them.
function unroll.functions(lists, alphas, betas, t)
  local all, ai, bi = {}, 1, 1
  for d, names in ipairs(lists) do
    local fns = {}
    all[d] = fns
    for k, name in ipairs(names) do
      local f = FUNCTIONS[name]
      if not f then error("activation '" .. name .. "' is not an ONNX recurrent activation") end
      local a, b
      if ALPHA[name] then
        a = alphas[ai] or ALPHA[name]
        ai = ai + 1
      end
      if BETA[name] then
        b = betas[bi] or BETA[name]
        bi = bi + 1
      end
      fns[k] = function(x) return f(x, t, a, b) end
    end
  end
  return all
end

function unroll.supported(name) return FUNCTIONS[name] ~= nil end

local function take(v, index, axis)  -- v[index] along axis, that axis removed
  return op("opset8.Gather", {v, c(index, "i64"), c(axis, "i64")}, {batch_dims = 0})
end

local function split(v, n, axis)
  if n == 1 then return {v} end
  return {op("opset1.Split", {v, c(axis, "i64")}, {num_splits = n})}
end

local function seq_range(n)
  local r = {}
  for i = 1, n do r[i] = i - 1 end
  return r
end

-- For each batch row, the time index read at step s: s reversed within the row's length
-- (positions past the length stay where they are). Gathering with it twice is the identity.
local function reverse_indices(seq, lens, batch_rows)
  local steps = op("opset1.Unsqueeze", {c(seq_range(seq), "i64"), c({0}, "i64")})  -- [1, S]
  local len = op("opset1.Unsqueeze", {lens, c({1}, "i64")})                        -- [B, 1]
  local flipped = op("opset1.Subtract", {op("opset1.Subtract", {len, c(1, "i64")}), steps})
  local idx = op("opset1.Select", {op("opset1.Less", {steps, len}), flipped, steps})
  return op("opset3.Broadcast", {idx, batch_rows})
end

-- spec: {kind, hidden, seq, dirs, acts = {per direction: list of names}, alphas, betas, clip,
-- lbr, input_forget}; x [B, S, I]; states {h [B, D, H], c}; lens [B] i64 or nil; w, r, b (b may be
-- nil); p (LSTM peepholes, may be nil).
function unroll.run(spec, x, states, lens, w, r, b, p)
  local t = x:type()
  local G = ({LSTM = 4, GRU = 3, RNN = 1})[spec.kind]
  local H, S = spec.hidden, spec.seq
  local batch_dims = op("opset8.Gather", {op("opset3.ShapeOf", {x}, {output_type = "i64"}), c({0}, "i64"), c(0, "i64")},
                        {batch_dims = 0})
  local lens64 = lens and op("opset1.Convert", {lens}, {destination_type = "i64"}) or nil
  local function clip(v)
    if spec.clip and spec.clip > 0 then return op("opset1.Clamp", {v}, {min = -spec.clip, max = spec.clip}) end
    return v
  end
  local ys, finals = {}, {}
  local functions = unroll.functions(spec.acts, spec.alphas, spec.betas, t)
  for d = 0, spec.dirs - 1 do
    local reverse = spec.direction == "reverse" or (spec.direction == "bidirectional" and d == 1)
    local fns = functions[d + 1]
    local wd, rd = take(w, d, 0), take(r, d, 0)  -- [G*H, I], [G*H, H]
    local wb, rb
    if b then wb, rb = table.unpack(split(take(b, d, 0), 2, 0)) end
    local xs = x
    local order
    if reverse and lens64 then
      order = reverse_indices(S, lens64, op("opset1.Concat", {batch_dims, c({S}, "i64")}, {axis = 0}))
      xs = op("opset8.Gather", {x, order, c(1, "i64")}, {batch_dims = 1})
    end
    local xw = op("opset1.MatMul", {xs, wd}, {transpose_b = true})  -- [B, S, G*H]
    if wb then xw = add(xw, wb) end
    local h = take(states[1], d, 1)
    local cell = states[2] and take(states[2], d, 1) or nil
    local pi, po, pf
    if p then pi, po, pf = table.unpack(split(take(p, d, 0), 3, 0)) end
    local rgates = split(rd, G, 0)  -- each [H, H]
    local rbias = rb and split(rb, G, 0) or {}
    local outs = {}
    for step = 0, S - 1 do
      local ti = (reverse and not lens64) and (S - 1 - step) or step
      local xg = split(take(xw, ti, 1), G, 1)  -- each [B, H]
      local function hr(k, state)
        local v = op("opset1.MatMul", {state, rgates[k]}, {transpose_b = true})
        if rbias[k] then v = add(v, rbias[k]) end
        return v
      end
      local new_h, new_c
      if spec.kind == "RNN" then
        new_h = fns[1](clip(add(xg[1], hr(1, h))))
      elseif spec.kind == "LSTM" then
        local pre_i, pre_o, pre_f, pre_c = add(xg[1], hr(1, h)), add(xg[2], hr(2, h)), add(xg[3], hr(3, h)), add(xg[4], hr(4, h))
        if p then
          pre_i = add(pre_i, mul(pi, cell))
          pre_f = add(pre_f, mul(pf, cell))
        end
        local i = fns[1](clip(pre_i))
        local f = spec.input_forget and op("opset1.Subtract", {c(1, t), i}) or fns[1](clip(pre_f))
        new_c = add(mul(f, cell), mul(i, fns[2](clip(pre_c))))
        if p then pre_o = add(pre_o, mul(po, new_c)) end
        new_h = mul(fns[1](clip(pre_o)), fns[3](new_c))
      else
        local z = fns[1](clip(add(xg[1], hr(1, h))))
        local rr = fns[1](clip(add(xg[2], hr(2, h))))
        local pre
        if spec.lbr then pre = add(xg[3], mul(rr, hr(3, h))) else pre = add(xg[3], hr(3, mul(rr, h))) end
        local cand = fns[2](clip(pre))
        new_h = add(mul(op("opset1.Subtract", {c(1, t), z}), cand), mul(z, h))
      end
      local y = new_h
      if lens64 then
        -- Steps past a row's length keep its state and output zeros.
        local valid = op("opset1.Unsqueeze", {op("opset1.Less", {c(step, "i64"), lens64}), c({1}, "i64")})
        new_h = op("opset1.Select", {valid, new_h, h})
        if new_c then new_c = op("opset1.Select", {valid, new_c, cell}) end
        y = op("opset1.Select", {valid, y, c(0, t)})
      end
      h, cell = new_h, new_c
      outs[ti + 1] = op("opset1.Unsqueeze", {y, c({1}, "i64")})
    end
    local yd = S == 1 and outs[1] or op("opset1.Concat", outs, {axis = 1})  -- [B, S, H]
    if order then yd = op("opset8.Gather", {yd, order, c(1, "i64")}, {batch_dims = 1}) end
    ys[#ys + 1] = op("opset1.Unsqueeze", {yd, c({1}, "i64")})
    finals[#finals + 1] = {op("opset1.Unsqueeze", {h, c({1}, "i64")}),
                           cell and op("opset1.Unsqueeze", {cell, c({1}, "i64")}) or nil}
  end
  local function join(list) return #list == 1 and list[1] or op("opset1.Concat", list, {axis = 1}) end
  local results = {join(ys)}
  local hs, cs = {}, {}
  for _, f in ipairs(finals) do
    hs[#hs + 1] = f[1]
    cs[#cs + 1] = f[2]
  end
  results[2] = join(hs)
  if #cs > 0 then results[3] = join(cs) end
  return results
end

return unroll
