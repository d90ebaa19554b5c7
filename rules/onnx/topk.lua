-- ONNX TopK, ArgMax/ArgMin and Unique -> TopK-11 and Unique-10.
local util = require("onnx_util")

local function scalar(value, type) return remo.const(value, type or "i64", {}) end

-- TopK-1 takes k as an attribute, TopK-10 as a 1-element input; TopK-11 adds largest and sorted.
-- Equal values keep their input order (stable), as ONNX asks.
remo.translate("onnx.TopK", function(node)
  local x = node:input(1)
  local k
  if node.opset < 10 then
    k = scalar(node:attr("k"))
  else
    k = remo.op("opset1.Reshape", {node:input(2), remo.const({}, "i64", {0})}, {special_zero = false})
  end
  local axis = util.axis(node:attr("axis", -1), util.rank(x, "TopK"))
  local mode = node:attr("largest", 1) ~= 0 and "max" or "min"
  -- Unsorted results may come in any order; sorting by index is one of them.
  local sort = node:attr("sorted", 1) ~= 0 and "value" or "index"
  return remo.op("opset11.TopK", {x, k},
    {axis = axis, mode = mode, sort = sort, index_element_type = "i64", stable = true})
end)

-- ArgMax/ArgMin: the index of the first extreme along the axis, or of the last one with
-- select_last_index (found as the first one of the reversed axis).
local function arg(mode)
  return function(node)
    local x = node:input(1)
    local axis = util.axis(node:attr("axis", 0), util.rank(x, node.type))
    local last = node:attr("select_last_index", 0) ~= 0
    if last then
      x = remo.op("opset8.Slice", {x, remo.const({-1}), remo.const({math.mininteger}), remo.const({-1}), remo.const({axis})})
    end
    local _, index = remo.op("opset11.TopK", {x, scalar(1)},
      {axis = axis, mode = mode, sort = "value", index_element_type = "i64", stable = true})
    if last then
      local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
      local top = remo.op("opset1.Subtract", {remo.op("opset8.Gather", {dims, scalar(axis), scalar(0)}), scalar(1)})
      index = remo.op("opset1.Subtract", {top, index})
    end
    if node:attr("keepdims", 1) == 0 then
      index = remo.op("opset1.Squeeze", {index, remo.const({axis})})
    end
    return index
  end
end

remo.translate("onnx.ArgMax", arg("max"))
remo.translate("onnx.ArgMin", arg("min"))

-- Unique: outputs are the unique values, the first index of each, each input's index into them
-- and their counts, in the same order for ONNX and the IR.
remo.translate("onnx.Unique", function(node)
  local x = node:input(1)
  local inputs = {x}
  if node:has_attr("axis") then
    inputs[2] = scalar(util.axis(node:attr("axis"), util.rank(x, "Unique with an axis")))
  end
  local y, first, inverse, counts = remo.op("opset10.Unique", inputs,
    {sorted = node:attr("sorted", 1) ~= 0, index_element_type = "i64", count_element_type = "i64"})
  return table.unpack({y, first, inverse, counts}, 1, node:output_count())
end)
