-- Paddle reduce_mean / reduce_sum / reduce_max / reduce_min / reduce_prod (and arg_max / arg_min
-- at the end): over `dim` (all axes
-- when reduce_all is set or dim is empty), keep_dim; reduce_sum's out_dtype (-1: the input's).
local util = require("paddle_util")

local function reduce(op)
  return function(node)
    local x = util.required(node, "X")
    local rank = util.rank(x, node.type)
    local dims = node:attr("dim", {})
    local axes = {}
    if node:attr("reduce_all", false) or #dims == 0 then
      for i = 0, rank - 1 do axes[#axes + 1] = i end
    else
      for i, d in ipairs(dims) do axes[i] = util.axis(d, math.max(rank, 1)) end
    end
    local y = x
    if rank > 0 then
      y = remo.op(op, {x, remo.const(axes, "i64")}, {keep_dims = node:attr("keep_dim", false)})
    end
    local out_dtype = node:attr("out_dtype", -1)
    if out_dtype ~= -1 then
      y = remo.op("opset1.Convert", {y}, {destination_type = util.element_type(out_dtype)})
    end
    return util.outputs(node, {Out = y})
  end
end

remo.translate("paddle.reduce_mean", reduce("opset1.ReduceMean"))
remo.translate("paddle.reduce_sum", reduce("opset1.ReduceSum"))
remo.translate("paddle.reduce_max", reduce("opset1.ReduceMax"))
remo.translate("paddle.reduce_min", reduce("opset1.ReduceMin"))
remo.translate("paddle.reduce_prod", reduce("opset1.ReduceProd"))

-- arg_max / arg_min along `axis` (of the flattened input with `flatten`), the first index among
-- equal values (a stable TopK of 1); keepdims keeps the axis as 1; dtype 2 gives int32, else int64.
local function arg(mode)
  return function(node)
    local x = util.required(node, "X")
    local axis = node:attr("axis", 0)
    if node:attr("flatten", false) then
      x = remo.op("opset1.Reshape", {x, remo.const({-1}, "i64")}, {special_zero = false})
      axis = 0
    end
    local rank = util.rank(x, node.type)
    if rank == 0 then x = remo.op("opset1.Reshape", {x, remo.const({1}, "i64")}, {special_zero = false}); rank = 1 end
    axis = util.axis(axis, rank)
    local dtype = node:attr("dtype", 3)
    local index_type = dtype == 2 and "i32" or "i64"
    local _, index = remo.op("opset11.TopK", {x, remo.const(1, "i64")},
                             {axis = axis, mode = mode, sort = "value", index_element_type = index_type, stable = true})
    if not node:attr("keepdims", false) then
      index = remo.op("opset1.Squeeze", {index, remo.const({axis}, "i64")})
    end
    return util.outputs(node, {Out = index})
  end
end

remo.translate("paddle.arg_max", arg("max"))
remo.translate("paddle.arg_min", arg("min"))
