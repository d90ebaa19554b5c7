-- The checks of layer_norm_fusion.json: both means reduce the same axes and keep them, and epsilon
-- is one non-negative number.

local axes_util = require("axes_util")
local normalized_axes, same_list = axes_util.normalized_axes, axes_util.same_list

remo.rewrite("fuse_layer_norm", function(m)
  local rank = m.x:rank()
  local axes = normalized_axes(m.axes, rank)
  local variance_axes = normalized_axes(m.variance_axes, rank)
  if not axes or not variance_axes or not same_list(axes, variance_axes) then
    return nil, "the two means do not reduce the same constant axes"
  end
  if not m.nodes.mean:attr("keep_dims") or not m.nodes.variance:attr("keep_dims") then
    return nil, "a mean drops the reduced axes"
  end
  local eps = m.eps:value()
  if not eps or #eps ~= 1 or eps[1] < 0 then return nil, "epsilon is not one non-negative number" end
  return remo.op("opset6.MVN", {m.x, remo.const(axes, "i64")},
                 {normalize_variance = true, eps = eps[1], eps_mode = "INSIDE_SQRT"})
end)
