-- TensorFlow control flow v1, after the reader's pass (frontends/tensorflow/tf_control_flow_v1.h)
-- has turned each while frame into one tf._RemoWhileFrame node with a body graph, and each cond
-- Merge into a SelectV2 on the cond's predicate. docs/tensorflow.md, "Control flow".

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

-- The ops a loop's or cond's predicate is usually made of.
local COMPARE = {Less = "opset1.Less", LessEqual = "opset1.LessEqual", Greater = "opset1.Greater",
                 GreaterEqual = "opset1.GreaterEqual", Equal = "opset1.Equal", NotEqual = "opset1.NotEqual",
                 LogicalAnd = "opset1.LogicalAnd", LogicalOr = "opset1.LogicalOr"}
for name, op in pairs(COMPARE) do
  remo.translate("tf." .. name, function(node)
    return remo.op(op, {node:input(1), node:input(2)})
  end)
end
remo.translate("tf.LogicalNot", function(node) return remo.op("opset1.LogicalNot", {node:input(1)}) end)

-- Select picks by a condition of x's shape, or by a vector along the first dimension; SelectV2
-- broadcasts all three the numpy way.
remo.translate("tf.SelectV2", function(node)
  return remo.op("opset1.Select", {node:input(1), node:input(2), node:input(3)})
end)
remo.translate("tf.Select", function(node)
  local c, x = node:input(1), node:input(2)
  if c:rank() == 1 and x:rank() ~= nil and x:rank() > 1 then
    local shape = {-1}
    for i = 2, x:rank() do shape[i] = 1 end
    c = remo.op("opset1.Reshape", {c, remo.const(shape, "i64")}, {special_zero = false})
  end
  return remo.op("opset1.Select", {c, x, node:input(3)})
end)

-- Range(start, limit, delta) of scalars, in the type of its Tidx attribute.
remo.translate("tf.Range", function(node)
  local t = node:attr("Tidx", node:input(1):type())
  return remo.op("opset4.Range", {node:input(1), node:input(2), node:input(3)}, {output_type = t})
end)
