-- Paddle's `rnn` op (paddle.nn.LSTM, GRU, SimpleRNN) -> one LSTMSequence-5, GRUSequence-5 or
-- RNNSequence-5 per layer.
--
-- The op is time-major: Input [T, N, I], Out [T, N, D*H] (D = 2 with is_bidirec, the forward
-- and backward halves side by side), PreState and State one tensor per state (h; h and c for LSTM)
-- of [L*D, N, H], layer after layer, direction within a layer. WeightList holds every layer's
-- and direction's weight_ih [G*H, in] and weight_hh [G*H, H] in that order, then their bias_ih and
-- bias_hh [G*H] in the same order. SequenceLength [N] (optional) stops each sequence early: steps
-- past it output 0 and the state is the one at the last valid step, as the opset ops do.
-- Gate blocks: Paddle's LSTM is i, f, c, o (the opset's f, i, c, o); its GRU is r, z, c with the
-- reset gate applied after the hidden matmul (linear_before_reset) and h = z*h' + (1-z)*c, the
-- opset's z, r, h. Between layers Paddle applies dropout only in training; is_test is ignored.
local util = require("paddle_util")

local function i64(v) return remo.const(v, "i64") end

local function transpose(x, order)
  return remo.op("opset1.Transpose", {x, i64(order)})
end

-- Splits `x` into `n` equal blocks along `axis` and concatenates them as `order` picks them.
local function reorder(x, axis, n, order)
  local parts = {remo.op("opset1.Split", {x, i64(axis)}, {num_splits = n})}
  local picked = {}
  for i = 1, n do picked[i] = parts[order[i]] end
  return remo.op("opset1.Concat", picked, {axis = axis})
end

-- mode -> the opset op, gate count, Paddle position of each opset gate block, state count and
-- activations.
local CELLS = {
  LSTM = {op = "opset5.LSTMSequence", gates = 4, order = {2, 1, 3, 4}, states = 2, acts = {"sigmoid", "tanh", "tanh"}},
  GRU = {op = "opset5.GRUSequence", gates = 3, order = {2, 1, 3}, states = 1, acts = {"sigmoid", "tanh"}},
  RNN_TANH = {op = "opset5.RNNSequence", gates = 1, order = {1}, states = 1, acts = {"tanh"}},
  RNN_RELU = {op = "opset5.RNNSequence", gates = 1, order = {1}, states = 1, acts = {"relu"}},
}

-- One direction's weights as the opset wants them: W [1, G*H, in], R [1, G*H, H], B [1, G*H]
-- (GRU: [1, 4*H], the hidden bias of the candidate apart).
local function direction_weights(cell, hidden, w_ih, w_hh, b_ih, b_hh)
  local function unsq(v) return remo.op("opset1.Unsqueeze", {v, i64({0})}) end
  local w = reorder(w_ih, 0, cell.gates, cell.order)
  local r = reorder(w_hh, 0, cell.gates, cell.order)
  local b
  if cell.gates == 3 then
    local bi = {remo.op("opset1.Split", {b_ih, i64(0)}, {num_splits = 3})}
    local bh = {remo.op("opset1.Split", {b_hh, i64(0)}, {num_splits = 3})}
    -- z and r biases add up; the candidate's input and hidden biases stay apart.
    b = remo.op("opset1.Concat", {remo.op("opset1.Add", {bi[2], bh[2]}), remo.op("opset1.Add", {bi[1], bh[1]}),
                                  bi[3], bh[3]}, {axis = 0})
  else
    b = reorder(remo.op("opset1.Add", {b_ih, b_hh}), 0, cell.gates, cell.order)
  end
  return unsq(w), unsq(r), unsq(b)
end

-- Rows [from, to) of the states tensor [L*D, N, H], as the opset's [N, D, H].
local function state_rows(s, from, to)
  local rows = remo.op("opset8.Slice", {s, i64({from}), i64({to}), i64({1}), i64({0})})
  return transpose(rows, {1, 0, 2})
end

