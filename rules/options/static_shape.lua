-- --static_shape: once the input shapes are static, a ShapeOf of a fully static tensor is just a
-- constant; replacing it lets constant folding remove the shape sub-graph behind it. The IR then
-- runs only at those shapes, which is what the option asks for. Without the option nothing
-- changes: ShapeOf is kept so the IR stays reshapeable.
-- Registered in every phase, since a phase's rewrites may create new ShapeOf nodes.

local function static_dims(value)
  local dims = value:shape()
  if dims == nil then return nil end
  for _, d in ipairs(dims) do
    if d < 0 then return nil end
  end
  return dims
end

local function freeze_shapes(graph)
  if not graph:option("static_shape") then return end
  for _, op in ipairs({"opset1.ShapeOf", "opset3.ShapeOf"}) do
    for _, shape_of in ipairs(graph:nodes(op)) do
      local dims = static_dims(shape_of:input(1))
      if dims then
        local out = shape_of:output(1)
        graph:replace(out, remo.const(dims, out:type(), {#dims}))
        graph:remove(shape_of)
      end
    end
  end
end

for _, phase in ipairs({"front", "middle", "back"}) do
  remo.pass("static_shape_" .. phase, phase, freeze_shapes)
end
