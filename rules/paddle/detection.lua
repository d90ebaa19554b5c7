-- Paddle detection ops that are arithmetic on boxes: prior_box, density_prior_box (constants
-- computed from the static feature-map and image sizes), box_coder, yolo_box (element-wise
-- graphs) and roi_align (ROIAlign-9). The NMS family is in detection_nms.lua.
local util = require("paddle_util")

local function i64(v) return remo.const(v, "i64") end

-- Static [H, W] of an NCHW input, for ops whose output depends only on the shapes.
local function static_hw(x, what)
  local s = x:shape()
  if s == nil or #s ~= 4 or s[3] < 0 or s[4] < 0 then
    error(what .. " needs a 4-D input with static height and width (use --input_shape)")
  end
  return s[3], s[4]
end

-- The Variances output: `variances` repeated for each of `count` boxes, shaped `shape`.
local function variances_const(variances, count, shape, like)
  if #variances ~= 4 then error("variances must have 4 values, got " .. #variances) end
  local v = {}
  for i = 0, count - 1 do
    for k = 1, 4 do v[i * 4 + k] = variances[k] end
  end
  return remo.const(v, like, shape)
end

-- Paddle's aspect-ratio list: 1 first, then each given ratio not yet present (within 1e-6)
-- and, with flip, its inverse.
local function expand_ratios(ratios, flip)
  local out = {1.0}
  for _, ar in ipairs(ratios) do
    local present = false
    for _, have in ipairs(out) do present = present or math.abs(ar - have) < 1e-6 end
    if not present then
      out[#out + 1] = ar
      if flip then out[#out + 1] = 1.0 / ar end
    end
  end
  return out
end

-- prior_box: SSD anchors [H, W, num_priors, 4] (x1, y1, x2, y2 over the image size) for the
-- feature map Input and the image Image, and their Variances.
remo.translate("paddle.prior_box", function(node)
  local input, image = util.required(node, "Input"), util.required(node, "Image")
  local fh, fw = static_hw(input, "prior_box's Input")
  local ih, iw = static_hw(image, "prior_box's Image")
  local min_sizes = node:attr("min_sizes")
  local max_sizes = node:attr("max_sizes", {})
  if #max_sizes > 0 and #max_sizes ~= #min_sizes then
    error("prior_box: max_sizes has " .. #max_sizes .. " values, min_sizes " .. #min_sizes)
  end
  local ratios = expand_ratios(node:attr("aspect_ratios", {1.0}), node:attr("flip", false))
  local step_w, step_h = node:attr("step_w", 0.0), node:attr("step_h", 0.0)
  if step_w == 0 or step_h == 0 then step_w, step_h = iw / fw, ih / fh end
  local offset = node:attr("offset", 0.5)
  local min_max_first = node:attr("min_max_aspect_ratios_order", false)
  local clip = node:attr("clip", false)
  local boxes = {}
  local function put(cx, cy, bw, bh)
    local v = {(cx - bw) / iw, (cy - bh) / ih, (cx + bw) / iw, (cy + bh) / ih}
    for k = 1, 4 do
      if clip then v[k] = math.min(math.max(v[k], 0.0), 1.0) end
      boxes[#boxes + 1] = v[k]
    end
  end
  local per_cell = 0
  for h = 0, fh - 1 do
    for w = 0, fw - 1 do
      local before = #boxes
      local cx, cy = (w + offset) * step_w, (h + offset) * step_h
      for s, min_size in ipairs(min_sizes) do
        local function by_ratios(skip_one)
          for _, ar in ipairs(ratios) do
            if not (skip_one and math.abs(ar - 1.0) < 1e-6) then
              put(cx, cy, min_size * math.sqrt(ar) / 2, min_size / math.sqrt(ar) / 2)
            end
          end
        end
        local function max_box()
          if #max_sizes > 0 then
            local half = math.sqrt(min_size * max_sizes[s]) / 2
            put(cx, cy, half, half)
          end
        end
        if min_max_first then
          put(cx, cy, min_size / 2, min_size / 2)
          max_box()
          by_ratios(true)
        else
          by_ratios(false)
          max_box()
        end
      end
      per_cell = (#boxes - before) // 4
    end
  end
  local t = input:type()
  local shape = {fh, fw, per_cell, 4}
  local out = remo.const(boxes, t, shape)
  local var = variances_const(node:attr("variances", {0.1, 0.1, 0.2, 0.2}), fh * fw * per_cell, shape, t)
  return util.outputs(node, {Boxes = out, Variances = var})
end)

-- density_prior_box: for each fixed size (with its density d) and fixed ratio, d x d boxes
-- shifted across the cell; clamped to [0, 1] always. flatten_to_2d gives [H*W*P, 4].
remo.translate("paddle.density_prior_box", function(node)
  local input, image = util.required(node, "Input"), util.required(node, "Image")
  local fh, fw = static_hw(input, "density_prior_box's Input")
  local ih, iw = static_hw(image, "density_prior_box's Image")
  local sizes, ratios = node:attr("fixed_sizes", {}), node:attr("fixed_ratios", {})
  local densities = node:attr("densities", {})
  if #densities ~= #sizes then
    error("density_prior_box: densities has " .. #densities .. " values, fixed_sizes " .. #sizes)
  end
  local step_w, step_h = node:attr("step_w", 0.0), node:attr("step_h", 0.0)
  if step_w == 0 or step_h == 0 then step_w, step_h = iw / fw, ih / fh end
  local offset = node:attr("offset", 0.5)
  local clip = node:attr("clip", false)
  -- Paddle truncates the average step to an integer and divides it by the density as integers.
  local step_average = math.floor((step_w + step_h) * 0.5)
  local boxes = {}
  local per_cell = 0
  for _, d in ipairs(densities) do per_cell = per_cell + #ratios * d * d end
  for h = 0, fh - 1 do
    for w = 0, fw - 1 do
      local cx, cy = (w + offset) * step_w, (h + offset) * step_h
      for s, size in ipairs(sizes) do
        local d = densities[s]
        if d <= 0 then error("density_prior_box: densities must be positive, got " .. d) end
        local shift = step_average // d
        for _, r in ipairs(ratios) do
          local bw, bh = size * math.sqrt(r), size / math.sqrt(r)
          local dcx, dcy = cx - step_average / 2 + shift / 2, cy - step_average / 2 + shift / 2
          for di = 0, d - 1 do
            for dj = 0, d - 1 do
              local x, y = dcx + dj * shift, dcy + di * shift
              local v = {math.max((x - bw / 2) / iw, 0.0), math.max((y - bh / 2) / ih, 0.0),
                         math.min((x + bw / 2) / iw, 1.0), math.min((y + bh / 2) / ih, 1.0)}
              for k = 1, 4 do
                if clip then v[k] = math.min(math.max(v[k], 0.0), 1.0) end
                boxes[#boxes + 1] = v[k]
              end
            end
          end
        end
      end
    end
  end
  local shape = {fh, fw, per_cell, 4}
  if node:attr("flatten_to_2d", false) then shape = {fh * fw * per_cell, 4} end
  local t = input:type()
  local var = variances_const(node:attr("variances", {0.1, 0.1, 0.2, 0.2}), fh * fw * per_cell, shape, t)
  return util.outputs(node, {Boxes = remo.const(boxes, t, shape), Variances = var})
end)

-- Component k (0 x1, 1 y1, 2 x2, 3 y2) of boxes [..., 4], without the last axis.
local function comp(boxes, k)
  return remo.op("opset8.Gather", {boxes, i64(k), i64(-1)})
end

local function add(a, b) return remo.op("opset1.Add", {a, b}) end
local function sub(a, b) return remo.op("opset1.Subtract", {a, b}) end
local function mul(a, b) return remo.op("opset1.Multiply", {a, b}) end
local function div(a, b) return remo.op("opset1.Divide", {a, b}) end
local function unsq(a, axis) return remo.op("opset1.Unsqueeze", {a, i64({axis})}) end

-- Width, height and centre of prior boxes [..., 4]; +1 on the sizes for unnormalized boxes.
local function centre_size(boxes, one)
  local x1, y1 = comp(boxes, 0), comp(boxes, 1)
  local w, h = sub(comp(boxes, 2), x1), sub(comp(boxes, 3), y1)
  if one then w, h = add(w, one), add(h, one) end
  local half = util.scalar(0.5, boxes)
  return w, h, add(x1, mul(w, half)), add(y1, mul(h, half))
end

-- box_coder: encode_center_size turns TargetBox [R, 4] into offsets [R, P, 4] from each of the
-- PriorBox [P, 4]; decode_center_size turns TargetBox offsets [R, P, 4] back into boxes, with
-- the prior of column j (axis 0: PriorBox [P, 4]) or of row i (axis 1: PriorBox [R, 4]). The
-- variances come from PriorBoxVar (shaped like PriorBox), the `variance` attribute (4 values) or
-- are 1. box_normalized false adds 1 to every width and height.
remo.translate("paddle.box_coder", function(node)
  local prior, target = util.required(node, "PriorBox"), util.required(node, "TargetBox")
  local pvar = util.input(node, "PriorBoxVar")
  local variance = node:attr("variance", {})
  if pvar ~= nil and #variance > 0 then error("box_coder: PriorBoxVar and the variance attribute are both given") end
  if #variance ~= 0 and #variance ~= 4 then error("box_coder: variance must have 4 values, got " .. #variance) end
  local code = node:attr("code_type", "encode_center_size")
  local one = (not node:attr("box_normalized", true)) and util.scalar(1.0, prior) or nil
  local pw, ph, pcx, pcy = centre_size(prior, one)
  local function var_k(k) -- variance k shaped like a prior component, or a scalar, or nil
    if pvar ~= nil then return comp(pvar, k) end
    if #variance == 4 then return util.scalar(variance[k + 1], prior) end
    return nil
  end
  local out
  if code == "encode_center_size" then
    if util.rank(target, "box_coder's TargetBox") ~= 2 then error("box_coder: encode needs TargetBox [R, 4]") end
    -- target components [R, 1] against prior components [1, P]
    local tx1, ty1 = unsq(comp(target, 0), 1), unsq(comp(target, 1), 1)
    local tx2, ty2 = unsq(comp(target, 2), 1), unsq(comp(target, 3), 1)
    local half = util.scalar(0.5, prior)
    local tcx, tcy = mul(add(tx2, tx1), half), mul(add(ty2, ty1), half)
    local tw, th = sub(tx2, tx1), sub(ty2, ty1)
    if one then tw, th = add(tw, one), add(th, one) end
    local row = function(v) return unsq(v, 0) end
    local parts = {
      div(sub(tcx, row(pcx)), row(pw)),
      div(sub(tcy, row(pcy)), row(ph)),
      remo.op("opset1.Log", {remo.op("opset1.Abs", {div(tw, row(pw))})}),
      remo.op("opset1.Log", {remo.op("opset1.Abs", {div(th, row(ph))})}),
    }
    for k = 0, 3 do
      local v = var_k(k)
      if v ~= nil then
        if pvar ~= nil then v = row(v) end
        parts[k + 1] = div(parts[k + 1], v)
      end
    end
    for k = 1, 4 do parts[k] = unsq(parts[k], 2) end
    out = remo.op("opset1.Concat", parts, {axis = 2})
  elseif code == "decode_center_size" then
    if util.rank(target, "box_coder's TargetBox") ~= 3 then error("box_coder: decode needs TargetBox [R, P, 4]") end
    local axis = node:attr("axis", 0)
    if axis ~= 0 and axis ~= 1 then error("box_coder: axis must be 0 or 1, got " .. axis) end
    -- prior components broadcast over the rows (axis 0: [1, P]) or the columns (axis 1: [R, 1])
    local place = function(v) return unsq(v, axis) end
    pw, ph, pcx, pcy = place(pw), place(ph), place(pcx), place(pcy)
    local function scaled(k)
      local t = comp(target, k)
      local v = var_k(k)
      if v == nil then return t end
      if pvar ~= nil then v = place(v) end
      return mul(v, t)
    end
    local cx = add(mul(scaled(0), pw), pcx)
    local cy = add(mul(scaled(1), ph), pcy)
    local w = mul(remo.op("opset1.Exp", {scaled(2)}), pw)
    local h = mul(remo.op("opset1.Exp", {scaled(3)}), ph)
    local half = util.scalar(0.5, prior)
    local hw, hh = mul(w, half), mul(h, half)
    local x2, y2 = add(cx, hw), add(cy, hh)
    if one then x2, y2 = sub(x2, one), sub(y2, one) end
    out = remo.op("opset1.Concat", {unsq(sub(cx, hw), 2), unsq(sub(cy, hh), 2), unsq(x2, 2), unsq(y2, 2)}, {axis = 2})
  else
    error("box_coder: code_type '" .. code .. "' is not encode_center_size or decode_center_size")
  end
  return util.outputs(node, {OutputBox = out})
end)

-- yolo_box: YOLOv3 head output X [N, A*(5+C), H, W] (iou_aware: A IoU channels first, then
-- the same) to Boxes [N, A*H*W, 4] in image pixels and Scores [N, A*H*W, C]; a box whose
-- confidence is below conf_thresh gets zeros in both. ImgSize [N, 2] is (height, width). H and
-- W may be dynamic (the grid then comes from Range over X's shape).
remo.translate("paddle.yolo_box", function(node)
  local x, img = util.required(node, "X"), util.required(node, "ImgSize")
  local anchors = node:attr("anchors")
  local classes = node:attr("class_num")
  local ratio = node:attr("downsample_ratio")
  local conf_thresh = node:attr("conf_thresh", 0.01)
  local clip = node:attr("clip_bbox", true)
  local scale = node:attr("scale_x_y", 1.0)
  local bias = -0.5 * (scale - 1.0)
  local iou_aware = node:attr("iou_aware", false)
  local factor = node:attr("iou_aware_factor", 0.5)
  if #anchors % 2 ~= 0 then error("yolo_box: anchors must be (width, height) pairs") end
  local na = #anchors // 2
  local shape = x:shape()
  if shape == nil or #shape ~= 4 or shape[2] < 0 then
    error("yolo_box needs X [N, C, H, W] with a static C")
  end
  local static_grid = shape[3] >= 0 and shape[4] >= 0
  local per = classes + 5
  local want = na * per + (iou_aware and na or 0)
  if shape[2] ~= want then
    error("yolo_box: X has " .. shape[2] .. " channels, expected " .. want .. " for " .. na .. " anchors and " .. classes .. " classes")
  end
  local t = x:type()
  local function s(v) return remo.const(v, t) end
  local iou
  if iou_aware then
    iou = remo.op("opset8.Slice", {x, i64({0}), i64({na}), i64({1}), i64({1})})          -- [N, A, H, W]
    x = remo.op("opset8.Slice", {x, i64({na}), i64({want}), i64({1}), i64({1})})
  end
  -- The grid size: constants when static, else taken from X's shape at run time.
  local dims = remo.op("opset3.ShapeOf", {x}, {output_type = "i64"})
  local hw = remo.op("opset8.Gather", {dims, i64({2, 3}), i64(0)})
  local x5 = remo.op("opset1.Reshape", {x, remo.op("opset1.Concat", {i64({0, na, per}), hw}, {axis = 0})}, {special_zero = true})
  local grid_x, grid_y, gh, gw
  if static_grid then
    local gx, gy = {}, {}
    for k = 0, shape[3] - 1 do
      for l = 0, shape[4] - 1 do gx[#gx + 1], gy[#gy + 1] = l, k end
    end
    grid_x, grid_y = remo.const(gx, t, {1, 1, shape[3], shape[4]}), remo.const(gy, t, {1, 1, shape[3], shape[4]})
    gh, gw = s(shape[3]), s(shape[4])
  else
    local function axis_range(k, target)
      local n = remo.op("opset8.Gather", {dims, i64(k), i64(0)})
      local r = remo.op("opset4.Range", {i64(0), n, i64(1)}, {output_type = "i64"})
      return remo.op("opset1.Convert", {remo.op("opset1.Reshape", {r, i64(target)}, {special_zero = false})}, {destination_type = t}),
             remo.op("opset1.Convert", {n}, {destination_type = t})
    end
    grid_y, gh = axis_range(2, {1, 1, -1, 1})
    grid_x, gw = axis_range(3, {1, 1, 1, -1})
  end
  local function entry(k) return remo.op("opset8.Gather", {x5, i64(k), i64(2)}) end      -- [N, A, H, W]
  local function sigmoid(v) return remo.op("opset1.Sigmoid", {v}) end
  local aw, ah = {}, {}
  for a = 0, na - 1 do aw[a + 1], ah[a + 1] = anchors[2 * a + 1], anchors[2 * a + 2] end
  local anchor_w, anchor_h = remo.const(aw, t, {1, na, 1, 1}), remo.const(ah, t, {1, na, 1, 1})
  local size = remo.op("opset1.Convert", {img}, {destination_type = t})
  local img_h = remo.op("opset1.Reshape", {remo.op("opset8.Gather", {size, i64(0), i64(1)}), i64({-1, 1, 1, 1})}, {special_zero = false})
  local img_w = remo.op("opset1.Reshape", {remo.op("opset8.Gather", {size, i64(1), i64(1)}), i64({-1, 1, 1, 1})}, {special_zero = false})
  local cx = div(mul(add(add(grid_x, mul(sigmoid(entry(0)), s(scale))), s(bias)), img_w), gw)
  local cy = div(mul(add(add(grid_y, mul(sigmoid(entry(1)), s(scale))), s(bias)), img_h), gh)
  local bw = div(mul(mul(remo.op("opset1.Exp", {entry(2)}), anchor_w), img_w), mul(s(ratio), gw))
  local bh = div(mul(mul(remo.op("opset1.Exp", {entry(3)}), anchor_h), img_h), mul(s(ratio), gh))
  local half = s(0.5)
  local x1, y1 = sub(cx, mul(bw, half)), sub(cy, mul(bh, half))
  local x2, y2 = add(cx, mul(bw, half)), add(cy, mul(bh, half))
  if clip then
    local zero, one = s(0.0), s(1.0)
    x1, y1 = remo.op("opset1.Maximum", {x1, zero}), remo.op("opset1.Maximum", {y1, zero})
    x2 = remo.op("opset1.Minimum", {x2, sub(img_w, one)})
    y2 = remo.op("opset1.Minimum", {y2, sub(img_h, one)})
  end
  local conf = sigmoid(entry(4))
  if iou_aware then
    conf = mul(remo.op("opset1.Power", {conf, s(1.0 - factor)}), remo.op("opset1.Power", {sigmoid(iou), s(factor)}))
  end
  local keep = remo.op("opset1.GreaterEqual", {conf, s(conf_thresh)})                   -- [N, A, H, W]
  local zero = s(0.0)
  local function boxes_of(parts)  -- [N, A, H, W] x 4 -> [N, A*H*W, 4]
    for k = 1, 4 do parts[k] = unsq(remo.op("opset1.Select", {keep, parts[k], zero}), 4) end
    local joined = remo.op("opset1.Concat", parts, {axis = 4})
    return remo.op("opset1.Reshape", {joined, i64({0, -1, 4})}, {special_zero = true})
  end
  local boxes = boxes_of({x1, y1, x2, y2})
  local logits = remo.op("opset8.Slice", {x5, i64({5}), i64({per}), i64({1}), i64({2})})  -- [N, A, C, H, W]
  local scores = mul(sigmoid(logits), unsq(conf, 2))
  scores = remo.op("opset1.Select", {unsq(keep, 2), scores, zero})
  scores = remo.op("opset1.Transpose", {scores, i64({0, 1, 3, 4, 2})})
  scores = remo.op("opset1.Reshape", {scores, i64({0, -1, classes})}, {special_zero = true})
  return util.outputs(node, {Boxes = boxes, Scores = scores})
end)

-- roi_align: ROIs [R, 4] (x1, y1, x2, y2 in input pixels) pooled from X [N, C, H, W] by
-- average over sampling points; RoisNum [N] says how many ROIs each image has (all of image 0
-- without it). aligned scales the ROIs and then shifts them by half a pixel (ROIAlign-9's
-- half_pixel_for_nn: x * scale - 0.5); otherwise the ROI is at least one pixel (asymmetric). sampling_ratio <= 0 is adaptive (the opset's 0).
remo.translate("paddle.roi_align", function(node)
  local x, rois = util.required(node, "X"), util.required(node, "ROIs")
  local num = util.input(node, "RoisNum")
  local count = remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {rois}, {output_type = "i64"}), i64(0), i64(0)})
  local batch
  if num == nil then
    -- Without RoisNum Paddle takes each ROI's image from the LoD, which the model file does not
    -- hold: every ROI is of image 0, and a batch known to be larger is refused.
    local xs = x:shape()
    if xs ~= nil and xs[1] ~= nil and xs[1] > 1 then
      error("roi_align: X has a batch of " .. xs[1] .. " but no RoisNum says which image each ROI is of")
    end
    batch = remo.op("opset3.Broadcast", {remo.const(0, "i32"), unsq(count, 0)})
  else
    -- ROI i belongs to the image whose running total of RoisNum first exceeds i.
    local ends = remo.op("opset3.CumSum", {remo.op("opset1.Convert", {num}, {destination_type = "i64"}), i64(0)})
    local index = remo.op("opset4.Range", {i64(0), count, i64(1)}, {output_type = "i64"})
    local past = remo.op("opset1.GreaterEqual", {unsq(index, 1), unsq(ends, 0)})
    local b = remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {past}, {destination_type = "i32"}), i64({1})}, {keep_dims = false})
    batch = b
  end
  local ratio = node:attr("sampling_ratio", -1)
  local y = remo.op("opset9.ROIAlign", {x, rois, batch}, {
    pooled_h = node:attr("pooled_height", 1), pooled_w = node:attr("pooled_width", 1),
    sampling_ratio = ratio > 0 and ratio or 0, spatial_scale = node:attr("spatial_scale", 1.0),
    mode = "avg", aligned_mode = node:attr("aligned", false) and "half_pixel_for_nn" or "asymmetric"})
  return util.outputs(node, {Out = y})
end)
