-- Feature-pyramid proposal routing of FPN detectors: collect_fpn_proposals (the best proposals of
-- all levels) and distribute_fpn_proposals (each proposal to the level that fits its size).
-- Both work on proposals of several images given by per-image counts (RoisNum); their outputs
-- have data-dependent row counts.
local util = require("paddle_util")

local function i64(v) return remo.const(v, "i64") end
local function unsq(a, axis) return remo.op("opset1.Unsqueeze", {a, i64({axis})}) end
local function dim(x, axis)
  return remo.op("opset8.Gather", {remo.op("opset3.ShapeOf", {x}, {output_type = "i64"}), i64(axis), i64(0)})
end

-- The image of each of `count` rows given per-image counts [N]: row i belongs to the first
-- image whose running total exceeds i.
local function image_of_rows(num, count)
  local ends = remo.op("opset3.CumSum", {remo.op("opset1.Convert", {num}, {destination_type = "i64"}), i64(0)})
  local index = remo.op("opset4.Range", {i64(0), count, i64(1)}, {output_type = "i64"})
  local past = remo.op("opset1.GreaterEqual", {unsq(index, 1), unsq(ends, 0)})
  return remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {past}, {destination_type = "i64"}), i64({1})}, {keep_dims = false})
end

-- Rows per image [N] (int32) of rows whose image is `image` [R], restricted to `mask` [R] if given.
local function per_image(image, images, mask)
  local hit = remo.op("opset1.Equal", {unsq(images, 1), unsq(image, 0)})                         -- [N, R]
  if mask ~= nil then hit = remo.op("opset1.LogicalAnd", {hit, unsq(mask, 0)}) end
  return remo.op("opset1.ReduceSum", {remo.op("opset1.Convert", {hit}, {destination_type = "i32"}), i64({1})}, {keep_dims = false})
end

