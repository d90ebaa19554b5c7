-- TensorFlow NonMaxSuppressionV2..V5 -> NonMaxSuppression-9 over one batch and one class.
-- TensorFlow keeps boxes scoring above score_threshold, greedily picks the best remaining box and
-- drops every box whose IoU with it exceeds iou_threshold (V5 with soft_nms_sigma > 0: instead lowers
-- every score by exp(-0.5 * iou^2 / sigma), whatever the IoU); the selected indices come best first.

local function i64(v)
  if v:type() == "i64" then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = "i64"})
end

local function as_type(v, t)
  if v:type() == t then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = t})
end

local function nms(node, version)
  local boxes, scores = node:input(1), node:input(2)
  local t = boxes:type()
  local max_out = remo.op("opset1.Reshape", {i64(node:input(3)), remo.const({1}, "i64")}, {special_zero = false})
  local iou = as_type(node:input(4), t)
  local score = version >= 3 and as_type(node:input(5), t) or remo.const({-math.huge}, t, {})
  local sigma = version == 5 and as_type(node:input(6), t) or remo.const({0}, t, {})
  if version == 5 then
    -- Soft suppression only rescales: TensorFlow then drops no box for its IoU, and no IoU exceeds 1.
    local soft = remo.op("opset1.Greater", {sigma, remo.const({0}, t, {})})
    iou = remo.op("opset1.Select", {soft, remo.const({1}, t, {}), iou})
  end
  local b = remo.op("opset1.Unsqueeze", {boxes, remo.const({0}, "i64")})                -- [1, n, 4]
  local s = remo.op("opset1.Unsqueeze", {as_type(scores, t), remo.const({0, 1}, "i64")})  -- [1, 1, n]
  local selected, selected_scores, valid = remo.op("opset9.NonMaxSuppression",
    {b, s, max_out, iou, score, sigma}, {box_encoding = "corner", sort_result_descending = true, output_type = "i32"})
  -- Rows past valid_outputs (if a runtime pads them) are cut off.
  local count = remo.op("opset1.Convert", {valid}, {destination_type = "i64"})
  local function column(v, c)
    local rows = remo.op("opset8.Slice", {v, remo.const({0}, "i64"), count, remo.const({1}, "i64"), remo.const({0}, "i64")})
    return remo.op("opset8.Gather", {rows, remo.const({c}, "i64", {}), remo.const({1}, "i64", {})})
  end
  local indices = column(selected, 2)
  local valid_scalar = remo.op("opset1.Squeeze", {valid, remo.const({0}, "i64")})
  if version < 4 then return indices end
  local picked_scores = version == 5 and as_type(column(selected_scores, 2), scores:type()) or nil
  if node:attr("pad_to_max_output_size", false) then
    -- Zeros after the selected entries, max_output_size of them in all.
    local function padded(v)
      local zeros = remo.op("opset3.Broadcast", {remo.const({0}, v:type(), {}), max_out})
      local long = remo.op("opset1.Concat", {v, zeros}, {axis = 0})
      return remo.op("opset8.Slice", {long, remo.const({0}, "i64"), max_out, remo.const({1}, "i64")})
    end
    indices = padded(indices)
    if picked_scores then picked_scores = padded(picked_scores) end
  end
  if version == 5 then return indices, picked_scores, valid_scalar end
  return indices, valid_scalar
end

remo.translate("tf.NonMaxSuppressionV2", function(node) return nms(node, 2) end)
remo.translate("tf.NonMaxSuppressionV3", function(node) return nms(node, 3) end)
remo.translate("tf.NonMaxSuppressionV4", function(node) return nms(node, 4) end)
remo.translate("tf.NonMaxSuppressionV5", function(node) return nms(node, 5) end)
