-- Squeezing and unsqueezing by axes known only at run time. The IR's Squeeze/Unsqueeze (and a
-- Reduce without keep_dims) cannot tell their output rank from run-time axes, and OpenVINO's CPU
-- plugin refuses a dynamic rank; a Reshape to a target shape of static length keeps the rank known.
local axes = {}

local function i64(values) return remo.const(values, "i64") end
local function scalar(value) return remo.const(value, "i64", {}) end

-- The number of axes, which must be static.
local function count_of(list, what)
  local shape = list:shape()
  if shape == nil or #shape ~= 1 or shape[1] < 0 then error(what .. " needs axes of static length") end
  return shape[1]
end

-- 1 at every position of `list` (negative ones counting from the end of `rank`), 0 elsewhere: [rank].
local function mask(list, rank)
  local r = scalar(rank)
  local a = remo.op("opset1.Convert", {list}, {destination_type = "i64"})
  local negative = remo.op("opset1.Less", {a, scalar(0)})
  a = remo.op("opset1.Select", {negative, remo.op("opset1.Add", {a, r}), a})
  local hits = remo.op("opset1.OneHot", {a, r, scalar(1), scalar(0)}, {axis = -1})
  return remo.op("opset1.ReduceMax", {hits, i64({0})}, {keep_dims = false})
end

-- `y` without the axes in `list`, which must all be of length 1 (or reduced with keep_dims).
function axes.drop(y, list, rank, what)
  local count = count_of(list, what)
  if count >= rank then return remo.op("opset1.Reshape", {y, remo.const({}, "i64", {0})}, {special_zero = false}) end
  -- A score of rank - i for a kept axis i and 0 for a dropped one: TopK picks the kept ones in order.
  local order = {}
  for i = 1, rank do order[i] = rank - i + 1 end
  local kept_mask = remo.op("opset1.Subtract", {scalar(1), mask(list, rank)})
  local score = remo.op("opset1.Multiply", {kept_mask, i64(order)})
  local _, kept = remo.op("opset11.TopK", {score, scalar(rank - count)},
    {axis = 0, mode = "max", sort = "value", index_element_type = "i64"})
  local dims = remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {y}, {output_type = "i64"}), kept, scalar(0)})
  return remo.op("opset1.Reshape", {y, dims}, {special_zero = false})
end

-- `x` with a new axis of length 1 at each position of `list` (positions in the output's rank).
function axes.insert(x, list, rank, what)
  local out_rank = rank + count_of(list, what)
  local inserted = mask(list, out_rank)
  local positions = remo.op("opset4.Range", {scalar(0), scalar(out_rank), scalar(1)}, {output_type = "i64"})
  -- Output axis j that is not inserted is input axis j - (inserted axes up to j).
  local source = remo.op("opset1.Subtract", {positions, remo.op("opset3.CumSum", {inserted, scalar(0)})})
  source = remo.op("opset1.Maximum", {source, scalar(0)})
  local dims = remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}), source, scalar(0)})
  local is_new = remo.op("opset1.Equal", {inserted, scalar(1)})
  local target = remo.op("opset1.Select", {is_new, scalar(1), dims})
  return remo.op("opset1.Reshape", {x, target}, {special_zero = false})
end

return axes