-- collect_fpn_proposals: MultiLevelRois [Ri, 4] and MultiLevelScores [Ri, 1] of each level, with
-- MultiLevelRoIsNum [N] per level. The post_nms_topN best scores over all levels and images
-- (ties: the earlier level and row first), then grouped by image (a stable sort): FpnRois [K, 4]
-- and RoisNum [N].
remo.translate("paddle.collect_fpn_proposals", function(node)
  local rois, scores = util.inputs(node, "MultiLevelRois"), util.inputs(node, "MultiLevelScores")
  local nums = util.inputs(node, "MultiLevelRoIsNum")
  if #rois == 0 or #rois ~= #scores then
    error("collect_fpn_proposals: " .. #rois .. " MultiLevelRois and " .. #scores .. " MultiLevelScores")
  end
  if #nums ~= #rois then error("collect_fpn_proposals needs MultiLevelRoIsNum for every level (the LoD form is not supported)") end
  local images = remo.op("opset4.Range", {i64(0), dim(nums[1], 0), i64(1)}, {output_type = "i64"})
  local all_rois = remo.op("opset1.Concat", rois, {axis = 0})
  local flat = {}
  local owners = {}
  for l = 1, #scores do
    flat[l] = remo.op("opset1.Reshape", {scores[l], i64({-1})}, {special_zero = false})
    owners[l] = image_of_rows(nums[l], dim(rois[l], 0))
  end
  local all_scores = remo.op("opset1.Concat", flat, {axis = 0})
  local owner = remo.op("opset1.Concat", owners, {axis = 0})
  local total = dim(all_scores, 0)
  local k = remo.op("opset1.Minimum", {i64(node:attr("post_nms_topN")), total})
  local _, best = remo.op("opset11.TopK", {all_scores, k}, {axis = 0, mode = "max", sort = "value",
                                                           index_element_type = "i64", stable = true})
  local best_owner = remo.op("opset8.Gather", {owner, best, i64(0)})
  local _, order = remo.op("opset11.TopK", {best_owner, k}, {axis = 0, mode = "min", sort = "value",
                                                            index_element_type = "i64", stable = true})
  local picked = remo.op("opset8.Gather", {best, order, i64(0)})
  local out = remo.op("opset8.Gather", {all_rois, picked, i64(0)})
  local count = per_image(remo.op("opset8.Gather", {best_owner, order, i64(0)}), images, nil)
  return util.outputs(node, {FpnRois = out, RoisNum = count})
end)

-- distribute_fpn_proposals: FpnRois [R, 4] go to level clamp(floor(log2(sqrt(area) /
-- refer_scale + 1e-6) + refer_level), min_level, max_level) (area with +1 sizes when
-- pixel_offset, 0 for an inverted box); MultiFpnRois has each level's rows in their original
-- order, MultiLevelRoIsNum their count per image, RestoreIndex [R, 1] (int32) where each original
-- row went in the levels' concatenation.
remo.translate("paddle.distribute_fpn_proposals", function(node)
  local rois = util.required(node, "FpnRois")
  local num = util.input(node, "RoisNum")
  if num == nil then error("distribute_fpn_proposals needs RoisNum (the LoD form is not supported)") end
  local lo, hi = node:attr("min_level"), node:attr("max_level")
  local refer_level, refer_scale = node:attr("refer_level"), node:attr("refer_scale")
  if hi < lo then error("distribute_fpn_proposals: max_level " .. hi .. " is below min_level " .. lo) end
  local t = rois:type()
  local function s(v) return remo.const(v, t) end
  local function comp(k) return remo.op("opset8.Gather", {rois, i64(k), i64(1)}) end
  local w = remo.op("opset1.Subtract", {comp(2), comp(0)})
  local h = remo.op("opset1.Subtract", {comp(3), comp(1)})
  local valid = remo.op("opset1.LogicalAnd", {remo.op("opset1.GreaterEqual", {w, s(0)}), remo.op("opset1.GreaterEqual", {h, s(0)})})
  if node:attr("pixel_offset", true) then w, h = remo.op("opset1.Add", {w, s(1)}), remo.op("opset1.Add", {h, s(1)}) end
  local area = remo.op("opset1.Select", {valid, remo.op("opset1.Multiply", {w, h}), s(0)})
  local scale = remo.op("opset1.Sqrt", {area})
  local ratio = remo.op("opset1.Add", {remo.op("opset1.Divide", {scale, s(refer_scale)}), s(1e-6)})
  local log2 = remo.op("opset1.Divide", {remo.op("opset1.Log", {ratio}), s(math.log(2))})
  local level = remo.op("opset1.Floor", {remo.op("opset1.Add", {log2, s(refer_level)})})
  level = remo.op("opset1.Clamp", {level}, {min = lo, max = hi})
  level = remo.op("opset1.Convert", {level}, {destination_type = "i64"})                       -- [R]
  local count = dim(rois, 0)
  local images = remo.op("opset4.Range", {i64(0), dim(num, 0), i64(1)}, {output_type = "i64"})
  local image = image_of_rows(num, count)
  local levels = {}
  for l = lo, hi do levels[#levels + 1] = l end
  -- One-hot [R, L] of the levels: its exclusive running sum down the rows is each row's place in
  -- its level; the levels' sizes, summed exclusively, are where each level starts.
  local onehot = remo.op("opset1.Convert", {remo.op("opset1.Equal", {unsq(level, 1), i64(levels)})}, {destination_type = "i64"})
  local place = remo.op("opset3.CumSum", {onehot, i64(0)}, {exclusive = true})
  local sizes = remo.op("opset1.ReduceSum", {onehot, i64({0})}, {keep_dims = true})               -- [1, L]
  local starts = remo.op("opset3.CumSum", {sizes, i64(1)}, {exclusive = true})
  local restore = remo.op("opset1.ReduceSum", {remo.op("opset1.Multiply", {onehot, remo.op("opset1.Add", {place, starts})}), i64({1})},
                          {keep_dims = true})
  local out_rois, out_nums = {}, {}
  for i, l in ipairs(levels) do
    local mask = remo.op("opset1.Equal", {level, i64(l)})
    local rows = remo.op("opset1.Reshape", {remo.op("opset3.NonZero", {mask}, {output_type = "i64"}), i64({-1})}, {special_zero = false})
    out_rois[i] = remo.op("opset8.Gather", {rois, rows, i64(0)})
    out_nums[i] = per_image(image, images, mask)
  end
  return util.outputs(node, {MultiFpnRois = out_rois, MultiLevelRoIsNum = out_nums,
                             RestoreIndex = remo.op("opset1.Convert", {restore}, {destination_type = "i32"})})
end)