remo.translate("paddle.rnn", function(node)
  local mode = node:attr("mode", "LSTM")
  local cell = CELLS[mode]
  if cell == nil then error("rnn: mode '" .. mode .. "' is not one of LSTM, GRU, RNN_TANH, RNN_RELU") end
  local x = util.required(node, "Input")
  if util.rank(x, "rnn") ~= 3 then error("rnn: Input must have rank 3 [time, batch, input], got rank " .. x:rank()) end
  local hidden = node:attr("hidden_size")
  local layers = node:attr("num_layers", 1)
  local dirs = node:attr("is_bidirec", false) and 2 or 1
  local weights = util.inputs(node, "WeightList")
  local units = layers * dirs
  if #weights ~= 4 * units then
    error("rnn: WeightList has " .. #weights .. " tensors, expected " .. 4 * units .. " (weight_ih, weight_hh per layer and direction, then their biases)")
  end
  local pre = util.inputs(node, "PreState")
  if #pre ~= cell.states then
    error("rnn: mode " .. mode .. " needs " .. cell.states .. " PreState tensors, got " .. #pre)
  end
  for k, w in ipairs(weights) do
    local shape = w:shape()
    local want_rank = k <= 2 * units and 2 or 1
    if shape == nil or #shape ~= want_rank or shape[1] ~= cell.gates * hidden then
      error("rnn: WeightList tensor " .. k .. " must have " .. cell.gates * hidden .. " rows (" .. cell.gates ..
            " gates of hidden_size " .. hidden .. "); projected LSTMs (proj_size) are not supported")
    end
  end

  -- Batch-first input; a full-length sequence_lengths when SequenceLength is absent.
  local seq = transpose(x, {1, 0, 2})
  local lens = util.input(node, "SequenceLength")
  local shape = remo.op("opset3.ShapeOf", {seq}, {output_type = "i64"})
  local batch = remo.op("opset8.Gather", {shape, i64({0}), i64(0)})
  if lens == nil then
    local steps = remo.op("opset8.Gather", {shape, i64({1}), i64(0)})
    lens = remo.op("opset3.Broadcast", {remo.op("opset1.Convert", {steps}, {destination_type = "i32"}), batch})
  end

  local direction = dirs == 2 and "bidirectional" or "forward"
  local finals = {}
  for s = 1, cell.states do finals[s] = {} end
  local y
  for l = 0, layers - 1 do
    local ws, rs, bs = {}, {}, {}
    for d = 0, dirs - 1 do
      local u = l * dirs + d  -- unit index: the order of WeightList and of the state rows
      ws[d + 1], rs[d + 1], bs[d + 1] = direction_weights(cell, hidden, weights[2 * u + 1], weights[2 * u + 2],
                                                          weights[2 * units + 2 * u + 1], weights[2 * units + 2 * u + 2])
    end
    local function join(list) return #list == 1 and list[1] or remo.op("opset1.Concat", list, {axis = 0}) end
    local inputs = {seq}
    for s = 1, cell.states do inputs[#inputs + 1] = state_rows(pre[s], l * dirs, (l + 1) * dirs) end
    inputs[#inputs + 1] = lens
    inputs[#inputs + 1] = join(ws)
    inputs[#inputs + 1] = join(rs)
    inputs[#inputs + 1] = join(bs)
    local attrs = {hidden_size = hidden, direction = direction, activations = cell.acts,
                   activations_alpha = {}, activations_beta = {}, clip = 0.0}
    if mode == "GRU" then attrs.linear_before_reset = true end
    local outs = {remo.op(cell.op, inputs, attrs)}
    -- Y [N, D, T, H] -> [N, T, D*H], the next layer's batch-first input.
    y = remo.op("opset1.Reshape", {transpose(outs[1], {0, 2, 1, 3}), i64({0, 0, dirs * hidden})}, {special_zero = true})
    seq = y
    for s = 1, cell.states do finals[s][#finals[s] + 1] = transpose(outs[s + 1], {1, 0, 2}) end
  end
  local out = transpose(y, {1, 0, 2})
  local states = {}
  for s = 1, cell.states do
    states[s] = #finals[s] == 1 and finals[s][1] or remo.op("opset1.Concat", finals[s], {axis = 0})
  end
  return util.outputs(node, {Out = out, State = states})
end)
