-- Paddle's multiclass_nms / multiclass_nms2 / multiclass_nms3 -> NonMaxSuppression-9 plus the
-- gathers that build Paddle's outputs (the batched form: BBoxes [N, M, 4], Scores [N, C, M]; the
-- per-class form with RoisNum is per_class_form below):
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

-- multiclass_nms (v1) has no Index output, and Paddle then gives [[-1]] (1 x 1) when nothing
-- survives: rows [0, max(K, 1)) and columns [0, K > 0 ? 6 : 1) of Out with a row of -1 below.
local function minus_one_when_empty(out)
  local rows = remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {out}, {output_type = "i64"}), i64({0}), i64(0)})
  local some = remo.op("opset1.Greater", {rows, i64({0})})
  local padded = remo.op("opset1.Concat", {out, remo.const({-1, -1, -1, -1, -1, -1}, out:type(), {1, 6})}, {axis = 0})
  local stop = remo.op("opset1.Concat", {remo.op("opset1.Maximum", {rows, i64({1})}),
                                         remo.op("opset1.Select", {some, i64({6}), i64({1})})}, {axis = 0})
  return remo.op("opset8.Slice", {padded, i64({0, 0}), stop, i64({1, 1})})
end

-- The per-class form of Faster R-CNN heads: BBoxes [M, C, 4] (a box per row and class) and
-- Scores [M, C], the rows of N images given by RoisNum [N]. Rows are scattered into a padded
-- [N, Mmax] layout so that NonMaxSuppression-9 can run each (image, class) pair as one batch;
-- Paddle orders each image's rows by label, then by row (not by score), and Index is
-- row * C + label.
local function per_class_form(node, bboxes, scores, num, iou, threshold)
  local t = scores:type()
  local low = remo.const(LOWEST, t)
  local m, classes = dim(scores, 0), dim(scores, 1)
  local counts_in = remo.op("opset1.Convert", {num}, {destination_type = "i64"})
  local ends = remo.op("opset3.CumSum", {counts_in, i64(0)})
  local starts = remo.op("opset1.Subtract", {ends, counts_in})
  local rows = remo.op("opset4.Range", {i64(0), m, i64(1)}, {output_type = "i64"})
  local past = remo.op("opset1.GreaterEqual", {unsq(rows, 1), unsq(ends, 0)})
  local image = remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {past}, {destination_type = "i64"}), i64({1})}, {keep_dims = false})
  local local_row = remo.op("opset1.Subtract", {rows, remo.op("opset8.Gather", {starts, image, i64(0)})})
  local n = dim(num, 0)
  local longest = remo.op("opset1.ReduceMax", {counts_in, i64({0})}, {keep_dims = false})
  local function padded(values, fill, tail)
    local shape = remo.op("opset1.Concat", {unsq(n, 0), unsq(longest, 0), tail}, {axis = 0})
    local base = remo.op("opset3.Broadcast", {fill, shape})
    local where = remo.op("opset1.Concat", {unsq(image, 1), unsq(local_row, 1)}, {axis = 1})
    return remo.op("opset15.ScatterNDUpdate", {base, where, values})
  end
  local box_pad = padded(bboxes, remo.const(0, bboxes:type()), remo.op("opset1.Concat", {unsq(classes, 0), i64({4})}, {axis = 0}))
  local score_pad = padded(scores, low, unsq(classes, 0))                                             -- [N, Mmax, C]
  local s = remo.op("opset1.Transpose", {score_pad, i64({0, 2, 1})})                                  -- [N, C, Mmax]
  local background = node:attr("background_label", 0)
  if background >= 0 then
    local ids = remo.op("opset4.Range", {i64(0), classes, i64(1)}, {output_type = "i64"})
    local is_bg = remo.op("opset1.Equal", {remo.op("opset1.Reshape", {ids, i64({1, -1, 1})}, {special_zero = false}), i64(background)})
    s = remo.op("opset1.Select", {is_bg, low, s})
  end
  local nms_top_k = node:attr("nms_top_k", -1)
  if nms_top_k > -1 then
    local k = remo.op("opset1.Minimum", {i64(nms_top_k), longest})
    local best = remo.op("opset11.TopK", {s, k}, {axis = 2, mode = "max", sort = "value", index_element_type = "i64"})
    local kth = remo.op("opset8.Gather", {best, unsq(remo.op("opset1.Subtract", {k, i64(1)}), 0), i64(2)})
    s = remo.op("opset1.Select", {remo.op("opset1.GreaterEqual", {s, kth}), s, low})
  end
  local boxes = remo.op("opset1.Transpose", {box_pad, i64({0, 2, 1, 3})})                            -- [N, C, Mmax, 4]
  if not node:attr("normalized", true) then boxes = remo.op("opset1.Add", {boxes, remo.const({0, 0, 1, 1}, bboxes:type())}) end
  local pair_count = remo.op("opset1.Multiply", {n, classes})
  boxes = remo.op("opset1.Reshape", {boxes, remo.op("opset1.Concat", {unsq(pair_count, 0), i64({-1, 4})}, {axis = 0})}, {special_zero = false})
  s = remo.op("opset1.Reshape", {s, remo.op("opset1.Concat", {unsq(pair_count, 0), i64({1, -1})}, {axis = 0})}, {special_zero = false})
  local selected = remo.op("opset9.NonMaxSuppression", {boxes, s, unsq(longest, 0), remo.const({iou}, t), remo.const({threshold}, t)},
                           {box_encoding = "corner", sort_result_descending = false, output_type = "i64"})
  local pair = remo.op("opset8.Gather", {selected, i64(0), i64(1)})
  local img = remo.op("opset1.Divide", {pair, classes})
  local label = remo.op("opset1.FloorMod", {pair, classes})
  local row = remo.op("opset1.Add", {remo.op("opset8.Gather", {starts, img, i64(0)}), remo.op("opset8.Gather", {selected, i64(2), i64(1)})})
  local score = remo.op("opset8.GatherND", {scores, remo.op("opset1.Concat", {unsq(row, 1), unsq(label, 1)}, {axis = 1})}, {batch_dims = 0})
  local images = remo.op("opset4.Range", {i64(0), n, i64(1)}, {output_type = "i64"})
  local keep_top_k = node:attr("keep_top_k", -1)
  local function take(v, at) return remo.op("opset8.Gather", {v, at, i64(0)}) end
  if keep_top_k > -1 then
    local in_image = remo.op("opset1.Equal", {unsq(images, 1), unsq(img, 0)})
    local per_image = remo.op("opset1.Select", {in_image, unsq(score, 0), low})
    local pad = remo.op("opset3.Broadcast", {low, remo.op("opset1.Concat", {unsq(n, 0), i64({1})}, {axis = 0})})
    per_image = remo.op("opset1.Concat", {per_image, pad}, {axis = 1})
    local k = remo.op("opset1.Minimum", {i64(keep_top_k), remo.op("opset1.Add", {dim(score, 0), i64(1)})})
    local best = remo.op("opset11.TopK", {per_image, k}, {axis = 1, mode = "max", sort = "value", index_element_type = "i64"})
    local kth = remo.op("opset8.Gather", {best, remo.op("opset1.Subtract", {k, i64(1)}), i64(1)})
    local keep = remo.op("opset1.GreaterEqual", {score, take(kth, img)})
    local kept = remo.op("opset1.Reshape", {remo.op("opset3.NonZero", {keep}, {output_type = "i64"}), i64({-1})}, {special_zero = false})
    img, label, row, score = take(img, kept), take(label, kept), take(row, kept), take(score, kept)
  end
  -- Paddle's order: image, label, row.
  local key = remo.op("opset1.Add", {remo.op("opset1.Multiply", {remo.op("opset1.Add", {remo.op("opset1.Multiply", {img, classes}), label}), m}), row})
  local _, order = remo.op("opset11.TopK", {key, dim(key, 0)}, {axis = 0, mode = "min", sort = "value", index_element_type = "i64"})
  img, label, row, score = take(img, order), take(label, order), take(row, order), take(score, order)
  local box = remo.op("opset8.GatherND", {bboxes, remo.op("opset1.Concat", {unsq(row, 1), unsq(label, 1)}, {axis = 1})}, {batch_dims = 0})
  local out = remo.op("opset1.Concat", {unsq(remo.op("opset1.Convert", {label}, {destination_type = t}), 1), unsq(score, 1), box}, {axis = 1})
  local index = remo.op("opset1.Convert", {unsq(remo.op("opset1.Add", {remo.op("opset1.Multiply", {row, classes}), label}), 1)}, {destination_type = "i32"})
  local hit = remo.op("opset1.Equal", {unsq(images, 1), unsq(img, 0)})
  local counts = remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {hit}, {destination_type = "i32"}), i64({1})}, {keep_dims = false})
  return out, index, counts
