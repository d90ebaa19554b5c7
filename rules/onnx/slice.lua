-- ONNX Slice and Split -> Slice-8, Split-1 and VariadicSplit-1.
local util = require("onnx_util")

local function i64(values) return remo.const(values, "i64") end

-- A step of 1 per entry of `starts`, in its element type.
local function unit_steps(starts)
  local shape = starts:shape()
  if shape ~= nil and #shape == 1 and shape[1] >= 0 then
    return remo.const(util.fill(shape[1], 1), starts:type(), {shape[1]})
  end
  return remo.op("opset3.Broadcast", {remo.const(1, starts:type(), {}), remo.op("opset3.ShapeOf", {starts})})
end

-- Slice-1 takes starts/ends/axes as attributes, Slice-10 takes them (and steps) as inputs. Slice-8
-- clamps out-of-range and INT64_MAX bounds and counts negative ones from the end as ONNX does.
remo.translate("onnx.Slice", function(node)
  local x = node:input(1)
  local starts, ends, axes, steps
  if node.opset < 10 then
    starts, ends = i64(node:attr("starts")), i64(node:attr("ends"))
    local a = node:attr("axes", nil)
    if a ~= nil then axes = i64(a) end
  else
    starts, ends, axes, steps = node:input(2), node:input(3), node:input(4), node:input(5)
  end
  if steps == nil then steps = unit_steps(starts) end
  local inputs = {x, starts, ends, steps}
  if axes ~= nil then inputs[5] = axes end
  return remo.op("opset8.Slice", inputs)
end)

-- Split sizes: an attribute until opset 13 (an input, or the attribute, in opset 1), an input after.
local function split_sizes(node)
  if node.opset >= 13 or node.opset < 2 then
    local input = node:input(2)
    if input ~= nil then return input end
  end
  if node.opset < 13 then
    local sizes = node:attr("split", nil)
    if sizes ~= nil then return i64(sizes) end
  end
  return nil
end

remo.translate("onnx.Split", function(node)
  local x = node:input(1)
  local axis = node:attr("axis", 0)
  local parts = node:output_count()
  local sizes = split_sizes(node)
  if sizes ~= nil then
    local lengths = remo.op("opset1.Convert", {sizes}, {destination_type = "i64"})
    return remo.op("opset1.VariadicSplit", {x, remo.const(axis, "i64", {}), lengths})
  end
  if node:has_attr("num_outputs") then parts = node:attr("num_outputs") end
  -- Opset 18: an axis that does not divide evenly gives parts of ceil(dim / n), the last smaller.
  local shape = x:shape()
  if shape ~= nil then
    local dim = shape[util.axis(axis, #shape) + 1]
    if dim >= 0 and dim % parts ~= 0 then
      local chunk = (dim + parts - 1) // parts
      local lengths = util.fill(parts, chunk)
      lengths[parts] = dim - chunk * (parts - 1)
      return remo.op("opset1.VariadicSplit", {x, remo.const(axis, "i64", {}), i64(lengths)})
    end
  end
  return remo.op("opset1.Split", {x, remo.const(axis, "i64", {})}, {num_splits = parts})
end)
