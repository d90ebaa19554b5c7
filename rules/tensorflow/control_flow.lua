-- TensorFlow control flow, after the reader's passes (frontends/tensorflow/tf_control_flow_v1.h,
-- tf_control_flow_v2.h) have turned each while loop (v1 frame or v2 While) into one
-- tf._RemoWhileFrame node with a body graph, and each cond (v1 Switch/Merge or v2 If) into
-- SelectV2s on its predicate or, when a branch is not cheap, a tf._RemoIfFrame node with two
-- bodies. docs/tensorflow.md, "Control flow v1" and "Control flow v2".

-- A cond's Switch passes its data to both sides: both branches are computed and the SelectV2 that
-- replaced the cond's Merge picks. Switch output 0 is the false side, output 1 the true side.
remo.translate("tf.Switch", function(node)
  local x = node:input(1)
  return x, x
end)

local function tie(list, ...)
  for _, v in ipairs({...}) do list[#list + 1] = v end
end

-- The shape a loop variable may take in any iteration: the initial value's rank with every
-- dimension open, since the body may change it (OpenVINO re-infers the body with these).
local function carried(value)
  local shape = value:shape()
  if shape ~= nil then
    local open = {}
    for i = 1, #shape do open[i] = -1 end
    shape = open
  end
  return {type = value:type(), shape = shape}
end

local function scalar_condition(cond)
  if cond:rank() == 0 then return cond end
  return remo.op("opset1.Reshape", {cond, remo.const({}, "i64", {0})}, {special_zero = false})
end

-- tf._RemoWhileFrame(initial condition, variables..., invariants...): the body's results are the
-- next values of the variables and the condition on them, so the Loop runs while it holds; the
-- outputs are the variables' values after the last iteration.
remo.translate("tf._RemoWhileFrame", function(node)
  local body, captured = remo.body(node, "body")
  local n = node:input_count() - 1 - #captured
  if n < 1 or body:param_count() ~= n + #captured or body:result_count() ~= n + 1 then
    error("the loop body has " .. body:param_count() .. " parameters and " .. body:result_count() ..
          " results, expected " .. (n + #captured) .. " and " .. (n + 1))
  end
  local bindings = {}
  for j = 1, n do bindings[j] = carried(node:input(1 + j)) end
  body:translate(bindings)
  local inputs = {remo.const(-1, "i64", {}), scalar_condition(node:input(1))}
  local merged, invariant, last = {}, {}, {}
  for j = 1, n do
    inputs[#inputs + 1] = node:input(1 + j)
    tie(merged, #inputs - 1, j - 1, j - 1)
    tie(last, j - 1, j - 1)
  end
  for i, value in ipairs(captured) do
    inputs[#inputs + 1] = value
    tie(invariant, #inputs - 1, n + i - 1)
  end
  return remo.op("opset5.Loop", inputs, {
    body = body, merged_inputs = merged, invariant_inputs = invariant, last_outputs = last,
    concat_outputs = {}, current_iteration = -1, execution_condition = n})
end)

-- tf._RemoIfFrame(cond, else inputs..., then inputs...): an If whose branches are not cheap
-- (tf_control_flow_v2.h); only the taken branch runs. Each branch reads all its inputs as captures.
remo.translate("tf._RemoIfFrame", function(node)
  local inputs = {scalar_condition(node:input(1))}
  local attrs = {}
  for _, branch in ipairs({"then", "else"}) do
    local body, captured = remo.body(node, branch .. "_body")
    body:translate({})
    if body:result_count() ~= node:output_count() then
      error(branch .. " branch has " .. body:result_count() .. " results, the If " .. node:output_count() .. " outputs")
    end
    local ins, outs = {}, {}
    for i, value in ipairs(captured) do
      inputs[#inputs + 1] = value
      tie(ins, #inputs - 1, i - 1)
    end
    for k = 0, node:output_count() - 1 do tie(outs, k, k) end
    attrs[branch .. "_body"] = body
    attrs[branch .. "_inputs"] = ins
    attrs[branch .. "_outputs"] = outs
  end
  return remo.op("opset8.If", inputs, attrs)
end)