end

local function translate(node)
  local bboxes, scores = util.required(node, "BBoxes"), util.required(node, "Scores")
  local rois_num = util.input(node, "RoisNum")
  if util.rank(scores, node.type .. "'s Scores") == 2 then
    local b = bboxes:shape()
    if rois_num == nil then error(node.type .. ": the per-class form (Scores [M, C]) needs RoisNum (the LoD form is not supported)") end
    if b == nil or #b ~= 3 or b[3] ~= 4 then error(node.type .. ": with Scores [M, C], BBoxes must be [M, C, 4]") end
    local eta, iou = node:attr("nms_eta", 1.0), node:attr("nms_threshold", 0.3)
    if eta < 1.0 and iou > 0.5 then
      error(node.type .. ": nms_eta " .. eta .. " with nms_threshold " .. iou .. " (an adaptive IoU threshold) cannot be converted")
    end
    local out, index, counts = per_class_form(node, bboxes, scores, rois_num, iou, node:attr("score_threshold", 0.0))
    if node.op == "paddle.multiclass_nms" then out = minus_one_when_empty(out) end
    return util.outputs(node, {Out = out, Index = index, NmsRoisNum = counts})
  end
  if rois_num ~= nil or util.rank(scores, node.type .. "'s Scores") ~= 3 then
    error(node.type .. ": Scores must be [N, C, M] (or [M, C] with RoisNum)")
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
  if node.op == "paddle.multiclass_nms" then out = minus_one_when_empty(out) end
  return util.outputs(node, {Out = out, Index = index, NmsRoisNum = counts})
