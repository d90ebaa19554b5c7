-- ONNX LSTM, GRU and RNN (opsets 7-22) -> LSTMSequence-5, GRUSequence-5, RNNSequence-5, or the
-- step-by-step form of onnx_rnn_unroll for peepholes, input_forget and other activations.
-- The opset ops are batch-first: X [batch, seq, input], states [batch, dirs, hidden],
-- Y [batch, dirs, seq, hidden]. ONNX's default layout 0 is sequence-first (X [seq, batch, input],
-- states [dirs, batch, hidden], Y [seq, dirs, batch, hidden]); layout 1 (opset 14) is X [batch, seq,
-- input], states [batch, dirs, hidden], Y [batch, seq, dirs, hidden]. Gate blocks of W, R and B are
-- reordered where the two orders differ (LSTM: ONNX i,o,f,c -> f,i,c,o; GRU and RNN: the same
-- z,r,h and single-gate orders), and ONNX's separate W and R biases are summed.
local util = require("onnx_util")
local unroll = require("onnx_rnn_unroll")

-- ONNX activation names the opset ops implement; the others are refused with the node named.
local ACTIVATIONS = {Sigmoid = "sigmoid", Tanh = "tanh", Relu = "relu"}

-- Cell descriptions: ONNX gate order -> position of each opset gate block in ONNX's order.
local CELLS = {
  LSTM = {op = "opset5.LSTMSequence", gates = 4, order = {3, 1, 4, 2}, states = 2,
          acts = {"Sigmoid", "Tanh", "Tanh"}},
  GRU = {op = "opset5.GRUSequence", gates = 3, order = {1, 2, 3}, states = 1, acts = {"Sigmoid", "Tanh"}},
  RNN = {op = "opset5.RNNSequence", gates = 1, order = {1}, states = 1, acts = {"Tanh"}},
}

local function transpose(x, order)
  return remo.op("opset1.Transpose", {x, remo.const(order, "i64")})
end

-- Dimension `axis` of `x` as a 1-element i64 tensor: a constant when static.
local function dim(x, axis)
  local shape = x:shape()
  if shape and shape[axis + 1] >= 0 then return remo.const({shape[axis + 1]}, "i64") end
  return remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}),
                                   remo.const({axis}, "i64"), remo.const(0, "i64")}, {batch_dims = 0})
end

-- Splits `x` into `n` equal blocks along `axis` and concatenates them as `order` picks them
-- (1-based positions in the source order).
local function reorder_blocks(x, axis, n, order)
  if n == 1 then return x end
  local identity = true
  for i = 1, n do identity = identity and order[i] == i end
  if identity then return x end
  local parts = {remo.op("opset1.Split", {x, remo.const(axis, "i64")}, {num_splits = n})}
  local picked = {}
  for i = 1, n do picked[i] = parts[order[i]] end
  return remo.op("opset1.Concat", picked, {axis = axis})
end

