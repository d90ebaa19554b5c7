-- docs/examples/tf_custom_ops.lua: two ops of a custom TensorFlow op library, converted without it.

-- ScaledTanh(x; alpha, beta) = alpha * tanh(beta * x), elementwise. Opset ops compute it, so the
-- IR runs anywhere and the output shape comes from their own shape inference.
remo.translate("tf.ScaledTanh", function(node)
  local x = node:input(1)
  local alpha = remo.const(node:attr("alpha", 1.0), x:type())
  local beta = remo.const(node:attr("beta", 1.0), x:type())
  local tanh = remo.op("opset1.Tanh", {remo.op("opset1.Multiply", {x, beta})})
  return remo.op("opset1.Multiply", {tanh, alpha})
end)

-- GridMax(x; cells): the maximum of each of cells x cells regions of an NHWC image, [N,H,W,C] ->
-- [N,cells,cells,C]. No opset op does exactly this, so the IR keeps it as a layer of its own,
-- which an OpenVINO runtime extension named GridMax runs; `infer` is its shape function.
remo.custom_op{
  op = "myext.GridMax",
  ir_type = "GridMax",
  inputs = 1,
  infer = function(inputs, attrs)
    local x = inputs[1]
    if x.shape == nil then return {{type = x.type, shape = nil}} end  -- rank unknown: so is the output's
    if #x.shape ~= 4 then error("GridMax needs an NHWC input of rank 4, got rank " .. #x.shape) end
    return {{type = x.type, shape = {x.shape[1], attrs.cells, attrs.cells, x.shape[4]}}}
  end,
}

remo.translate("tf.GridMax", function(node)
  local cells = node:attr("cells")
  if cells < 1 then error("GridMax: cells must be positive, got " .. cells) end
  return remo.op("myext.GridMax", {node:input(1)}, {cells = cells})
end)
