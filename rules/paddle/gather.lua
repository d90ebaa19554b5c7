-- Paddle gather (X, Index along `axis` or the Axis tensor, which must be constant) and gather_nd
-- (Index's last axis addresses X's leading dimensions).
local util = require("paddle_util")

remo.translate("paddle.gather", function(node)
  local x, index = util.required(node, "X"), util.required(node, "Index")
  local axis = node:attr("axis", 0)
  local axis_tensor = util.input(node, "Axis")
  if axis_tensor ~= nil then axis = util.const_values(axis_tensor, "gather's Axis")[1] end
  axis = util.axis(axis, util.rank(x, "gather"))
  return util.outputs(node, {Out = remo.op("opset8.Gather", {x, index, remo.const(axis, "i64")})})
end)

remo.translate("paddle.gather_nd", function(node)
  local x, index = util.required(node, "X"), util.required(node, "Index")
  return util.outputs(node, {Out = remo.op("opset8.GatherND", {x, index}, {batch_dims = 0})})
end)