-- The ONNX activation names of each direction, and whether the sequence ops implement them all.
local function activations(node, cell, dirs)
  local given = node:attr("activations", nil)
  local per = #cell.acts
  if given and #given ~= per * dirs then
    error("activations lists " .. #given .. " functions, expected " .. per * dirs)
  end
  local lists, mappable = {}, true
  for d = 1, dirs do
    local list = {}
    for k = 1, per do
      local name = given and given[(d - 1) * per + k] or cell.acts[k]
      if not unroll.supported(name) then error("activation '" .. name .. "' is not an ONNX recurrent activation") end
      mappable = mappable and ACTIVATIONS[name] ~= nil
      list[k] = name
    end
    lists[d] = list
  end
  return lists, mappable
end

local function opset_names(list)
  local out = {}
  for k, name in ipairs(list) do out[k] = ACTIVATIONS[name] end
  return out
end

local function same(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

-- Y [batch, dirs, seq, hidden] and the states [batch, dirs, hidden] in the ONNX layout.
local function finish(outs, layout)
  local results = {transpose(outs[1], layout == 0 and {2, 1, 0, 3} or {0, 2, 1, 3})}
  for k = 2, #outs do results[k] = layout == 0 and transpose(outs[k], {1, 0, 2}) or outs[k] end
  return table.unpack(results)
end

local function translate(kind)
  local cell = CELLS[kind]
  return function(node)
    local x, w, r, b = node:input(1), node:input(2), node:input(3), node:input(4)
    local lens, h0 = node:input(5), node:input(6)
    local c0, p = node:input(7), node:input(8)
    local direction = node:attr("direction", "forward")
    if direction ~= "forward" and direction ~= "reverse" and direction ~= "bidirectional" then
      error("direction '" .. direction .. "' is not one of forward, reverse, bidirectional")
    end
    local dirs = direction == "bidirectional" and 2 or 1
    local layout = node.opset >= 14 and node:attr("layout", 0) or 0
    if layout ~= 0 and layout ~= 1 then error("layout must be 0 or 1, got " .. tostring(layout)) end
    -- What LSTMSequence-5 cannot express is written out step by step (onnx_rnn_unroll).
    local input_forget = kind == "LSTM" and node:attr("input_forget", 0) ~= 0
    if kind == "LSTM" and p ~= nil then
      local pv = p:value()
      local zero = pv ~= nil
      if pv then for _, v in ipairs(pv) do zero = zero and v == 0 end end
      if zero then p = nil end  -- all-zero peepholes change nothing
    end
    local acts, mappable = activations(node, cell, dirs)
    local why_unroll = (p ~= nil and "peephole weights P") or (input_forget and "input_forget")
      or (not mappable and "activations other than Sigmoid, Tanh and Relu") or nil
    local hidden = node:attr("hidden_size", nil)
    if hidden == nil then
      local rshape = r:shape()
      if rshape == nil or rshape[3] == nil or rshape[3] < 0 then
        error("hidden_size is not given and R has no static last dimension to take it from")
      end
      hidden = rshape[3]
    end
    local etype = x:type()
    if util.rank(x, kind) ~= 3 then error("X must have rank 3, got rank " .. x:rank()) end

    -- Batch-first X and states.
    if layout == 0 then x = transpose(x, {1, 0, 2}) end
    local batch = dim(x, 0)
    local function state(v)
      if v == nil then
        local shape = remo.op("opset1.Concat", {batch, remo.const({dirs, hidden}, "i64")}, {axis = 0})
        return remo.op("opset3.Broadcast", {remo.const(0, etype), shape})
      end
      if layout == 0 then return transpose(v, {1, 0, 2}) end
      return v
    end
    local states = {state(h0)}
    if cell.states == 2 then states[2] = state(c0) end
    local clip = node:attr("clip", 0.0)
    local outs
    if why_unroll then
      local xshape = x:shape()
      if xshape[2] < 0 then
        error(why_unroll .. " need the step-by-step form, which needs a sequence length known at conversion time")
      end
      outs = unroll.run({kind = kind, hidden = hidden, seq = xshape[2], dirs = dirs, direction = direction,
                         acts = acts, alphas = node:attr("activation_alpha", {}), betas = node:attr("activation_beta", {}),
                         clip = clip, lbr = kind == "GRU" and node:attr("linear_before_reset", 0) ~= 0,
                         input_forget = input_forget}, x, states, lens, w, r, b, p)
      return finish(outs, layout)
    end
    if lens == nil then
      lens = remo.op("opset3.Broadcast", {dim(x, 1), batch})
    end

    -- Weights in the opset's gate order; biases summed (GRU with linear_before_reset keeps R's h bias apart).
    local lbr = kind == "GRU" and node:attr("linear_before_reset", 0) ~= 0
    w = reorder_blocks(w, 1, cell.gates, cell.order)
    r = reorder_blocks(r, 1, cell.gates, cell.order)
    local bias
    if b == nil then
      local len = (lbr and cell.gates + 1 or cell.gates) * hidden
      bias = remo.op("opset3.Broadcast", {remo.const(0, etype), remo.const({dirs, len}, "i64")})
    else
      local wb, rb = remo.op("opset1.Split", {b, remo.const(1, "i64")}, {num_splits = 2})
      if lbr then
        local wp = {remo.op("opset1.Split", {wb, remo.const(1, "i64")}, {num_splits = 3})}
        local rp = {remo.op("opset1.Split", {rb, remo.const(1, "i64")}, {num_splits = 3})}
        bias = remo.op("opset1.Concat", {remo.op("opset1.Add", {wp[1], rp[1]}), remo.op("opset1.Add", {wp[2], rp[2]}),
                                         wp[3], rp[3]}, {axis = 1})
      else
        bias = reorder_blocks(remo.op("opset1.Add", {wb, rb}), 1, cell.gates, cell.order)
      end
    end

    acts = {opset_names(acts[1]), acts[2] and opset_names(acts[2]) or nil}
    local attrs = {
      hidden_size = hidden,
      clip = clip,
      activations_alpha = node:attr("activation_alpha", {}),
      activations_beta = node:attr("activation_beta", {}),
    }
    if kind == "GRU" then attrs.linear_before_reset = lbr end
    local function run(dir_name, act, xs, st, ws, rs, bs)
      local a = {}
      for k, v in pairs(attrs) do a[k] = v end
      a.direction = dir_name
      a.activations = act
      local inputs = {xs}
      for _, s in ipairs(st) do inputs[#inputs + 1] = s end
      for _, v in ipairs({lens, ws, rs, bs}) do inputs[#inputs + 1] = v end
      return {remo.op(cell.op, inputs, a)}
    end

    if dirs == 1 or same(acts[1], acts[2]) then
      outs = run(direction, acts[1], x, states, w, r, bias)
    else
      -- Each direction has its own activations: one sequence op per direction, joined on the
      -- directions axis.
      local function half(v, i, axis)  -- direction i of v, keeping the directions axis
        return remo.op("opset8.Slice", {v, remo.const({i}, "i64"), remo.const({i + 1}, "i64"), remo.const({1}, "i64"),
                                        remo.const({axis}, "i64")})
      end
      local parts = {}
      for d = 1, 2 do
        local st = {}
        for k, s in ipairs(states) do st[k] = half(s, d - 1, 1) end
        parts[d] = run(d == 1 and "forward" or "reverse", acts[d], x, st, half(w, d - 1, 0), half(r, d - 1, 0),
                       half(bias, d - 1, 0))
      end
      outs = {}
      for k = 1, #parts[1] do outs[k] = remo.op("opset1.Concat", {parts[1][k], parts[2][k]}, {axis = 1}) end
    end

    return finish(outs, layout)
  end
end

remo.translate("onnx.LSTM", translate("LSTM"))
remo.translate("onnx.GRU", translate("GRU"))
remo.translate("onnx.RNN", translate("RNN"))