end

remo.translate("paddle.multiclass_nms3", translate)
remo.translate("paddle.multiclass_nms2", translate)
remo.translate("paddle.multiclass_nms", translate)

-- matrix_nms (Matrix NMS of SOLOv2): per image and class (but background_label), the nms_top_k
-- best scores above score_threshold decay instead of being suppressed: a box's score is
-- multiplied by the least, over the better boxes j of its class, of (1 - iou) / (1 - iou_max_j)
-- (use_gaussian: exp((iou_max_j^2 - iou^2) * gaussian_sigma)), iou_max_j being j's own largest IoU
-- with a better box; boxes whose decayed score exceeds post_threshold are kept, each image's
-- keep_top_k best of them in decayed-score order. Out [K, 6] rows [label, decayed score, box],
-- Index [K, 1] (image * M + box), RoisNum [N]; written with dense [N, C, k, k] IoU matrices.
remo.translate("paddle.matrix_nms", function(node)
  local bboxes, scores = util.required(node, "BBoxes"), util.required(node, "Scores")
  local bshape = bboxes:shape()
  if bshape == nil or #bshape ~= 3 or bshape[3] ~= 4 or util.rank(scores, "matrix_nms's Scores") ~= 3 then
    error("matrix_nms: BBoxes must be [N, M, 4] and Scores [N, C, M]")
  end
  local t = scores:type()
  local function s(v) return remo.const(v, t) end
  local low = s(LOWEST)
  local m = dim(bboxes, 1)
  local k = m
  local nms_top_k = node:attr("nms_top_k", -1)
  if nms_top_k > -1 then k = remo.op("opset1.Minimum", {i64(nms_top_k), m}) end
  local top, idx = remo.op("opset11.TopK", {scores, k}, {axis = 2, mode = "max", sort = "value", index_element_type = "i64"})
  local valid = remo.op("opset1.Greater", {top, s(node:attr("score_threshold", 0.0))})      -- [N, C, k]
  local background = node:attr("background_label", 0)
  if background >= 0 then
    local classes = remo.op("opset4.Range", {i64(0), dim(scores, 1), i64(1)}, {output_type = "i64"})
    local not_bg = remo.op("opset1.NotEqual", {remo.op("opset1.Reshape", {classes, i64({1, -1, 1})}, {special_zero = false}), i64(background)})
    valid = remo.op("opset1.LogicalAnd", {valid, not_bg})
  end
  local boxes = util.batch_gather(bboxes, idx)                -- [N, C, k, 4]
  local norm = s(node:attr("normalized", true) and 0.0 or 1.0)
  local function c(j) return remo.op("opset8.Gather", {boxes, i64(j), i64(3)}) end
  local x1, y1, x2, y2 = c(0), c(1), c(2), c(3)
  local function rows(v) return unsq(v, 3) end   -- box i: [N, C, k, 1]
  local function cols(v) return unsq(v, 2) end   -- box j: [N, C, 1, k]
  local function area(a1, b1, a2, b2)
    local w, h = remo.op("opset1.Subtract", {a2, a1}), remo.op("opset1.Subtract", {b2, b1})
    local ok = remo.op("opset1.LogicalAnd", {remo.op("opset1.GreaterEqual", {w, s(0)}), remo.op("opset1.GreaterEqual", {h, s(0)})})
    return remo.op("opset1.Select", {ok, remo.op("opset1.Multiply", {remo.op("opset1.Add", {w, norm}), remo.op("opset1.Add", {h, norm})}), s(0)})
  end
  local iw = remo.op("opset1.Subtract", {remo.op("opset1.Minimum", {rows(x2), cols(x2)}), remo.op("opset1.Maximum", {rows(x1), cols(x1)})})
  local ih = remo.op("opset1.Subtract", {remo.op("opset1.Minimum", {rows(y2), cols(y2)}), remo.op("opset1.Maximum", {rows(y1), cols(y1)})})
  local overlap = remo.op("opset1.LogicalAnd", {remo.op("opset1.GreaterEqual", {iw, s(0)}), remo.op("opset1.GreaterEqual", {ih, s(0)})})
  local inter = remo.op("opset1.Select", {overlap, remo.op("opset1.Multiply", {remo.op("opset1.Add", {iw, norm}), remo.op("opset1.Add", {ih, norm})}), s(0)})
  local a = area(x1, y1, x2, y2)
  local union = remo.op("opset1.Subtract", {remo.op("opset1.Add", {rows(a), cols(a)}), inter})
  local iou = remo.op("opset1.Divide", {inter, union})                                           -- [N, C, k, k]
  local order = remo.op("opset4.Range", {i64(0), k, i64(1)}, {output_type = "i64"})
  local better = remo.op("opset1.Less", {unsq(order, 0), unsq(order, 1)})                       -- [i, j]: j < i
  local iou_max = remo.op("opset1.ReduceMax", {remo.op("opset1.Select", {better, iou, s(0)}), i64({3})}, {keep_dims = false})
  local max_j = cols(iou_max)
  local decay
  if node:attr("use_gaussian", false) then
    local sigma = s(node:attr("gaussian_sigma", 2.0))
    decay = remo.op("opset1.Exp", {remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {remo.op("opset1.Multiply", {max_j, max_j}),
                                                                                          remo.op("opset1.Multiply", {iou, iou})}), sigma})})
  else
    decay = remo.op("opset1.Divide", {remo.op("opset1.Subtract", {s(1), iou}), remo.op("opset1.Subtract", {s(1), max_j})})
  end
  local least = remo.op("opset1.ReduceMin", {remo.op("opset1.Select", {better, decay, s(1)}), i64({3})}, {keep_dims = false})
  least = remo.op("opset1.Minimum", {least, s(1)})
  local decayed = remo.op("opset1.Multiply", {least, top})                                      -- [N, C, k]
  local keep = remo.op("opset1.LogicalAnd", {valid, remo.op("opset1.Greater", {decayed, s(node:attr("post_threshold", 0.0))})})
  local flat = remo.op("opset1.Reshape", {remo.op("opset1.Select", {keep, decayed, low}), i64({0, -1})}, {special_zero = true})
  local flat_idx = remo.op("opset1.Reshape", {idx, i64({0, -1})}, {special_zero = true})        -- [N, C*k]
  local count = dim(flat, 1)
  local kk = count
  local keep_top_k = node:attr("keep_top_k", -1)
  if keep_top_k > -1 then kk = remo.op("opset1.Minimum", {i64(keep_top_k), count}) end
  local best, pos = remo.op("opset11.TopK", {flat, kk}, {axis = 1, mode = "max", sort = "value", index_element_type = "i64"})
  local kept = remo.op("opset1.Greater", {best, low})                                           -- [N, kk]
  local n = dim(bboxes, 0)
  local images = remo.op("opset4.Range", {i64(0), n, i64(1)}, {output_type = "i64"})
  local image_grid = remo.op("opset3.Broadcast", {unsq(images, 1), remo.op("opset3.ShapeOf", {best}, {output_type = "i64"})})
  local box = util.batch_gather(flat_idx, pos)                -- [N, kk]
  local label = remo.op("opset1.Divide", {pos, unsq(k, 0)})                                      -- class = position / k
  local rows_kept = remo.op("opset1.Reshape", {remo.op("opset3.NonZero", {remo.op("opset1.Reshape", {kept, i64({-1})}, {special_zero = false})},
                                                       {output_type = "i64"}), i64({-1})}, {special_zero = false})
  local function pick(v) return remo.op("opset8.Gather", {remo.op("opset1.Reshape", {v, i64({-1})}, {special_zero = false}), rows_kept, i64(0)}) end
  local image, box_index, score = pick(image_grid), pick(box), pick(best)
  local where = remo.op("opset1.Concat", {unsq(image, 1), unsq(box_index, 1)}, {axis = 1})
  local coords = remo.op("opset8.GatherND", {bboxes, where}, {batch_dims = 0})
  local out = remo.op("opset1.Concat", {unsq(remo.op("opset1.Convert", {pick(label)}, {destination_type = t}), 1), unsq(score, 1), coords}, {axis = 1})
  local flat_index = remo.op("opset1.Add", {remo.op("opset1.Multiply", {image, m}), box_index})
  local index = remo.op("opset1.Convert", {unsq(flat_index, 1)}, {destination_type = "i32"})
  local counts = remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {kept}, {destination_type = "i32"}), i64({1})}, {keep_dims = false})
  return util.outputs(node, {Out = out, Index = index, RoisNum = counts})
end)
