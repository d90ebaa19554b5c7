-- ONNX normalization layers built on MVN-6 and reductions: InstanceNormalization,
-- LayerNormalization, GroupNormalization, RMSNormalization, MeanVarianceNormalization,
-- LpNormalization and LRN.
local util = require("onnx_util")

local function axes_from(first, rank)
  local axes = {}
  for i = first, rank - 1 do axes[#axes + 1] = i end
  return axes
end

-- stash_type = 1 (float) asks for the statistics in f32 even when the data is f16/bf16/f64.
local function stash(node, x)
  local original = x:type()
  if node:attr("stash_type", 1) == 1 and original ~= "f32" then
    return remo.op("opset1.Convert", {x}, {destination_type = "f32"}), original
  end
  return x, original
end

local function unstash(y, original)
  if y:type() ~= original then return remo.op("opset1.Convert", {y}, {destination_type = original}) end
  return y
end

local function mvn(x, axes, eps, mode)
  return remo.op("opset6.MVN", {x, remo.const(axes, "i64")},
                 {eps = eps, normalize_variance = true, eps_mode = mode or "INSIDE_SQRT"})
end

remo.translate("onnx.InstanceNormalization", function(node)
  local x, scale, bias = node:input(1), node:input(2), node:input(3)
  local rank = util.rank(x, "InstanceNormalization")
  if rank < 3 then error("InstanceNormalization needs input of rank >= 3 ([N, C, D1, ...]), got rank " .. rank) end
  local y = mvn(x, axes_from(2, rank), node:attr("epsilon", 1e-5))
  y = remo.op("opset1.Multiply", {y, util.per_channel(scale, rank)})
  return remo.op("opset1.Add", {y, util.per_channel(bias, rank)})
end)

-- Y = (X - mean) / sqrt(var + eps) * scale + bias over axes [axis, rank); optional outputs
-- Mean and InvStdDev keep the reduced axes as 1s.
remo.translate("onnx.LayerNormalization", function(node)
  local x_in, scale, bias = node:input(1), node:input(2), node:input(3)
  local rank = util.rank(x_in, "LayerNormalization")
  local axes = axes_from(util.axis(node:attr("axis", -1), rank), rank)
  local eps = node:attr("epsilon", 1e-5)
  local x, original = stash(node, x_in)
  local y = mvn(x, axes, eps)
  y = unstash(y, original)
  y = remo.op("opset1.Multiply", {y, scale})
  if bias ~= nil then y = remo.op("opset1.Add", {y, bias}) end
  if node:output_count() == 1 then return y end
  local axes_const = remo.const(axes, "i64")
  local mean = remo.op("opset1.ReduceMean", {x, axes_const}, {keep_dims = true})
  local centered = remo.op("opset1.Subtract", {x, mean})
  local var = remo.op("opset1.ReduceMean", {remo.op("opset1.Multiply", {centered, centered}), axes_const},
                      {keep_dims = true})
  local std = remo.op("opset1.Sqrt", {remo.op("opset1.Add", {var, remo.const(eps, x:type())})})
  local inv_std = remo.op("opset1.Divide", {remo.const(1.0, x:type()), std})
  return y, mean, inv_std
end)

-- Y = X / sqrt(mean(X^2) + eps) * scale over axes [axis, rank).
remo.translate("onnx.RMSNormalization", function(node)
  local x_in, scale = node:input(1), node:input(2)
  local rank = util.rank(x_in, "RMSNormalization")
  local axes = axes_from(util.axis(node:attr("axis", -1), rank), rank)
  local x, original = stash(node, x_in)
  local mean_sq = remo.op("opset1.ReduceMean", {remo.op("opset1.Multiply", {x, x}), remo.const(axes, "i64")},
                          {keep_dims = true})
  local rms = remo.op("opset1.Sqrt", {remo.op("opset1.Add", {mean_sq, remo.const(node:attr("epsilon", 1e-5), x:type())})})
  local y = unstash(remo.op("opset1.Divide", {x, rms}), original)
  return remo.op("opset1.Multiply", {y, scale})
end)

-- X [N, C, ...] is normalized per (N, group) over C/G channels and the spatial axes, then scaled
-- per channel. Opset 18 gives scale and bias per group, opset 21 per channel.
remo.translate("onnx.GroupNormalization", function(node)
  local x_in, scale, bias = node:input(1), node:input(2), node:input(3)
  local rank = util.rank(x_in, "GroupNormalization")
  if rank < 3 then error("GroupNormalization needs input of rank >= 3 ([N, C, D1, ...]), got rank " .. rank) end
  local groups = node:attr("num_groups")
  local x, original = stash(node, x_in)
  local grouped = remo.op("opset1.Reshape", {x, remo.const({0, groups, -1}, "i64")}, {special_zero = true})
  local normalized = mvn(grouped, {2}, node:attr("epsilon", 1e-5))
  local y = remo.op("opset1.Reshape", {normalized, remo.op("opset3.ShapeOf", {x_in}, {output_type = "i64"})},
                    {special_zero = false})
  y = unstash(y, original)
  if node.opset < 21 then
    -- per-group [G] -> per-channel [C]: each group's value repeated C/G times
    local channels = x_in:shape()[2]
    if channels < 0 then error("GroupNormalization-18 needs a static channel count to spread per-group scale") end
    if channels % groups ~= 0 then error("channels (" .. channels .. ") are not divisible by num_groups (" .. groups .. ")") end
    local function spread(v)
      local column = remo.op("opset1.Reshape", {v, remo.const({groups, 1}, "i64")}, {special_zero = false})
      local tiled = remo.op("opset1.Tile", {column, remo.const({1, channels // groups}, "i64")})
      return remo.op("opset1.Reshape", {tiled, remo.const({channels}, "i64")}, {special_zero = false})
    end
    scale, bias = spread(scale), spread(bias)
  end
  y = remo.op("opset1.Multiply", {y, util.per_channel(scale, rank)})
  return remo.op("opset1.Add", {y, util.per_channel(bias, rank)})
end)

-- (X - mean) / (std + 1e-9) over `axes` (default N and the spatial axes of a 4-D input).
remo.translate("onnx.MeanVarianceNormalization", function(node)
  local x = node:input(1)
  local rank = util.rank(x, "MeanVarianceNormalization")
  local axes = {}
  for i, a in ipairs(node:attr("axes", {0, 2, 3})) do axes[i] = util.axis(a, rank) end
  return mvn(x, axes, 1e-9, "OUTSIDE_SQRT")
end)

-- X / ||X||_p along one axis, p = 1 or 2; a zero norm gives 0 rather than NaN.
remo.translate("onnx.LpNormalization", function(node)
  local x = node:input(1)
  local rank = util.rank(x, "LpNormalization")
  local axis = util.axis(node:attr("axis", -1), rank)
  local p = node:attr("p", 2)
  local reduce = ({[1] = "opset4.ReduceL1", [2] = "opset4.ReduceL2"})[p]
  if reduce == nil then error("LpNormalization supports p = 1 or 2, got " .. tostring(p)) end
  local norm = remo.op(reduce, {x, remo.const({axis}, "i64")}, {keep_dims = true})
  local zero = remo.const(0, x:type())
  local is_zero = remo.op("opset1.Equal", {norm, zero})
  return remo.op("opset1.Select", {is_zero, zero, remo.op("opset1.Divide", {x, norm})})
end)

-- Local response normalization across channels.
remo.translate("onnx.LRN", function(node)
  local x = node:input(1)
  util.rank(x, "LRN")
  return remo.op("opset1.LRN", {x, remo.const({1}, "i64")}, {
    alpha = node:attr("alpha", 1e-4), beta = node:attr("beta", 0.75),
    bias = node:attr("bias", 1.0), size = node:attr("size"),
  })
end)
