-- Moves Transposes towards the outputs, through the ops that do not care about the order of
-- dimensions, so that pairs meet and cancel. A layout-changing frontend (TensorFlow's NHWC graphs
-- converted to NCHW) wraps every channels-last op in Transposes; once those are sunk through the
-- activations, bias additions and batch-norm arithmetic between two convolutions, each one meets
-- the next convolution's inverse Transpose and both disappear.
--
-- A Transpose T (constant order) is moved past each consumer that can take it:
-- - an elementwise unary op u:            u(T(x))       -> T(u(x))
-- - a FakeQuantize with constant ranges:  FQ(T(x), r...) -> T(FQ(x, r' ...)), ranges as for b below
-- - an elementwise binary op b whose other input is T'(y) with the same order, u(T(x)) for a unary
--   u (x * sigmoid(x)), or a constant c
--   (numpy broadcasting):                  b(T(x), T(y)) -> T(b(x, y)); b(T(x), c) -> T(b(x, c'))
--   where c' is c brought to full rank and transposed back (folded into a constant)
-- - another Transpose:                     T2(T(x))      -> one Transpose, or x when the orders cancel
-- - a Concat all of whose inputs carry the same Transpose: T(Concat(x1, x2...)) on the renamed axis
-- - a StridedSlice with constant bounds over every dimension (no new, shrunk or elided axes)
-- - a Pad with constant pads:            Pad(T(x), p)  -> T(Pad(x, p in x's order))
-- - a reduction with constant axes:        r(T(x), axes) -> r(x, order[axes]), then the order of
--   the dims that are left (nothing when those keep their relative order).
-- Moving T past all of them means T itself dies. A binary consumer that cannot take T yet does not
-- hold the others back: T stays for it, and usually follows once its other input carries T too.

-- Unary elementwise ops and the attributes they carry.
local UNARY = {
  ["opset1.Relu"] = {}, ["opset1.Sigmoid"] = {}, ["opset1.Tanh"] = {}, ["opset1.Sqrt"] = {},
  ["opset1.Exp"] = {}, ["opset1.Log"] = {}, ["opset1.Abs"] = {}, ["opset1.Negative"] = {},
  ["opset1.Floor"] = {}, ["opset1.Ceiling"] = {}, ["opset1.Erf"] = {},
  ["opset1.Clamp"] = {"min", "max"}, ["opset1.Elu"] = {"alpha"}, ["opset1.Convert"] = {"destination_type"},
  ["opset4.HSwish"] = {}, ["opset5.HSigmoid"] = {}, ["opset4.Mish"] = {}, ["opset4.SoftPlus"] = {},
  ["opset7.Gelu"] = {"approximation_mode"},
}
local BINARY = {
  ["opset1.Add"] = true, ["opset1.Subtract"] = true, ["opset1.Multiply"] = true, ["opset1.Divide"] = true,
  ["opset1.Maximum"] = true, ["opset1.Minimum"] = true, ["opset1.Power"] = true,
}
local REDUCE = {
  ["opset1.ReduceMean"] = true, ["opset1.ReduceSum"] = true, ["opset1.ReduceMax"] = true,
  ["opset1.ReduceMin"] = true, ["opset1.ReduceProd"] = true,
}

local function const_order(t)
  local order = t:input(2)
  if order:op() ~= "opset1.Constant" then return nil end
  return order:value()
end

local function same(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

local function inverse(order)
  local inv = {}
  for i = 1, #order do inv[order[i] + 1] = i - 1 end
  return inv
end

local function transpose(x, order)
  return remo.op("opset1.Transpose", {x, remo.const(order, "i64")})
end

-- Constant `c` seen with shape `full` and transposed by `perm`, as a new Constant, so the pattern
-- rules of this phase (weight folding) see a constant; a large one is left to constant folding.
local function transposed_constant(c, full, perm)
  local values = #full <= 8 and c:value() or nil
  if values == nil or c:type() == "boolean" then
    local reshaped = remo.op("opset1.Reshape", {c, remo.const(full, "i64")}, {special_zero = false})
    return transpose(reshaped, perm)
  end
  local n = #full
  local in_strides, out_shape = {}, {}
  local stride = 1
  for i = n, 1, -1 do in_strides[i] = stride; stride = stride * full[i] end
  for j = 1, n do out_shape[j] = full[perm[j] + 1] end
  local out, index = {}, {}
  for j = 1, n do index[j] = 0 end
  for k = 1, #values do
    local offset = 0
    for j = 1, n do offset = offset + index[j] * in_strides[perm[j] + 1] end
    out[k] = values[offset + 1]
    for j = n, 1, -1 do  -- next index of the output, last dimension fastest
      index[j] = index[j] + 1
      if index[j] < out_shape[j] then break end
      index[j] = 0
    end
  end
  return remo.const(out, c:type(), out_shape)
end

-- The replacement of consumer `c` (reading T(x) at `port`) with T moved past it, or nil when c
-- cannot take it. `build` is false to only ask whether it could.
local function sink_into(c, port, x, order, build)
  local op = c.op
  if UNARY[op] then
    if port ~= 1 then return nil end
    if not build then return true end
    local attrs = {}
    for _, name in ipairs(UNARY[op]) do attrs[name] = c:attr(name) end
    return transpose(remo.op(op, {x}, attrs, {fused_from = {c}}), order)
  end
  if BINARY[op] then
    if c:attr("auto_broadcast", "numpy") ~= "numpy" then return nil end
    local other = c:input(3 - port)
    local other_x
    local producer = other:node()
    if producer.op == "opset1.Transpose" then
      local o = const_order(producer)
      if o and same(o, order) then other_x = producer:input(1) end
    end
    -- b(T(x), u(T(x))), as in x * sigmoid(x): u moves along, as its own consumer T would.
    if other_x == nil and UNARY[producer.op] then
      local inner = producer:input(1):node()
      if inner.op == "opset1.Transpose" and inner:input(1) == x and same(const_order(inner) or {}, order) then
        if not build then return true end
        local attrs = {}
        for _, name in ipairs(UNARY[producer.op]) do attrs[name] = producer:attr(name) end
        other_x = remo.op(producer.op, {x}, attrs, {fused_from = {producer}})
      end
    end
    if other_x == nil and producer.op == "opset1.Constant" then
      local shape = other:shape()
      if shape == nil or #shape > #order then return nil end
      if not build then return true end
      local full = {}
      for i = 1, #order - #shape do full[i] = 1 end
      for i = 1, #shape do full[#full + 1] = shape[i] end
      other_x = transposed_constant(other, full, inverse(order))
    end
    if other_x == nil then return nil end
    if not build then return true end
    local inputs = port == 1 and {x, other_x} or {other_x, x}
    -- Divide's rounding of integers is its only attribute besides the broadcast rule.
    local attrs = op == "opset1.Divide" and {m_pythondiv = c:attr("m_pythondiv")} or {}
    return transpose(remo.op(op, inputs, attrs, {fused_from = {c}}), order)
  end
  -- FakeQuantize is elementwise once its four constant ranges are brought to x's order.
  if op == "opset1.FakeQuantize" then
    if port ~= 1 or c:attr("auto_broadcast", "numpy") ~= "numpy" then return nil end
    local fulls = {}
    for i = 2, 5 do
      local range = c:input(i)
      local shape = range:shape()
      if range:op() ~= "opset1.Constant" or shape == nil or #shape > #order then return nil end
      local full = {}
      for k = 1, #order - #shape do full[k] = 1 end
      for k = 1, #shape do full[#full + 1] = shape[k] end
      fulls[i] = full
    end
    if not build then return true end
    local inputs = {x}
    for i = 2, 5 do
      for j = 2, i - 1 do  -- the same range for input and output (usual): one constant
        if c:input(j) == c:input(i) then inputs[i] = inputs[j] end
      end
      inputs[i] = inputs[i] or transposed_constant(c:input(i), fulls[i], inverse(order))
    end
    return transpose(remo.op(op, inputs, {levels = c:attr("levels")}, {fused_from = {c}}), order)
  end
  if op == "opset1.Transpose" then
    local outer = const_order(c)
    if outer == nil or #outer ~= #order then return nil end
    if not build then return true end
    local composed, identity = {}, true
    for j = 1, #outer do
      composed[j] = order[outer[j] + 1]
      if composed[j] ~= j - 1 then identity = false end
    end
    if identity then return x end
    return transpose(x, composed)
  end
  if op == "opset1.Concat" then
    -- Every input must carry the same Transpose; the axis is renamed into x's order.
    local inputs = {}
    for i = 1, c:input_count() do
      local producer = c:input(i):node()
      if producer.op ~= "opset1.Transpose" then return nil end
      local o = const_order(producer)
      if o == nil or not same(o, order) then return nil end
      inputs[i] = producer:input(1)
    end
    if not build then return true end
    local axis = c:attr("axis")
    if axis < 0 then axis = axis + #order end
    return transpose(remo.op(op, inputs, {axis = order[axis + 1]}, {fused_from = {c}}), order)
  end
  if op == "opset1.StridedSlice" then
    -- Constant bounds with one entry per dimension and no axis added, removed or elided: each
    -- entry and mask bit moves to x's dimension.
    if port ~= 1 then return nil end
    for i = 2, 4 do
      local v = c:input(i)
      if v == nil or v:op() ~= "opset1.Constant" or v:shape() == nil or v:shape()[1] ~= #order then return nil end
    end
    for _, mask in ipairs({"new_axis_mask", "shrink_axis_mask", "ellipsis_mask"}) do
      for _, bit in ipairs(c:attr(mask, {})) do if bit ~= 0 then return nil end end
    end
    if not build then return true end
    local function permuted(list, fill)
      local out = {}
      for k = 1, #order do out[order[k] + 1] = list[k] or fill end
      return out
    end
    local inputs = {x}
    for i = 2, 4 do inputs[i] = remo.const(permuted(c:input(i):value()), c:input(i):type()) end
    local attrs = {begin_mask = permuted(c:attr("begin_mask", {}), 0), end_mask = permuted(c:attr("end_mask", {}), 0)}
    return transpose(remo.op(op, inputs, attrs, {fused_from = {c}}), order)
  end
  if op == "opset1.Pad" then
    -- Constant pads, given in T's output order, are permuted into x's.
    if port ~= 1 or c:input(2):op() ~= "opset1.Constant" or c:input(3):op() ~= "opset1.Constant" then return nil end
    if not build then return true end
    local b, e = c:input(2):value(), c:input(3):value()
    if #b ~= #order or #e ~= #order then return nil end
    local nb, ne = {}, {}
    for k = 1, #order do nb[order[k] + 1] = b[k]; ne[order[k] + 1] = e[k] end
    local inputs = {x, remo.const(nb, c:input(2):type()), remo.const(ne, c:input(3):type())}
    if c:input(4) ~= nil then inputs[4] = c:input(4) end
    return transpose(remo.op("opset1.Pad", inputs, {pad_mode = c:attr("pad_mode")}, {fused_from = {c}}), order)
  end
  if REDUCE[op] then
    if port ~= 1 or c:input(2):op() ~= "opset1.Constant" then return nil end
    if not build then return true end
    local reduced, axes = {}, {}
    for _, a in ipairs(c:input(2):value()) do
      if a < 0 then a = a + #order end
      reduced[a] = true
      axes[#axes + 1] = order[a + 1]
    end
    local keep = c:attr("keep_dims")
    local y = remo.op(op, {x, remo.const(axes, "i64")}, {keep_dims = keep}, {fused_from = {c}})
    if keep then return transpose(y, order) end
    -- The dims left, in T's output order, named by their position in x.
    local left = {}
    for k = 0, #order - 1 do if not reduced[k] then left[#left + 1] = order[k + 1] end end
    local sorted = {table.unpack(left)}
    table.sort(sorted)
    local rank_of, perm, identity = {}, {}, true
    for i, d in ipairs(sorted) do rank_of[d] = i - 1 end
    for j, d in ipairs(left) do
      perm[j] = rank_of[d]
      if perm[j] ~= j - 1 then identity = false end
    end
    if identity or #perm == 0 then return y end
    return transpose(y, perm)
  end
  return nil
end

-- A Constant, or a Reshape of one (as the binary case makes): folded at the end of the phase, so
-- moving its Transpose gains nothing and could move it back and forth with another.
local function is_constant(v)
  local op = v:op()
  if op == "opset1.Constant" then return true end
  return op == "opset1.Reshape" and v:node():input(1):op() == "opset1.Constant"
end

-- Moves one Transpose past all its consumers; returns whether it did.
local function sink(graph, t)
  local order = const_order(t)
  if order == nil or is_constant(t:input(1)) then return false end
  local consumers = t:consumers(1)
  if #consumers == 0 then return false end
  -- A binary op reading T at both ports is replaced once, through its first port. One whose other
  -- input is not ready yet (x * sigmoid(beta * x)) may be later, once the other consumers moved:
  -- T then stays for it meanwhile.
  local names, port = {}, {}
  for _, use in ipairs(consumers) do
    local name = use.node.name
    if sink_into(use.node, use.port, t:input(1), order, false) then
      if port[name] == nil then names[#names + 1] = name; port[name] = use.port end
    elseif not BINARY[use.node.op] then
      return false
    end
  end
  if #names == 0 then return false end
  local x = t:input(1)
  for _, name in ipairs(names) do
    local c = graph:node(name)
    graph:replace(c:output(1), sink_into(c, port[name], x, order, true))
    -- The other Transpose a binary op read may be left unused too.
    local others = {}
    for i = 1, c:input_count() do
      local v = c:input(i)
      if v ~= nil and v:op() == "opset1.Transpose" and v:node().name ~= t.name then others[#others + 1] = v:node().name end
    end
    graph:remove(c)
    for _, other in ipairs(others) do
      local o = graph:node(other)
      if o ~= nil and #o:consumers(1) == 0 then graph:remove(o) end
    end
  end
  if #t:consumers(1) == 0 then graph:remove(t) end
  return true
end

-- A Transpose of a Reshape that keeps the order of the dimensions larger than 1 only moves 1s
-- around, so the two are one Reshape (EfficientNet's squeeze-and-excite: [1,C] reshaped to
-- [1,1,1,C], then transposed into NCHW [1,C,1,1]). Done once nothing moves any more, so that it
-- never takes a Transpose that would have cancelled.
local function fold_into_reshape(graph, t)
  local order, x = const_order(t), t:input(1)
  local shape = x:shape()
  if order == nil or x:op() ~= "opset1.Reshape" or shape == nil or #shape ~= #order then return end
  local last, out = -1, {}
  for j, d in ipairs(order) do
    local size = shape[d + 1]
    if size < 0 then return end
    out[j] = size
    if size ~= 1 then
      if d < last then return end
      last = d
    end
  end
  local reshape = remo.op("opset1.Reshape", {x:node():input(1), remo.const(out, "i64")}, {special_zero = false},
                          {fused_from = {t}})
  graph:replace(t:output(1), reshape)
  graph:remove(t)
  if #x:consumers() == 0 then graph:remove(x:node()) end
end

remo.pass("transpose_sinking", "middle", function(graph)
  for _ = 1, 1000 do
    local moved = false
    local names = {}
    for _, t in ipairs(graph:nodes("opset1.Transpose")) do names[#names + 1] = t.name end
    for _, name in ipairs(names) do
      local t = graph:node(name)  -- nil once removed (moved, or the consumer of one that moved)
      if t ~= nil and t.op == "opset1.Transpose" and sink(graph, t) then moved = true end
    end
    if not moved then break end
  end
  for _, t in ipairs(graph:nodes("opset1.Transpose")) do fold_into_reshape(graph, t) end
end)
