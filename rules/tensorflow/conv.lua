-- TensorFlow Conv2D, Conv3D, DepthwiseConv2dNative and their fused forms -> Convolution / GroupConvolution in NCHW,
-- with Transposes around them for NHWC data (the middle phase sinks and cancels those).
local util = require("tf_util")

-- The convolution of `node` (Conv2D attributes) on x with a [kh, kw, in, out] filter.
local function convolution(node, x, filter, depthwise)
  local r = util.rank(x, node.op)
  if r ~= 4 and (r ~= 5 or depthwise) then
    error(node.op .. " needs a rank-" .. (depthwise and "4" or "4 or rank-5") .. " input, got rank " .. r)
  end
  local last = util.channels_last(node)
  local auto_pad, pads_begin, pads_end = util.padding(node, r, last)
  local attrs = {
    strides = util.spatial(node, "strides", r, last, 1),
    dilations = util.spatial(node, "dilations", r, last, 1),
    pads_begin = pads_begin, pads_end = pads_end, auto_pad = auto_pad,
  }
  local data = last and util.to_channels_first(x, r) or x
  local fshape = filter:shape()
  if fshape == nil or #fshape ~= r then error(node.op .. " needs a rank-" .. r .. " filter") end
  local y
  if depthwise then
    -- [kh, kw, C, M] -> [C, M, 1, kh, kw]: one group per input channel.
    local w = remo.op("opset1.Transpose", {filter, remo.const({2, 3, 0, 1}, "i64")})
    w = remo.op("opset1.Unsqueeze", {w, remo.const({2}, "i64")})
    y = remo.op("opset1.GroupConvolution", {data, w}, attrs)
  else
    -- [spatial..., in, out] -> [out, in, spatial...]
    local perm = {r - 1, r - 2}
    for i = 0, r - 3 do perm[#perm + 1] = i end
    local w = remo.op("opset1.Transpose", {filter, remo.const(perm, "i64")})
    local channels, cin, cout = data:shape()[2], fshape[r - 1], fshape[r]
    if channels > 0 and cin > 0 and channels ~= cin then
      if channels % cin ~= 0 then
        error(node.op .. ": input channels " .. channels .. " are not a multiple of the filter's " .. cin)
      end
      local groups = channels // cin
      local grouped = {groups, cout // groups, cin}
      for i = 1, r - 2 do grouped[#grouped + 1] = fshape[i] end
      w = remo.op("opset1.Reshape", {w, remo.const(grouped, "i64")}, {special_zero = false})
      y = remo.op("opset1.GroupConvolution", {data, w}, attrs)
    else
      y = remo.op("opset1.Convolution", {data, w}, attrs)
    end
  end
  return y, last, r
end

local function back(y, last, r)
  if last then return util.to_channels_last(y, r) end
  return y
end

remo.translate("tf.Conv2D", function(node)
  return back(convolution(node, node:input(1), node:input(2), false))
end)

remo.translate("tf.Conv3D", function(node)
  return back(convolution(node, node:input(1), node:input(2), false))
end)

remo.translate("tf.DepthwiseConv2dNative", function(node)
  return back(convolution(node, node:input(1), node:input(2), true))
end)

-- _FusedConv2D and _FusedDepthwiseConv2dNative (what TensorFlow's graph optimizer makes of a
-- convolution and what follows it): the convolution, then fused_ops, e.g. {BiasAdd}, {BiasAdd, Relu}, {FusedBatchNorm,
-- Relu6}; args (inputs 3...) are the bias, or scale/offset/mean/variance.
local function fused(node, depthwise)
  local y, last, r = convolution(node, node:input(1), node:input(2), depthwise)
  local ops = node:attr("fused_ops", {})
  local i = 1
  local function channel(v) return util.per_channel(v, r) end
  if ops[i] == "BiasAdd" then
    y = remo.op("opset1.Add", {y, channel(node:input(3))})
    i = i + 1
  elseif ops[i] == "FusedBatchNorm" then
    y = util.batch_norm(y, node:input(3), node:input(4), node:input(5), node:input(6),
                        node:attr("epsilon", 0.0001), false)
    i = i + 1
  end
  y = back(y, last, r)
  if ops[i] == "Add" or ops[i] == "AddV2" then
    y = remo.op("opset1.Add", {y, node:input(node:input_count())})
    i = i + 1
  end
  if ops[i] ~= nil then
    y = util.activation(ops[i], y, node)
    i = i + 1
  end
  if ops[i] ~= nil then error("fused_ops " .. table.concat(ops, ",") .. " is not supported") end
  return y
end

remo.translate("tf._FusedConv2D", function(node) return fused(node, false) end)
remo.translate("tf._FusedDepthwiseConv2dNative", function(node) return fused(node, true) end)
remo.translate("tf._FusedConv3D", function(node) return fused(node, false) end)
