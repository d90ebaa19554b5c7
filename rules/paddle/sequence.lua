-- Paddle im2sequence (and ctc_align below): each kernels[0] x kernels[1] patch of X [N, C, H, W] (strides, zero
-- paddings [top, left, bottom, right]) becomes one row of Out [N * oh * ow, C * kh * kw], rows
-- image by image in raster order, each row channel by channel then kernel row and column (the
-- LoD of Paddle's output, one sequence per image, is not kept). Written as a convolution with
-- one-hot filters, which produces exactly that column order, then a transpose and reshape.
local util = require("paddle_util")

remo.translate("paddle.im2sequence", function(node)
  local x = util.required(node, "X")
  if util.input(node, "Y") ~= nil then
    error("im2sequence: the Y input (real image sizes, one sequence length per image) is not supported")
  end
  local shape = x:shape()
  if shape == nil or #shape ~= 4 or shape[2] < 0 then error("im2sequence needs X [N, C, H, W] with a static C") end
  local c = shape[2]
  local k = node:attr("kernels")
  local strides = node:attr("strides", {1, 1})
  local pads = node:attr("paddings", {0, 0, 0, 0})
  if #k ~= 2 or #strides ~= 2 or #pads ~= 4 then
    error("im2sequence: kernels and strides need 2 values and paddings 4 (top, left, bottom, right)")
  end
  local cols = c * k[1] * k[2]
  local weights = {}
  for i = 1, cols * cols do weights[i] = 0 end
  -- filter o = (ch, i, j) reads channel ch at kernel position (i, j)
  for o = 0, cols - 1 do
    weights[o * cols + o + 1] = 1
  end
  local filter = remo.const(weights, x:type(), {cols, c, k[1], k[2]})
  local y = remo.op("opset1.Convolution", {x, filter}, {
    strides = strides, pads_begin = {pads[1], pads[2]}, pads_end = {pads[3], pads[4]}, dilations = {1, 1},
    auto_pad = "explicit"})
  y = remo.op("opset1.Transpose", {y, remo.const({0, 2, 3, 1}, "i64")})
  y = remo.op("opset1.Reshape", {y, remo.const({-1, cols}, "i64")}, {special_zero = false})
  return util.outputs(node, {Out = y})
end)

-- ctc_align, the padded form (CTC greedy decoding of InputLength [N, 1] tokens of each row of
-- Input [N, T]): a token is kept when it is not `blank` and, with merge_repeated, differs from
-- the token before it (blanks count as tokens there); kept tokens move to the front of the row
-- in order, the rest is padding_value; OutputLength [N, 1] counts them. The LoD form (no
-- InputLength) is refused.
remo.translate("paddle.ctc_align", function(node)
  local x = util.required(node, "Input")
  local lens = util.input(node, "InputLength")
  if lens == nil then error("ctc_align: only the padded form with InputLength is supported (the LoD form is not)") end
  if util.rank(x, "ctc_align's Input") ~= 2 then error("ctc_align: Input must be [N, T]") end
  local function i64(v) return remo.const(v, "i64") end
  local t = x:type()
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local steps = remo.op("opset8.Gather", {dims, i64({1}), i64(0)})
  local order = remo.op("opset4.Range", {i64(0), remo.op("opset1.Squeeze", {steps}), i64(1)}, {output_type = "i64"})
  local length = remo.op("opset1.Reshape", {remo.op("opset1.Convert", {lens}, {destination_type = "i64"}), i64({-1, 1})}, {special_zero = false})
  local keep = remo.op("opset1.Less", {remo.op("opset1.Unsqueeze", {order, i64({0})}), length})        -- within the row's length
  keep = remo.op("opset1.LogicalAnd", {keep, remo.op("opset1.NotEqual", {x, remo.const(node:attr("blank", 0), t)})})
  if node:attr("merge_repeated", true) then
    local rows = remo.op("opset8.Gather", {dims, i64({0}), i64(0)})
    local first = remo.op("opset3.Broadcast", {remo.const(-1, t), remo.op("opset1.Concat", {rows, i64({1})}, {axis = 0})})
    local before = remo.op("opset8.Slice", {x, i64({0}), i64({-1}), i64({1}), i64({1})})
    local prev = remo.op("opset1.Concat", {first, before}, {axis = 1})
    keep = remo.op("opset1.LogicalAnd", {keep, remo.op("opset1.NotEqual", {x, prev})})
  end
  local kept = remo.op("opset1.Convert", {keep}, {destination_type = "i64"})
  local place = remo.op("opset3.CumSum", {kept, i64(1)}, {exclusive = true})
  -- Dropped tokens go to an extra last column, which is cut off afterwards.
  local target = remo.op("opset1.Select", {keep, place, remo.op("opset1.Unsqueeze", {remo.op("opset1.Squeeze", {steps}), i64({0})})})
  local wide = remo.op("opset1.Concat", {remo.op("opset8.Gather", {dims, i64({0}), i64(0)}),
                                         remo.op("opset1.Add", {steps, i64({1})})}, {axis = 0})
  local base = remo.op("opset3.Broadcast", {remo.const(node:attr("padding_value", 0), t), wide})
  local out = remo.op("opset12.ScatterElementsUpdate", {base, target, x, i64(1)})
  out = remo.op("opset8.Slice", {out, i64({0}), steps, i64({1}), i64({1})})
  local count = remo.op("opset1.ReduceSum", {kept, i64({1})}, {keep_dims = true})
  return util.outputs(node, {Output = out, OutputLength = remo.op("opset1.Convert", {count}, {destination_type = t})})
end)
