-- The region-proposal ops of Faster R-CNN style graphs: anchor_generator (constants from the
-- static feature-map size) and generate_proposals_v2 (decode, clip, filter, NonMaxSuppression-9).
local util = require("paddle_util")

local function i64(v) return remo.const(v, "i64") end
local function add(a, b) return remo.op("opset1.Add", {a, b}) end
local function sub(a, b) return remo.op("opset1.Subtract", {a, b}) end
local function mul(a, b) return remo.op("opset1.Multiply", {a, b}) end
local function unsq(a, axis) return remo.op("opset1.Unsqueeze", {a, i64({axis})}) end
local function comp(boxes, k) return remo.op("opset8.Gather", {boxes, i64(k), i64(-1)}) end
local function dim(x, axis)
  return remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}), i64(axis), i64(0)})
end

-- C's round (half away from zero) of a positive number.
local function round(x) return math.floor(x + 0.5) end

-- anchor_generator: for each cell of Input [N, C, H, W] and each aspect ratio (outer) and anchor
-- size (inner), an anchor [x1, y1, x2, y2] in input pixels centred at
-- (w * stride_w + offset * (stride_w - 1), same for h): Anchors [H, W, A, 4] and their Variances.
remo.translate("paddle.anchor_generator", function(node)
  local input = util.required(node, "Input")
  local s = input:shape()
  if s == nil or #s ~= 4 or s[3] < 0 or s[4] < 0 then
    error("anchor_generator needs Input [N, C, H, W] with static H and W (use --input_shape)")
  end
  local fh, fw = s[3], s[4]
  local sizes, ratios = node:attr("anchor_sizes"), node:attr("aspect_ratios")
  local stride = node:attr("stride")
  if #stride ~= 2 then error("anchor_generator: stride must have 2 values, got " .. #stride) end
  local variances = node:attr("variances", {0.1, 0.1, 0.2, 0.2})
  if #variances ~= 4 then error("anchor_generator: variances must have 4 values, got " .. #variances) end
  local offset = node:attr("offset", 0.5)
  local sw, sh = stride[1], stride[2]
  local boxes, vars = {}, {}
  for h = 0, fh - 1 do
    for w = 0, fw - 1 do
      local cx, cy = w * sw + offset * (sw - 1), h * sh + offset * (sh - 1)
      for _, ar in ipairs(ratios) do
        for _, size in ipairs(sizes) do
          local base_w = round(math.sqrt(sw * sh / ar))
          local base_h = round(base_w * ar)
          local aw, ah = size / sw * base_w, size / sh * base_h
          for _, v in ipairs({cx - 0.5 * (aw - 1), cy - 0.5 * (ah - 1), cx + 0.5 * (aw - 1), cy + 0.5 * (ah - 1)}) do
            boxes[#boxes + 1] = v
          end
          for k = 1, 4 do vars[#vars + 1] = variances[k] end
        end
      end
    end
  end
  local shape = {fh, fw, #sizes * #ratios, 4}
  local t = input:type()
  return util.outputs(node, {Anchors = remo.const(boxes, t, shape), Variances = remo.const(vars, t, shape)})
end)

local LOWEST = -3.0e38         -- the score of a filtered-out proposal
local THRESHOLD = -1.0e38      -- NMS-9's score threshold: keeps every real score
local BBOX_CLIP = math.log(1000.0 / 16.0)

-- generate_proposals_v2: per image, the pre_nms_topN best of Scores [N, A, H, W] (all when it is
-- <= 0), their BboxDeltas [N, 4A, H, W] decoded against Anchors / Variances [H, W, A, 4] (log
-- sizes clipped to log(1000/16)), clipped to ImShape [N, 2] (height, width), boxes smaller than
-- max(min_size, 1) (and with pixel_offset, centred outside the image) dropped, then NMS at
-- nms_thresh (IoU with +1 sizes when pixel_offset) keeping post_nms_topN. RpnRois [K, 4],
-- RpnRoiProbs [K, 1] and RpnRoisNum [N] (int32), image by image, best score first.
remo.translate("paddle.generate_proposals_v2", function(node)
  local scores, deltas = util.required(node, "Scores"), util.required(node, "BboxDeltas")
  local im_shape = util.required(node, "ImShape")
  local anchors, variances = util.required(node, "Anchors"), util.input(node, "Variances")
  local pre, post = node:attr("pre_nms_topN", 6000), node:attr("post_nms_topN", 1000)
  local nms_thresh, min_size = node:attr("nms_thresh", 0.5), node:attr("min_size", 0.1)
  local eta = node:attr("eta", 1.0)
  local pixel_offset = node:attr("pixel_offset", true)
  if eta < 1.0 and nms_thresh > 0.5 then
    error("generate_proposals_v2: eta " .. eta .. " with nms_thresh " .. nms_thresh .. " (an adaptive IoU threshold) cannot be converted")
  end
  local t = scores:type()
  local function s(v) return remo.const(v, t) end
  local off = s(pixel_offset and 1.0 or 0.0)
  -- [N, H*W*A] scores and [N, H*W*A, 4] deltas, in the anchors' order.
  local flat_scores = remo.op("opset1.Reshape", {remo.op("opset1.Transpose", {scores, i64({0, 2, 3, 1})}), i64({0, -1})},
                              {special_zero = true})
  local flat_deltas = remo.op("opset1.Reshape", {remo.op("opset1.Transpose", {deltas, i64({0, 2, 3, 1})}), i64({0, -1, 4})},
                              {special_zero = true})
  local flat_anchors = remo.op("opset1.Reshape", {anchors, i64({-1, 4})}, {special_zero = false})
  local total = dim(flat_scores, 1)
  local k = total
  if pre > 0 then k = remo.op("opset1.Minimum", {i64(pre), total}) end
  local top, index = remo.op("opset11.TopK", {flat_scores, k}, {axis = 1, mode = "max", sort = "value", index_element_type = "i64"})
  local d = util.batch_gather(flat_deltas, index)            -- [N, k, 4]
  local a = remo.op("opset8.Gather", {flat_anchors, index, i64(0)})                              -- [N, k, 4]
  local function scaled(j)
    local v = comp(d, j)
    if variances ~= nil then
      local flat_vars = remo.op("opset1.Reshape", {variances, i64({-1, 4})}, {special_zero = false})
      v = mul(comp(remo.op("opset8.Gather", {flat_vars, index, i64(0)}), j), v)
    end
    return v
  end
  local half = s(0.5)
  local aw, ah = add(sub(comp(a, 2), comp(a, 0)), off), add(sub(comp(a, 3), comp(a, 1)), off)
  local acx, acy = add(comp(a, 0), mul(half, aw)), add(comp(a, 1), mul(half, ah))
  local cx, cy = add(mul(scaled(0), aw), acx), add(mul(scaled(1), ah), acy)
  local clip = s(BBOX_CLIP)
  local w = mul(remo.op("opset1.Exp", {remo.op("opset1.Minimum", {scaled(2), clip})}), aw)
  local h = mul(remo.op("opset1.Exp", {remo.op("opset1.Minimum", {scaled(3), clip})}), ah)
  local x1, y1 = sub(cx, mul(w, half)), sub(cy, mul(h, half))
  local x2, y2 = sub(add(cx, mul(w, half)), off), sub(add(cy, mul(h, half)), off)
  -- Clip to the image: [0, width - offset] and [0, height - offset].
  local size = remo.op("opset1.Convert", {im_shape}, {destination_type = t})
  local im_h = unsq(remo.op("opset8.Gather", {size, i64(0), i64(1)}), 1)                         -- [N, 1]
  local im_w = unsq(remo.op("opset8.Gather", {size, i64(1), i64(1)}), 1)
  local zero = s(0.0)
  local function clamp(v, limit) return remo.op("opset1.Maximum", {remo.op("opset1.Minimum", {v, sub(limit, off)}), zero}) end
  x1, x2 = clamp(x1, im_w), clamp(x2, im_w)
  y1, y2 = clamp(y1, im_h), clamp(y2, im_h)
  -- Drop boxes smaller than min_size (at least 1), and with pixel_offset those centred outside.
  local ws, hs = add(sub(x2, x1), off), add(sub(y2, y1), off)
  local least = s(math.max(min_size, 1.0))
  local keep = remo.op("opset1.LogicalAnd", {remo.op("opset1.GreaterEqual", {ws, least}), remo.op("opset1.GreaterEqual", {hs, least})})
  if pixel_offset then
    local inside = remo.op("opset1.LogicalAnd", {remo.op("opset1.LessEqual", {add(x1, mul(ws, half)), im_w}),
                                                 remo.op("opset1.LessEqual", {add(y1, mul(hs, half)), im_h})})
    keep = remo.op("opset1.LogicalAnd", {keep, inside})
  end
  local filtered = remo.op("opset1.Select", {keep, top, s(LOWEST)})                               -- [N, k]
  local boxes = remo.op("opset1.Concat", {unsq(x1, 2), unsq(y1, 2), unsq(x2, 2), unsq(y2, 2)}, {axis = 2})
  local nms_boxes = boxes
  if pixel_offset then nms_boxes = add(boxes, remo.const({0, 0, 1, 1}, t)) end
  -- nms_thresh <= 0 skips suppression and the post_nms_topN cut in Paddle: an IoU threshold
  -- above any overlap and every box.
  local limit = unsq(k, 0)
  local iou = nms_thresh
  if nms_thresh <= 0 then iou = 2.0
  elseif post > 0 then limit = unsq(remo.op("opset1.Minimum", {i64(post), k}), 0) end
  local selected = remo.op("opset9.NonMaxSuppression", {nms_boxes, unsq(filtered, 1), limit, remo.const({iou}, t),
                                                        remo.const({THRESHOLD}, t)},
                           {box_encoding = "corner", sort_result_descending = false, output_type = "i64"})
  local image = remo.op("opset8.Gather", {selected, i64(0), i64(1)})
  local where = remo.op("opset1.Concat", {unsq(image, 1), unsq(remo.op("opset8.Gather", {selected, i64(2), i64(1)}), 1)}, {axis = 1})
  local rois = remo.op("opset8.GatherND", {boxes, where}, {batch_dims = 0})
  local probs = unsq(remo.op("opset8.GatherND", {filtered, where}, {batch_dims = 0}), 1)
  local images = remo.op("opset4.Range", {i64(0), dim(scores, 0), i64(1)}, {output_type = "i64"})
  local in_image = remo.op("opset1.Equal", {unsq(images, 1), unsq(image, 0)})
  local counts = remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {in_image}, {destination_type = "i32"}), i64({1})},
                         {keep_dims = false})
  return util.outputs(node, {RpnRois = rois, RpnRoiProbs = probs, RpnRoisNum = counts})
end)
