-- ONNX Reduce*: axes are an attribute until opset 18 (13 for ReduceSum), an optional input after.
-- No axes means all axes, unless noop_with_empty_axes asks for the identity.
local util = require("onnx_util")

local function reduce(op, axes_input_since)
  return function(node)
    local x = node:input(1)
    local axes = util.axes(node, axes_input_since, 2)
    if axes == nil or #axes == 0 then
      if node:attr("noop_with_empty_axes", 0) ~= 0 then return x end
      axes = {}
      for i = 1, util.rank(x, node.type .. " over all axes") do axes[i] = i - 1 end
    end
    return remo.op(op, {x, remo.const(axes, "i64")}, {keep_dims = node:attr("keepdims", 1) ~= 0})
  end
end

remo.translate("onnx.ReduceMean", reduce("opset1.ReduceMean", 18))
remo.translate("onnx.ReduceMax", reduce("opset1.ReduceMax", 18))
remo.translate("onnx.ReduceMin", reduce("opset1.ReduceMin", 18))
remo.translate("onnx.ReduceProd", reduce("opset1.ReduceProd", 18))
remo.translate("onnx.ReduceSum", reduce("opset1.ReduceSum", 13))
