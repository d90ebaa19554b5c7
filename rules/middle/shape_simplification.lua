-- The rewrites of shape_simplification.json (middle phase, after common_subexpressions has
-- merged duplicate ShapeOf nodes), and two passes of the back phase over what they leave: Concat
-- parts, then Reshape targets.

local function const_i64(values)
  return remo.const(values, "i64", {#values})
end

-- The gathered dims of x when all are static, else nil.
remo.rewrite("fold_static_dims_of_shape", function(m)
  local dims = m.x:shape()
  local indices = m.indices:value()
  if not dims or not indices then return nil, "the rank of x or the indices are unknown" end
  local out = {}
  for k, i in ipairs(indices) do
    if i < 0 then i = i + #dims end
    local d = dims[i + 1]
    if d == nil or d < 0 then return nil, "dim " .. i .. " of x is dynamic" end
    out[k] = d
  end
  local shape = m.indices:shape()
  return remo.const(out, m.shape:type(), shape)
end)

remo.rewrite("unsqueeze_gathered_dim", function(m)
  local axes = m.axes:value()
  if #axes ~= 1 or (axes[1] ~= 0 and axes[1] ~= -1) then return nil, "not an unsqueeze to a 1-D value" end
  local gather = m.nodes.dim
  local attrs = gather.op == "opset1.Gather" and {} or {batch_dims = gather:attr("batch_dims")}
  return remo.op(gather.op, {m.shape, const_i64(m.index:value()), m.axis}, attrs, {fused_from = {gather}})
end)

-- What a 1-D Concat part is: {kind = "const", values = {...}} when known, {kind = "dims", data = Value,
-- op, indices = {...}} when it gathers dims of one shape with constant indices, else nil.
local function describe_part(v)
  if v:rank() ~= 1 then return nil end
  local values = v:value()
  if values then return {kind = "const", values = values, type = v:type()} end
  local op = v:op()
  if op == "opset1.Gather" or op == "opset7.Gather" or op == "opset8.Gather" then
    local g = v:node()
    local indices, axis = g:input(2):value(), g:input(3):value()
    if indices and axis and axis[1] == 0 and g:input(2):rank() == 1 and g:input(1):rank() == 1 then
      return {kind = "dims", data = g:input(1), op = op, node = g, indices = indices}
    end
  end
  return nil
end

local function append(list, more)
  for _, x in ipairs(more) do list[#list + 1] = x end
end

-- Concat along axis 0 of 1-D parts: neighbouring constants become one constant, neighbouring
-- gathers from the same shape become one gather. The shape sub-graphs exporters write shrink to a
-- Gather or two.
remo.pass("merge_shape_concat_parts", "back", function(graph)
  for _, concat in ipairs(graph:nodes("opset1.Concat")) do
    local out = concat:output(1)
    if out:rank() == 1 then
      local runs = {}
      for i = 1, concat:input_count() do
        local v = concat:input(i)
        local part = describe_part(v) or {kind = "other", value = v}
        local last = runs[#runs]
        if last and part.kind == "const" and last.kind == "const" and last.type == part.type then
          append(last.values, part.values)
          last.merged = true
        elseif last and part.kind == "dims" and last.kind == "dims" and last.data == part.data and last.op == part.op then
          append(last.indices, part.indices)
          last.merged = true
          last.fused[#last.fused + 1] = part.node
        else
          if part.kind == "dims" then part.fused = {part.node} end
          part.value = part.value or v
          runs[#runs + 1] = part
        end
      end
      if #runs < concat:input_count() then
        local inputs = {}
        for _, run in ipairs(runs) do
          if run.merged and run.kind == "const" then
            inputs[#inputs + 1] = remo.const(run.values, run.type, {#run.values})
          elseif run.merged then
            local attrs = run.op == "opset1.Gather" and {} or {batch_dims = 0}
            inputs[#inputs + 1] = remo.op(run.op, {run.data, const_i64(run.indices), const_i64({0})}, attrs,
                                          {fused_from = run.fused})
          else
            inputs[#inputs + 1] = run.value
          end
        end
        local merged = #inputs == 1 and inputs[1] or remo.op("opset1.Concat", inputs, {axis = 0}, {fused_from = {concat}})
        graph:replace(out, merged)
      end
    end
  end
end)

-- Ops whose output dim i is their first input's dim i.
local SAME_SHAPE = {}
for _, op in ipairs({"opset1.Relu", "opset1.Sigmoid", "opset1.Tanh", "opset1.Exp", "opset1.Log", "opset1.Sqrt",
                     "opset1.Abs", "opset1.Negative", "opset1.Erf", "opset1.Clamp", "opset1.Convert",
                     "opset2.Gelu", "opset7.Gelu", "opset4.Swish", "opset4.HSwish", "opset5.HSigmoid",
                     "opset4.Mish", "opset4.SoftPlus", "opset1.Softmax", "opset8.Softmax", "opset6.MVN"}) do
  SAME_SHAPE[op] = true
end
local BROADCASTING = {}
for _, op in ipairs({"opset1.Add", "opset1.Subtract", "opset1.Multiply", "opset1.Divide", "opset1.Maximum",
                     "opset1.Minimum", "opset1.Power", "opset1.Equal", "opset1.Less", "opset1.Greater"}) do
  BROADCASTING[op] = true
end

-- Follows dim i (from 0) of v back through ops that pass it on unchanged, and returns the value
-- and dim it comes from. Two dims with the same origin are equal whatever the inputs' shapes.
local function dim_origin(v, i)
  for _ = 1, 64 do
    local n = v:node()
    local op, rank = n.op, v:rank()
    if not rank then break end
    if SAME_SHAPE[op] then
      v = n:input(1)
    elseif op == "opset1.Transpose" then
      local perm = n:input(2):value()
      if not perm then break end
      v, i = n:input(1), perm[i + 1]
    elseif op == "opset8.Slice" then
      local axes = n:input(5) and n:input(5):value()
      if not axes then break end
      for _, a in ipairs(axes) do
        if (a < 0 and a + rank or a) == i then return v, i end
      end
      v = n:input(1)
    elseif BROADCASTING[op] then
      -- The dim comes from the operand that has it at full size, the other having 1 (or no dim) there.
      local a, b = n:input(1), n:input(2)
      local ra, rb = a:rank(), b:rank()
      if not ra or not rb then break end
      local da = ra - rank + i >= 0 and a:shape()[ra - rank + i + 1] or 1
      local db = rb - rank + i >= 0 and b:shape()[rb - rank + i + 1] or 1
      if db == 1 and ra == rank then
        v = a
      elseif da == 1 and rb == rank then
        v = b
      else
        break
      end
    elseif op == "opset1.MatMul" and not n:attr("transpose_a") and rank >= 2 and i == rank - 2 and n:input(1):rank() == rank then
      v = n:input(1)
    elseif op == "opset1.Reshape" and n:attr("special_zero") then
      local target = n:input(2):value()
      if not target or target[i + 1] ~= 0 then break end
      v = n:input(1)
    else
      break
    end
  end
  return v, i
end

-- Whether dim i of a equals dim j of b by construction.
local function same_dim(a, i, b, j)
  local va, ia = dim_origin(a, i)
  local vb, ib = dim_origin(b, j)
  return va == vb and ia == ib
end

-- Reshape whose target shape is computed: every entry that repeats the input's dim at the same
-- position becomes 0 (special_zero), and when a single entry is still unknown it becomes -1. A
-- target that turns fully constant frees the Reshape from its shape sub-graph. (-1 is inferred
-- from the element count, which is the computed dim unless another dim is 0: empty tensors.)
remo.pass("constant_reshape_targets", "back", function(graph)
  for _, reshape in ipairs(graph:nodes("opset1.Reshape")) do
    local x, target = reshape:input(1), reshape:input(2)
    if not target:value() and target:rank() == 1 and target:shape()[1] >= 0 then
      local parts = {}
      if target:op() == "opset1.Concat" then
        local concat = target:node()
        for i = 1, concat:input_count() do parts[#parts + 1] = concat:input(i) end
      else
        parts[1] = target
      end
      local entries, unknown, ok = {}, 0, true
      for _, v in ipairs(parts) do
        local d = describe_part(v)
        if d and d.kind == "const" then
          for _, value in ipairs(d.values) do
            if value == 0 and not reshape:attr("special_zero") then
              ok = false  -- a literal empty dim, which special_zero would read as a copy
            elseif value == -1 then
              entries[#entries + 1] = -1
              unknown = unknown + 1
            else
              entries[#entries + 1] = value  -- 0 under special_zero stays a copy
            end
          end
        elseif d and d.kind == "dims" then
          for _, i in ipairs(d.indices) do
            local position = #entries
            local rank = d.data:shape()[1]
            if i < 0 and rank then i = i + rank end
            local source = d.data:node()
            if source.op:find("ShapeOf", 1, true) and x:rank() and position < x:rank() and
               same_dim(source:input(1), i, x, position) then
              entries[#entries + 1] = 0  -- the input's own dim at the same position: special_zero
            else
              entries[#entries + 1] = -1
              unknown = unknown + 1
            end
          end
        elseif v:shape() and v:shape()[1] and v:shape()[1] >= 0 then
          for _ = 1, v:shape()[1] do  -- computed some other way: unknown entries
            entries[#entries + 1] = -1
            unknown = unknown + 1
          end
        else
          ok = false
        end
      end
      if ok and unknown <= 1 and #entries == target:shape()[1] then
        local same = remo.op("opset1.Reshape", {x, const_i64(entries)}, {special_zero = true}, {fused_from = {reshape}})
        graph:replace(reshape:output(1), same)
      end
    end
  end
end)
