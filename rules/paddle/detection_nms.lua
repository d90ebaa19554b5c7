-- Paddle's multiclass_nms2 / multiclass_nms3 -> NonMaxSuppression-9 plus the gathers that build
-- Paddle's outputs (the batched form: BBoxes [N, M, 4], Scores [N, C, M]):
-- - Out [K, 6]: rows [label, score, x1, y1, x2, y2], image by image, labels ascending, best
--   score first within a label (Paddle's order, which NMS-9 without sort_result_descending has);
-- - Index [K, 1] (int32): image * M + box;
-- - NmsRoisNum [N] (int32): how many rows each image has.
-- K is known only when the model runs: the outputs have a dynamic first dimension.
-- What NMS-9 does not have is built around it: the background class and every score outside a
-- class's nms_top_k best are lowered below any threshold before it; keep_top_k (the best rows of
-- each image) is a per-image score threshold after it; unnormalized boxes (Paddle adds 1 to
-- widths and heights in the IoU) go to NMS-9 with x2, y2 moved out by 1, which gives the same
-- overlaps. nms_eta < 1 (an IoU threshold that shrinks as boxes are kept) cannot be expressed and
-- is refused when it would act (nms_threshold > 0.5).
local util = require("paddle_util")

local function i64(v) return remo.const(v, "i64") end
local function unsq(a, axis) return remo.op("opset1.Unsqueeze", {a, i64({axis})}) end
local function dim(x, axis)  -- dimension `axis` of x as an i64 scalar
  return remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}), i64(axis), i64(0)})
end

local LOWEST = -3.0e38  -- below any score threshold

local function translate(node)
  local bboxes, scores = util.required(node, "BBoxes"), util.required(node, "Scores")
  if util.input(node, "RoisNum") ~= nil or util.rank(scores, node.type .. "'s Scores") ~= 3 then
    error(node.type .. ": only the batched form (BBoxes [N, M, 4], Scores [N, C, M]) is supported, not per-class boxes with RoisNum or LoD")
  end
  local bshape = bboxes:shape()
  if bshape == nil or #bshape ~= 3 or bshape[3] ~= 4 then
    error(node.type .. ": BBoxes must be [N, M, 4] (polygon boxes of 8 or more coordinates are not supported)")
  end
  local eta = node:attr("nms_eta", 1.0)
  local iou = node:attr("nms_threshold", 0.3)
  if eta < 1.0 and iou > 0.5 then
    error(node.type .. ": nms_eta " .. eta .. " with nms_threshold " .. iou .. " (an adaptive IoU threshold) cannot be converted")
  end
  local t = scores:type()
  local low = remo.const(LOWEST, t)
  local background = node:attr("background_label", 0)
  local nms_top_k = node:attr("nms_top_k", -1)
  local keep_top_k = node:attr("keep_top_k", -1)
  local threshold = node:attr("score_threshold", 0.0)
  local boxes_count = dim(bboxes, 1)

  local s = scores
  if background >= 0 then
    local classes = remo.op("opset4.Range", {i64(0), dim(scores, 1), i64(1)}, {output_type = "i64"})
    local is_bg = remo.op("opset1.Equal", {remo.op("opset1.Reshape", {classes, i64({1, -1, 1})}, {special_zero = false}), i64(background)})
    s = remo.op("opset1.Select", {is_bg, low, s})
  end
  if nms_top_k > -1 then
    -- Only the nms_top_k best scores of each image and class are candidates.
    local k = remo.op("opset1.Minimum", {i64(nms_top_k), boxes_count})
    local best = remo.op("opset11.TopK", {s, k}, {axis = 2, mode = "max", sort = "value", index_element_type = "i64"})
    local last = remo.op("opset1.Subtract", {k, i64(1)})
    local kth = remo.op("opset8.Gather", {best, unsq(last, 0), i64(2)})                       -- [N, C, 1]
    s = remo.op("opset1.Select", {remo.op("opset1.GreaterEqual", {s, kth}), s, low})
  end
  local nms_boxes = bboxes
  if not node:attr("normalized", true) then
    nms_boxes = remo.op("opset1.Add", {bboxes, remo.const({0, 0, 1, 1}, bboxes:type())})
  end
  local selected = remo.op("opset9.NonMaxSuppression", {nms_boxes, s, unsq(boxes_count, 0), remo.const({iou}, t),
                                                        remo.const({threshold}, t)},
                           {box_encoding = "corner", sort_result_descending = false, output_type = "i64"})
  local score = remo.op("opset8.GatherND", {scores, selected}, {batch_dims = 0})                 -- [K]
  local function column(k) return remo.op("opset8.Gather", {selected, i64(k), i64(1)}) end
  local image = column(0)
  local images = remo.op("opset4.Range", {i64(0), dim(bboxes, 0), i64(1)}, {output_type = "i64"})
  local in_image = remo.op("opset1.Equal", {unsq(images, 1), unsq(image, 0)})                 -- [N, K]
  if keep_top_k > -1 then
    -- Each image keeps its keep_top_k best rows: a row stays when its score reaches the
    -- keep_top_k-th best of its image. A column of LOWEST makes that LOWEST (keep all) for an
    -- image with fewer rows, and keeps TopK's k positive when nothing was selected.
    local per_image = remo.op("opset1.Select", {in_image, unsq(score, 0), low})
    local n = dim(bboxes, 0)
    local pad = remo.op("opset3.Broadcast", {low, remo.op("opset1.Concat", {unsq(n, 0), i64({1})}, {axis = 0})})
    per_image = remo.op("opset1.Concat", {per_image, pad}, {axis = 1})
    local k = remo.op("opset1.Minimum", {i64(keep_top_k), remo.op("opset1.Add", {dim(score, 0), i64(1)})})
    local best = remo.op("opset11.TopK", {per_image, k}, {axis = 1, mode = "max", sort = "value", index_element_type = "i64"})
    local kth = remo.op("opset8.Gather", {best, remo.op("opset1.Subtract", {k, i64(1)}), i64(1)})   -- [N]
    local keep = remo.op("opset1.GreaterEqual", {score, remo.op("opset8.Gather", {kth, image, i64(0)})})
    local rows = remo.op("opset1.Reshape", {remo.op("opset3.NonZero", {keep}, {output_type = "i64"}), i64({-1})}, {special_zero = false})
    selected = remo.op("opset8.Gather", {selected, rows, i64(0)})
    score = remo.op("opset8.Gather", {score, rows, i64(0)})
    image = column(0)
    in_image = remo.op("opset1.Equal", {unsq(images, 1), unsq(image, 0)})
  end
  local label = remo.op("opset1.Convert", {column(1)}, {destination_type = t})
  local box_index = column(2)
  local where = remo.op("opset1.Concat", {unsq(image, 1), unsq(box_index, 1)}, {axis = 1})
  local boxes = remo.op("opset8.GatherND", {bboxes, where}, {batch_dims = 0})                     -- [K, 4]
  local out = remo.op("opset1.Concat", {unsq(label, 1), unsq(score, 1), boxes}, {axis = 1})
  local flat = remo.op("opset1.Add", {remo.op("opset1.Multiply", {image, boxes_count}), box_index})
  local index = remo.op("opset1.Convert", {unsq(flat, 1)}, {destination_type = "i32"})
  local counts = remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {in_image}, {destination_type = "i32"}), i64({1})},
                         {keep_dims = false})
  return util.outputs(node, {Out = out, Index = index, NmsRoisNum = counts})
end

remo.translate("paddle.multiclass_nms3", translate)
remo.translate("paddle.multiclass_nms2", translate)
