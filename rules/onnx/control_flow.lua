-- ONNX control flow: If, Loop and Scan become opset8.If, opset5.Loop and opset1.TensorIterator.
-- Each body goes through the same ONNX translations (body:translate); the op's port-map
-- attributes tie its inputs and outputs to the body's Parameters and Results by position
-- (0-based), as described in docs/lua-api.md ("Bodies").
local util = require("onnx_util")

local function scalar(value, type) return remo.const(value, type, {}) end

-- Appends one record to a flat list of ints.
local function tie(list, ...)
  for _, v in ipairs({...}) do list[#list + 1] = v end
end

-- The shape a loop-carried value may have in every iteration: what the body declares, else the
-- initial value's rank with every dimension left open (the body may grow it).
local function carried_binding(body, index, value)
  local declared = body:param_shape(index)
  if declared == nil then
    local shape = value:shape()
    if shape ~= nil then
      declared = {}
      for i = 1, #shape do declared[i] = -1 end
    end
  end
  return {type = value:type(), shape = declared}
end

-- If's condition may be any one-element tensor; the op takes a scalar.
local function scalar_condition(cond)
  if cond:rank() == 0 then return cond end
  return remo.op("opset1.Reshape", {cond, remo.const({}, "i64", {0})}, {special_zero = false})
end

remo.translate("onnx.If", function(node)
  local inputs = {scalar_condition(node:input(1))}
  local attrs = {}
  for _, branch in ipairs({"then", "else"}) do
    local body, captured = remo.body(node, branch .. "_branch")
    if body:param_count() ~= #captured then
      error(branch .. "_branch declares inputs; an If branch takes none")
    end
    body:translate({})
    if body:result_count() ~= node:output_count() then
      error(branch .. "_branch has " .. body:result_count() .. " outputs, the node " .. node:output_count())
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

-- Loop(M, cond, v_initial...) with body(iteration, cond_in, v_in...) -> (cond_out, v_out...,
-- scan_out...). M and cond may be omitted: no trip limit / no condition. The body runs only
-- while its condition holds, so cond_in is always true inside and becomes a constant.
remo.translate("onnx.Loop", function(node)
  local body, captured = remo.body(node, "body")
  local own_inputs = node:input_count() - #captured
  local carried = own_inputs - 2
  if carried < 0 then carried = 0 end
  if body:param_count() - #captured ~= carried + 2 then
    error("the body has " .. (body:param_count() - #captured) .. " inputs, expected 2 + " .. carried ..
          " loop-carried values")
  end
  local scans = node:output_count() - carried
  if scans < 0 or body:result_count() ~= 1 + carried + scans then
    error("the body has " .. body:result_count() .. " outputs, expected 1 + " .. carried .. " + " .. scans)
  end
  -- Captured values follow the node's own inputs, whose trailing omitted ones are dropped: an
  -- index past the own inputs is an omitted input, not a captured value.
  local function own_input(i)
    if i > own_inputs then return nil end
    return node:input(i)
  end
  local trip = own_input(1) or scalar(-1, "i64")
  local cond = own_input(2) or scalar(1, "boolean")
  local bindings = {{type = "i64", shape = {}}, {type = "boolean", shape = {}}}
  local inputs = {trip, cond}
  for j = 1, carried do
    local value = node:input(2 + j)
    if value == nil then error("loop-carried value " .. j .. " is omitted") end
    bindings[#bindings + 1] = carried_binding(body, 2 + j, value)
    inputs[#inputs + 1] = value
  end
  body:translate(bindings)
  body:constant_param(2, 1, "boolean", {})
  for s = 1, scans do body:unsqueeze_result(1 + carried + s, 0) end

  local merged, invariant, last, concat = {}, {}, {}, {}
  for j = 1, carried do
    tie(merged, 1 + j, j, j)  -- outer input 2+j-1, parameter j, fed back from result j
    tie(last, j - 1, j)
  end
  for i, value in ipairs(captured) do
    inputs[#inputs + 1] = value
    tie(invariant, #inputs - 1, carried + i)
  end
  for s = 1, scans do tie(concat, carried + s - 1, carried + s, 0, 0, 1, 1, -1) end
  return remo.op("opset5.Loop", inputs, {
    body = body, merged_inputs = merged, invariant_inputs = invariant, last_outputs = last,
    concat_outputs = concat, current_iteration = 0, execution_condition = 0})
end)

local function list_or_zeros(node, name, count)
  local values = node:attr(name, nil)
  if values == nil then
    values = {}
    for i = 1, count do values[i] = 0 end
  end
  if #values ~= count then error(name .. " has " .. #values .. " entries, expected " .. count) end
  return values
end

-- Start, stride and end of a slice walking forwards or backwards over a whole axis.
local function direction(dir)
  if dir == 0 then return 0, 1, -1 end
  if dir == 1 then return -1, -1, 0 end
  error("scan direction must be 0 or 1, got " .. tostring(dir))
end

local function without_axis(shape, axis)
  local out = {}
  for i, d in ipairs(shape) do
    if i - 1 ~= axis then out[#out + 1] = d end
  end
  return out
end

-- Scan-8's inputs split along their leading batch axis: one list of per-element values (the
-- batch axis removed) per batch element. The batch size must be static.
local function batch_elements(values)
  local shape = values[1]:shape()
  local size = shape and shape[1]
  if size == nil or size < 1 then
    error("Scan-8 needs a static batch size, got an input " .. tostring(values[1]))
  end
  local batches = {}
  for k = 1, size do
    batches[k] = {}
    for i, v in ipairs(values) do
      local s = v:shape()
      if s == nil or s[1] ~= size then error("Scan-8 inputs disagree on the batch size: " .. tostring(v)) end
      batches[k][i] = remo.op("opset8.Gather", {v, scalar(k - 1, "i64"), scalar(0, "i64")})
    end
  end
  return batches
end

-- Scan-8 has a leading batch axis on every input and output and an optional sequence_lens input;
-- each batch element is scanned on its own (one TensorIterator per element, sharing the body).
-- Scan-9+ scans along scan_input_axes / scan_output_axes in the given directions.
remo.translate("onnx.Scan", function(node)
  local body, captured = remo.body(node, "body")
  local m = node:attr("num_scan_inputs")
  local batched = node.opset < 9
  local first = batched and 2 or 1
  local count = node:input_count() - #captured - (first - 1)
  local states = count - m
  local outputs = node:output_count() - states
  if states < 0 or outputs < 0 or m < 1 then error("num_scan_inputs " .. m .. " does not fit the node's inputs") end
  if body:param_count() - #captured ~= count or body:result_count() ~= states + outputs then
    error("the body's inputs and outputs do not match the node's")
  end
  local raw = {}
  for i = 1, count do
    raw[i] = node:input(first + i - 1)
    if raw[i] == nil then error("input " .. (first + i - 1) .. " is omitted") end
  end
  local batches = batched and batch_elements(raw) or {raw}
  local values = batches[1]
  local in_axes, in_dirs, out_axes, out_dirs
  if batched then
    if node:input(1) ~= nil then
      local lens = util.const_values(node:input(1), "sequence_lens")
      local len = values[states + 1]:shape()
      for _, l in ipairs(lens) do
        if len == nil or l ~= len[1] then error("sequence_lens shorter than the sequence are not supported") end
      end
    end
    in_axes = list_or_zeros(node, "__none__", m)
    in_dirs = list_or_zeros(node, "directions", m)
    out_axes = list_or_zeros(node, "__none__", outputs)
    out_dirs = list_or_zeros(node, "__none__", outputs)
  else
    in_axes = list_or_zeros(node, "scan_input_axes", m)
    in_dirs = list_or_zeros(node, "scan_input_directions", m)
    out_axes = list_or_zeros(node, "scan_output_axes", outputs)
    out_dirs = list_or_zeros(node, "scan_output_directions", outputs)
  end

  local bindings, sliced, merged, invariant, last, concat = {}, {}, {}, {}, {}, {}
  for j = 1, states do
    bindings[j] = values[j]
    tie(merged, j - 1, j - 1, j - 1)
    tie(last, j - 1, j - 1)
  end
  local axes = {}
  for i = 1, m do
    local v = values[states + i]
    local rank = util.rank(v, "a scan input")
    axes[i] = util.axis(in_axes[i], rank)
    bindings[states + i] = {type = v:type(), shape = without_axis(v:shape(), axes[i])}
  end
  body:translate(bindings)
  for i = 1, m do
    body:squeeze_param(states + i, axes[i])
    local start, stride, stop = direction(in_dirs[i])
    tie(sliced, states + i - 1, states + i - 1, axes[i], start, stride, 1, stop)
  end
  for k = 1, outputs do
    local shape = body:result_shape(states + k)
    if shape == nil then error("scan output " .. k .. " needs a known rank") end
    local axis = util.axis(out_axes[k], #shape + 1)
    body:unsqueeze_result(states + k, axis)
    local start, stride, stop = direction(out_dirs[k])
    tie(concat, states + k - 1, states + k - 1, axis, start, stride, 1, stop)
  end
  for i = 1, #captured do tie(invariant, count + i - 1, count + i - 1) end
  local attrs = {body = body, sliced_inputs = sliced, merged_inputs = merged, invariant_inputs = invariant,
                 last_outputs = last, concat_outputs = concat}

  local per_batch = {}
  for b, batch in ipairs(batches) do
    local inputs = {}
    for i = 1, count do inputs[i] = batch[i] end
    for _, value in ipairs(captured) do inputs[#inputs + 1] = value end
    per_batch[b] = {remo.op("opset1.TensorIterator", inputs, attrs)}
  end
  if not batched then return per_batch[1] end
  -- Each element's results get their batch axis back and are joined along it.
  local results = {}
  for k = 1, node:output_count() do
    local parts = {}
    for b = 1, #per_batch do parts[b] = remo.op("opset1.Unsqueeze", {per_batch[b][k], remo.const({0}, "i64")}) end
    results[k] = #parts == 1 and parts[1] or remo.op("opset1.Concat", parts, {axis = 0})
  end
  return results
end)
