-- Paddle control flow: conditional_block -> opset8.If, while -> opset5.Loop, select_input and
-- select_output.
-- The reader turns each sub-block into a body (see frontends/paddle/paddle_reader.h): Results
-- for the op's Out variables (while: then its Condition variable), the enclosing variables the
-- block reads as captured Parameters, while's loop-carried variables as its own first
-- Parameters, and for conditional_block a second body "sub_block_else" with what the Out
-- variables hold when the block does not run.
local util = require("paddle_util")

local function tie(list, ...)
  for _, v in ipairs({...}) do list[#list + 1] = v end
end

local function scalar(v)
  if v:rank() == 0 then return v end
  return remo.op("opset1.Reshape", {v, remo.const({}, "i64", {0})}, {special_zero = false})
end

local function as_boolean(v)
  if v:type() == "boolean" then return v end
  return remo.op("opset1.NotEqual", {v, remo.const(0, v:type())})
end

-- Captured values known at conversion time become constants inside the body (last first, as
-- each removal renumbers the later Parameters; `own` Parameters come before the captured ones).
-- Besides saving inputs, this keeps sub-graph ops from sharing one Constant input, which crashes
-- OpenVINO 2026.4's CPU plugin when it compiles two Loops that do. Returns the inlined indices.
local function inline_known(body, captured, own)
  local inlined = {}
  for i = #captured, 1, -1 do
    local known = captured[i]:value()
    if known ~= nil then
      body:constant_param(own + i, known, captured[i]:type(), captured[i]:shape())
      inlined[i] = true
    end
  end
  return inlined
end

-- conditional_block runs its block when the scalar Cond is true (is_scalar_condition), or else
-- when every Cond tensor has elements.
remo.translate("paddle.conditional_block", function(node)
  local conds = util.inputs(node, "Cond")
  local cond
  if node:attr("is_scalar_condition", false) then
    if #conds ~= 1 then error("conditional_block: is_scalar_condition needs one Cond, got " .. #conds) end
    cond = scalar(as_boolean(conds[1]))
  else
    cond = remo.const(1, "boolean")
    for _, c in ipairs(conds) do
      local count = remo.op("opset1.ReduceProd", {remo.op("opset3.ShapeOf", {c}, {output_type = "i64"}), remo.const({0}, "i64")},
                            {keep_dims = false})
      cond = remo.op("opset1.LogicalAnd", {cond, remo.op("opset1.NotEqual", {count, remo.const(0, "i64")})})
    end
  end
  local inputs, attrs = {cond}, {}
  local results
  for _, branch in ipairs({{"sub_block", "then"}, {"sub_block_else", "else"}}) do
    local body, captured = remo.body(node, branch[1])
    body:translate({})
    results = results or body:result_count()
    if body:result_count() ~= results then error("conditional_block: the branches have different output counts") end
    local ins, outs = {}, {}
    local inlined = inline_known(body, captured, 0)
    local param = 0
    for i, value in ipairs(captured) do
      if not inlined[i] then
        inputs[#inputs + 1] = value
        tie(ins, #inputs - 1, param)
        param = param + 1
      end
    end
    for k = 0, results - 1 do tie(outs, k, k) end
    attrs[branch[2] .. "_body"] = body
    attrs[branch[2] .. "_inputs"] = ins
    attrs[branch[2] .. "_outputs"] = outs
  end
  local outs = {remo.op("opset8.If", inputs, attrs)}
  return util.outputs(node, {Out = outs})
end)

-- select_input: Out is X[Mask] (Mask an int32 [1]). Every candidate holds a value (a skipped
-- conditional_block's placeholder broadcasts), so this selects element-wise.
remo.translate("paddle.select_input", function(node)
  local xs = util.inputs(node, "X")
  if #xs == 0 then error("select_input has no X") end
  local mask = scalar(util.required(node, "Mask"))
  local y = xs[1]
  for k = 2, #xs do
    local pick = remo.op("opset1.Equal", {mask, remo.const(k - 1, mask:type())})
    y = remo.op("opset1.Select", {pick, xs[k], y})
  end
  return util.outputs(node, {Out = y})
end)

-- while repeats its block while Condition holds. Loop-carried variables (the Out variables that
-- exist before the op) start from their current values and take the block's results back each
-- iteration; the other variables the block reads are invariant (constants when known at
-- conversion time); the Condition variable's value at the end of an iteration decides the next one.
remo.translate("paddle.while", function(node)
  local body, captured = remo.body(node, "sub_block")
  local carried = util.inputs(node, "sub_block:carried")
  local carried_names = node:attr("sub_block:carried", {})
  local results = node:attr("sub_block:results")
  local outs = #results - 1
  local bindings = {}
  for j, v in ipairs(carried) do bindings[j] = {type = v:type(), shape = v:shape()} end
  body:translate(bindings)
  local inputs = {remo.const(-1, "i64", {}), scalar(as_boolean(util.required(node, "Condition")))}
  local merged, invariant, last = {}, {}, {}
  for j, v in ipairs(carried) do
    local result
    for r = 1, outs do
      if results[r] == carried_names[j] then result = r; break end
    end
    inputs[#inputs + 1] = v
    tie(merged, #inputs - 1, j - 1, result - 1)
  end
  local inlined = inline_known(body, captured, #carried)
  local param = #carried
  for i, value in ipairs(captured) do
    if not inlined[i] then
      inputs[#inputs + 1] = value
      tie(invariant, #inputs - 1, param)
      param = param + 1
    end
  end
  for k = 0, outs - 1 do tie(last, k, k) end
  local values = {remo.op("opset5.Loop", inputs, {
    body = body, merged_inputs = merged, invariant_inputs = invariant, last_outputs = last,
    concat_outputs = {}, current_iteration = -1, execution_condition = outs})}
  return util.outputs(node, {Out = values})
end)

-- select_output: X goes to Out[Mask]. Every Out gets X: the one Mask picks is right, and the
-- others are read only by a branch that does not run.
remo.translate("paddle.select_output", function(node)
  local x = util.required(node, "X")
  local count = 0
  for _, slot in ipairs(node:attr("paddle:outputs", {})) do
    if slot == "Out" then count = count + 1 end
  end
  local outs = {}
  for k = 1, count do outs[k] = x end
  return util.outputs(node, {Out = outs})
end)
