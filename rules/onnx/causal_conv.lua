-- ONNX CausalConvWithState -> a depthwise GroupConvolution over [past state (or zeros), input],
-- an optional bias and SiLU, and the last k - 1 steps of that sequence as the present state.
local util = require("onnx_util")

local function i64(v) return remo.const(v, "i64") end

remo.translate("onnx.CausalConvWithState", function(node)
  local x, w, b, past = node:input(1), node:input(2), node:input(3), node:input(4)
  if util.rank(x, "CausalConvWithState") ~= 3 then error("CausalConvWithState needs input [batch, channels, length]") end
  local w_shape = w:shape()
  if w_shape == nil or #w_shape ~= 3 or w_shape[3] < 0 then
    error("CausalConvWithState needs weights [channels, 1, k] with a static k")
  end
  local activation = node:attr("activation", "none")
  if activation ~= "none" and activation ~= "silu" and activation ~= "swish" then
    error("activation '" .. activation .. "' is not one of none, silu, swish")
  end
  local k = w_shape[3]
  local padded
  if past ~= nil then
    padded = remo.op("opset1.Concat", {past, x}, {axis = 2})
  else
    padded = remo.op("opset12.Pad", {x, i64({0, 0, k - 1}), i64({0, 0, 0}), remo.const(0, x:type())}, {pad_mode = "constant"})
  end
  -- [C, 1, k] -> [G = C, 1, 1, k]
  local kernel = remo.op("opset1.Unsqueeze", {w, i64({1})})
  local y = remo.op("opset1.GroupConvolution", {padded, kernel},
                    {strides = {1}, dilations = {1}, pads_begin = {0}, pads_end = {0}, auto_pad = "explicit"})
  if b ~= nil then y = remo.op("opset1.Add", {y, util.per_channel(b, 3)}) end
  if activation ~= "none" then y = remo.op("opset4.Swish", {y}) end
  -- the last k - 1 steps (none for k = 1)
  local start = k > 1 and -(k - 1) or math.maxinteger
  local state = remo.op("opset8.Slice", {padded, i64({start}), i64({math.maxinteger}), i64({1}), i64({2})})
  return y, state
end)
