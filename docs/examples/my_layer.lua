-- A custom op for a layer that an OpenVINO runtime extension implements: the IR gets a layer of
-- type "MyLayer", version "extension", with the attributes as given. Its shape function says
-- what it outputs: here the input's shape with the last dimension multiplied by `repeats`.
remo.custom_op{
  op = "myext.MyLayer",
  ir_type = "MyLayer",
  ir_version = "extension",
  inputs = 1,
  infer = function(inputs, attrs)
    local x = inputs[1]
    local shape = nil
    if x.shape then
      shape = {table.unpack(x.shape)}
      if shape[#shape] >= 0 then shape[#shape] = shape[#shape] * attrs.repeats end
    end
    return {{type = x.type, shape = shape}}
  end,
}

-- The framework op com.example.Tile becomes that layer.
remo.translate("com.example.Tile", function(node)
  return remo.op("myext.MyLayer", {node:input(1)}, {repeats = node:attr("repeats", 2), mode = "fast"})
end)
