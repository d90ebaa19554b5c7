-- Preprocessing put into the model (--reverse_input_channels, --mean_values, --scale_values,
-- --scale). engine/pipeline/preprocess.cpp decides which input gets what on which axis and
-- checks it; this pass inserts it after each such input, in mo's order: reverse the channels,
-- subtract the mean, divide by the scale. It runs first in the front phase, so the later rules
-- may fold the arithmetic into the first layer.

-- A constant of `values` in `type`: a scalar for one value, else shaped to broadcast along the
-- 0-based `axis` of a rank-`rank` tensor.
local function per_channel(values, type, rank, axis)
  if #values == 1 then return remo.const(values[1], type) end
  local shape = {}
  for i = 1, rank do shape[i] = 1 end
  shape[axis + 1] = #values
  return remo.const(values, type, shape)
end

-- Puts `make(x)` after `x`: everything that read x reads the new value instead.
local function insert_after(graph, x, make)
  local y = make(x)
  graph:replace(x, y)
  return y
end

remo.pass("preprocess_inputs", "front", function(graph)
  local inputs = graph:option("preprocess_inputs")
  if not inputs then return end
  for _, name in ipairs(inputs) do
    local x = graph:node(name):output(1)
    local rank = x:rank()
    local axis = graph:option("reverse_axis:" .. name)
    if axis then
      local order = {}
      for i = x:shape()[axis + 1] - 1, 0, -1 do order[#order + 1] = i end
      x = insert_after(graph, x, function(v)
        return remo.op("opset8.Gather", {v, remo.const(order, "i64"), remo.const(axis, "i64")}, {batch_dims = 0},
                       {name = name .. "/reverse_input_channels"})
      end)
    end
    for _, step in ipairs({{"mean_values", "opset1.Subtract", "/sub_mean"},
                           {"scale_values", "opset1.Divide", "/div_scale"}}) do
      local values = graph:option(step[1] .. ":" .. name)
      if values then
        local c = per_channel(values, x:type(), rank, graph:option(step[1] .. "_axis:" .. name))
        x = insert_after(graph, x, function(v) return remo.op(step[2], {v, c}, {}, {name = name .. step[3]}) end)
      end
    end
  end
end)
