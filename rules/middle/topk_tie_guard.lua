-- A stable TopK (equal values in index order, as ONNX and TensorFlow define TopK) sorted by value
-- becomes an unstable TopK plus a check that its result has no ties, with the stable TopK as the
-- fallback:
--
--   v, i = TopK(x, k, stable = false)
--   no_ties = (exactly N - k elements of each row are below v's last, k-th value)
--             and (v strictly decreasing along the axis)          -- "above" and increasing for mode "min"
--   If(no_ties) then (v, i) else TopK(x, k, stable = true)
--
-- Without ties the top k are one set in one order, so both TopKs give the same values and
-- indices; a NaN fails both comparisons and takes the fallback too. The result is the stable
-- TopK's on every input. OpenVINO's CPU plugin sorts stably by insertion, O(N*k), and unstably
-- with a heap, O(N log k); up to k = 6 it keeps the k best in registers, stable at no cost, so
-- smaller k are left alone. Only floating-point data is guarded: integer data ties often, and
-- would mostly pay for the check and then for the stable sort.
local FLOATING = {f16 = true, bf16 = true, f32 = true, f64 = true}
local MAX_K_IN_REGISTERS = 6

local function all_axes(rank)
  local axes = {}
  for a = 0, rank - 1 do axes[#axes + 1] = a end
  return axes
end

local function product(dims)
  local n = 1
  for _, d in ipairs(dims) do n = n * d end
  return n
end

-- The guarded replacement of `node`'s two outputs, or nil and why not.
local function guard(node)
  if not node:attr("stable") or node:attr("sort") ~= "value" then return nil, "not a stable sort by value" end
  local x, k_in = node:input(1), node:input(2)
  if not FLOATING[x:type()] then return nil, "integer data" end
  local shape = x:shape()
  if not shape then return nil, "x has no known rank" end
  for _, d in ipairs(shape) do
    if d < 0 then return nil, "x has a dynamic dimension" end
  end
  local k_values = k_in:value()
  if not k_values or #k_values ~= 1 then return nil, "k is not a constant" end
  local k, axis, rank = k_values[1], node:attr("axis"), #shape
  if axis < 0 then axis = axis + rank end
  local n = shape[axis + 1]
  -- k = N is left alone too: every element is selected, and a NaN among them could take any place.
  if k <= MAX_K_IN_REGISTERS or k >= n then return nil, "k is small or selects the whole axis" end
  if product(shape) >= 2 ^ 31 then return nil, "x is too large for an i32 count" end

  local attrs = {axis = node:attr("axis"), mode = node:attr("mode"), sort = "value",
                 index_element_type = node:attr("index_element_type")}
  local max_mode = attrs.mode == "max"
  attrs.stable = false
  local v, i = remo.op("opset11.TopK", {x, k_in}, attrs, {fused_from = {node}})

  -- Exactly N - k elements of each row lie beyond the k-th value, and each selected value is
  -- beyond the next. Each row has at most N - k and k - 1 of these, so the total over all rows
  -- says it for every row. NaN is neither beyond nor before anything.
  local every_axis = remo.const(all_axes(rank), "i64")
  local function count(flags)
    return remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {flags}, {destination_type = "i32"}), every_axis},
                   {keep_dims = false})
  end
  local axis_c = remo.const(axis, "i64", {})
  local head, kth = remo.op("opset1.VariadicSplit", {v, axis_c, remo.const({k - 1, 1}, "i64")})
  local _, tail = remo.op("opset1.VariadicSplit", {v, axis_c, remo.const({1, k - 1}, "i64")})
  local beyond_op = max_mode and "opset1.Less" or "opset1.Greater"
  local total = remo.op("opset1.Add", {count(remo.op(beyond_op, {x, kth})), count(remo.op(beyond_op, {tail, head}))})
  local rows = product(shape) // n
  local no_ties = remo.op("opset1.Equal", {total, remo.const((n - 1) * rows, "i32", {})})

  local unstable_result = remo.new_body({v, i}, function(values, indices) return values, indices end)
  attrs.stable = true
  local stable_sort = remo.new_body({x, k_in}, function(data, k_param)
    return remo.op("opset11.TopK", {data, k_param}, attrs)
  end)
  local values, indices = remo.op("opset8.If", {no_ties, v, i, x, k_in}, {
    then_body = unstable_result, then_inputs = {1, 0, 2, 1}, then_outputs = {0, 0, 1, 1},
    else_body = stable_sort, else_inputs = {3, 0, 4, 1}, else_outputs = {0, 0, 1, 1},
  }, {fused_from = {node}})
  return values, indices
end

remo.pass("guard_stable_topk", "back", function(graph)
  for _, node in ipairs(graph:nodes("opset11.TopK")) do
    local values, indices = guard(node)
    if values then
      graph:replace(node:output(1), values)
      graph:replace(node:output(2), indices)
      graph:remove(node)
    end
  end
end)
