-- TensorFlow image ops: resizing, depth/space rearrangements, LRN, SpaceToBatchND/BatchToSpaceND
-- and transposed convolution (Conv2DBackpropInput).
local util = require("tf_util")

local function i64(v)
  if v:type() == "i64" then return v end
  return remo.op("opset1.Convert", {v}, {destination_type = "i64"})
end

-- A rank-4 NHWC (or NCHW) op run as its NCHW form `fn(x)`, with Transposes the middle phase cancels.
local function in_nchw(node, x, fn)
  local r = util.rank(x, node.type)
  if r ~= 4 then error(node.type .. " needs a rank-4 input, got rank " .. r) end
  if not util.channels_last(node) then return fn(x) end
  return util.to_channels_last(fn(util.to_channels_first(x, 4)), 4)
end

-- ResizeBilinear / ResizeNearestNeighbor(images NHWC, size [new_height, new_width]).
local function resize(node, mode)
  local align, half = node:attr("align_corners", false), node:attr("half_pixel_centers", false)
  if align and half then error(node.type .. ": align_corners and half_pixel_centers cannot both be true") end
  local attrs = {mode = mode, shape_calculation_mode = "sizes", pads_begin = {0}, pads_end = {0}}
  if mode == "nearest" then
    -- The source index is round(out * scale) with align_corners, floor(...) otherwise.
    attrs.coordinate_transformation_mode = align and "align_corners" or half and "tf_half_pixel_for_nn" or "asymmetric"
    attrs.nearest_mode = align and "round_prefer_ceil" or "floor"
  else
    attrs.coordinate_transformation_mode = align and "align_corners" or half and "half_pixel" or "asymmetric"
  end
  local x = node:input(1)
  -- Bilinear resizing always gives f32.
  if mode ~= "nearest" and x:type() ~= "f32" then x = remo.op("opset1.Convert", {x}, {destination_type = "f32"}) end
  local size = i64(node:input(2))
  local axes = remo.const({2, 3}, "i64")
  local r = util.rank(x, node.type)
  if r ~= 4 then error(node.type .. " needs a rank-4 input, got rank " .. r) end
  local y = remo.op("opset11.Interpolate", {util.to_channels_first(x, 4), size, axes}, attrs)
  return util.to_channels_last(y, 4)
end
remo.translate("tf.ResizeBilinear", function(node) return resize(node, "linear_onnx") end)
remo.translate("tf.ResizeNearestNeighbor", function(node) return resize(node, "nearest") end)

-- DepthToSpace / SpaceToDepth: TensorFlow orders the channels block row, block column, then depth.
for _, name in ipairs({"DepthToSpace", "SpaceToDepth"}) do
  remo.translate("tf." .. name, function(node)
    return in_nchw(node, node:input(1), function(x)
      return remo.op("opset1." .. name, {x}, {block_size = node:attr("block_size"), mode = "blocks_first"})
    end)
  end)
end

-- LRN over channels: x / (bias + alpha * sum of squares over 2r+1 channels)^beta. The IR's alpha
-- is divided by the window size, so it gets alpha * size.
remo.translate("tf.LRN", function(node)
  local radius = node:attr("depth_radius", 5)
  local size = 2 * radius + 1
  local x = node:input(1)
  local r = util.rank(x, "LRN")
  if r ~= 4 then error("LRN needs a rank-4 input, got rank " .. r) end
  local y = remo.op("opset1.LRN", {util.to_channels_first(x, 4), remo.const({1}, "i64")},
                    {alpha = node:attr("alpha", 1.0) * size, beta = node:attr("beta", 0.5),
                     bias = node:attr("bias", 1.0), size = size})
  return util.to_channels_last(y, 4)
end)

-- The static dims of x (the first may be dynamic), or an error naming the op.
local function static_dims(x, what)
  local shape = x:shape()
  if shape == nil then error(what .. " needs an input of known shape: give it with --input_shape") end
  for i = 2, #shape do
    if shape[i] < 0 then error(what .. " needs static dimensions after the batch: give them with --input_shape") end
  end
  return shape
end

local function pairs_of(value, what)
  local v = util.const_values(value, what)
  local firsts, seconds = {}, {}
  for i = 1, #v // 2 do firsts[i], seconds[i] = v[2 * i - 1], v[2 * i] end
  return firsts, seconds
end

-- SpaceToBatchND(input, block_shape, paddings): pad the M spatial dims, cut each into blocks and
-- move the block offsets in front of the batch.
remo.translate("tf.SpaceToBatchND", function(node)
  local x = node:input(1)
  local block = util.const_values(node:input(2), "SpaceToBatchND's block_shape")
  local before, after = pairs_of(node:input(3), "SpaceToBatchND's paddings")
  local shape = static_dims(x, "SpaceToBatchND")
  local n, m = #shape, #block
  local begins, ends = {0}, {0}
  for i = 1, n - 1 do begins[i + 1], ends[i + 1] = before[i] or 0, after[i] or 0 end
  local padded = remo.op("opset1.Pad", {x, remo.const(begins, "i64"), remo.const(ends, "i64"),
                                        remo.const({0}, x:type(), {})}, {pad_mode = "constant"})
  local split, order, out = {-1}, {}, {-1}
  for i = 1, m do
    local len = shape[i + 1] + before[i] + after[i]
    if len % block[i] ~= 0 then
      error("SpaceToBatchND: padded dimension " .. len .. " is not a multiple of block " .. block[i])
    end
    split[#split + 1], split[#split + 2] = len // block[i], block[i]
    out[#out + 1] = len // block[i]
  end
  for i = m + 2, n do split[#split + 1] = shape[i]; out[#out + 1] = shape[i] end
  for i = 1, m do order[#order + 1] = 2 * i end
  order[#order + 1] = 0
  for i = 1, m do order[#order + 1] = 2 * i - 1 end
  for i = 2 * m + 1, #split - 1 do order[#order + 1] = i end
  local y = remo.op("opset1.Reshape", {padded, remo.const(split, "i64")}, {special_zero = false})
  y = remo.op("opset1.Transpose", {y, remo.const(order, "i64")})
  return remo.op("opset1.Reshape", {y, remo.const(out, "i64")}, {special_zero = false})
end)

-- BatchToSpaceND(input, block_shape, crops): the inverse, then the crops cut off.
remo.translate("tf.BatchToSpaceND", function(node)
  local x = node:input(1)
  local block = util.const_values(node:input(2), "BatchToSpaceND's block_shape")
  local before, after = pairs_of(node:input(3), "BatchToSpaceND's crops")
  local shape = static_dims(x, "BatchToSpaceND")
  local n, m = #shape, #block
  local split, order, out = {}, {m}, {-1}
  for i = 1, m do split[i] = block[i] end
  split[m + 1] = -1
  for i = 2, n do split[#split + 1] = shape[i] end
  for i = 1, m do order[#order + 1] = m + i; order[#order + 1] = i - 1 end
  for i = 2 * m + 1, #split - 1 do order[#order + 1] = i end
  for i = 1, m do out[#out + 1] = shape[i + 1] * block[i] end
  for i = m + 2, n do out[#out + 1] = shape[i] end
  local y = remo.op("opset1.Reshape", {x, remo.const(split, "i64")}, {special_zero = false})
  y = remo.op("opset1.Transpose", {y, remo.const(order, "i64")})
  y = remo.op("opset1.Reshape", {y, remo.const(out, "i64")}, {special_zero = false})
  local starts, stops, steps, axes = {}, {}, {}, {}
  for i = 1, m do
    starts[i], stops[i], steps[i], axes[i] = before[i], out[i + 1] - after[i], 1, i
  end
  return remo.op("opset8.Slice", {y, remo.const(starts, "i64"), remo.const(stops, "i64"), remo.const(steps, "i64"),
                                  remo.const(axes, "i64")})
end)

-- Conv2DBackpropInput / Conv3DBackpropInputV2(input_sizes, filter, out_backprop): the gradient of
-- a convolution with respect to its input, i.e. a transposed convolution. The pads are the forward
-- convolution's, and output_padding makes up the rows a strided forward pass dropped.
local function backprop_input(node)
  local sizes = util.const_values(node:input(1), node.type .. "'s input_sizes")
  local filter, dy = node:input(2), node:input(3)
  local r = util.rank(dy, node.type)
  local last = util.channels_last(node)
  local fshape = filter:shape()
  if fshape == nil or #fshape ~= r then error(node.type .. " needs a rank-" .. r .. " filter") end
  local yshape = dy:shape()
  local strides = util.spatial(node, "strides", r, last, 1)
  local dilations = util.spatial(node, "dilations", r, last, 1)
  local padding = node:attr("padding")
  local explicit_b, explicit_e
  if padding == "EXPLICIT" then
    local _
    _, explicit_b, explicit_e = util.padding(node, r, last)
  end
  local first = last and 2 or 3
  local pb, pe, op = {}, {}, {}
  for i = 1, r - 2 do
    local h, hy, k = sizes[first + i - 1], yshape[first + i - 1], fshape[i]
    if hy < 0 then error(node.type .. " needs static spatial dimensions of out_backprop") end
    local s, d = strides[i], dilations[i]
    local eff = (k - 1) * d + 1
    if padding == "SAME" then
      local total = math.max((hy - 1) * s + eff - h, 0)
      pb[i] = total // 2
      pe[i] = total - pb[i]
    elseif padding == "VALID" then
      pb[i], pe[i] = 0, 0
    elseif padding == "EXPLICIT" then
      pb[i], pe[i] = explicit_b[i], explicit_e[i]
    else
      error("padding '" .. padding .. "' is not one of SAME, VALID, EXPLICIT")
    end
    op[i] = h - ((hy - 1) * s + eff - pb[i] - pe[i])
    if op[i] < 0 then error(node.type .. ": input_sizes do not fit out_backprop's shape") end
  end
  -- [spatial..., in, out] -> [out (the channels of out_backprop), in, spatial...]
  local perm = {r - 1, r - 2}
  for i = 0, r - 3 do perm[#perm + 1] = i end
  local w = remo.op("opset1.Transpose", {filter, remo.const(perm, "i64")})
  local data = last and util.to_channels_first(dy, r) or dy
  local y = remo.op("opset1.ConvolutionBackpropData", {data, w}, {
    strides = strides, dilations = dilations, pads_begin = pb, pads_end = pe, output_padding = op,
    auto_pad = "explicit"})
  if last then return util.to_channels_last(y, r) end
  return y
end
remo.translate("tf.Conv2DBackpropInput", backprop_input)
remo.translate("tf.Conv3DBackpropInputV2", backprop_input)

-- _FusedBatchNormEx: inference batch normalization, plus side inputs, then activation_mode.
remo.translate("tf._FusedBatchNormEx", function(node)
  if node:attr("is_training", true) then
    error("is_training is true: only inference graphs (is_training false) are supported")
  end
  local mean, variance = node:input(4), node:input(5)
  local y = util.batch_norm(node:input(1), node:input(2), node:input(3), mean, variance,
                            node:attr("epsilon", 0.0001), util.channels_last(node))
  for i = 6, 5 + node:attr("num_side_inputs", 0) do y = remo.op("opset1.Add", {y, node:input(i)}) end
  local mode = node:attr("activation_mode", "Identity")
  if mode ~= "Identity" then y = util.activation(mode, y, node) end
  return y, mean, variance, mean, variance, mean
end)

-- CropAndResize(image [B,H,W,C], boxes [N,4], box_ind [N], crop_size [2]): for each box a crop of
-- crop_size sampled from image[box_ind] at y = y1*(H-1) + i*(y2-y1)*(H-1)/(crop_h-1) (the box's
-- centre when crop_h is 1), the same for x; bilinear or nearest (rounding halves away from zero);
-- samples outside the image take extrapolation_value. Built of gathers, so N may be dynamic.
remo.translate("tf.CropAndResize", function(node)
  local image, boxes, box_ind = node:input(1), node:input(2), node:input(3)
  local size = util.const_values(node:input(4), "CropAndResize's crop_size")
  local method = node:attr("method", "bilinear")
  if method ~= "bilinear" and method ~= "nearest" then
    error("CropAndResize method '" .. method .. "' is not one of bilinear, nearest")
  end
  if util.rank(image, "CropAndResize") ~= 4 then error("CropAndResize needs a rank-4 image") end
  local f = "f32"
  if image:type() ~= f then image = remo.op("opset1.Convert", {image}, {destination_type = f}) end
  if boxes:type() ~= f then boxes = remo.op("opset1.Convert", {boxes}, {destination_type = f}) end
  local function c(v) return remo.const({v}, f, {}) end
  local function i64s(list) return remo.const(list, "i64") end
  local dims = remo.op("opset1.Convert", {remo.op("opset3.ShapeOf", {image}, {output_type = "i64"})},
                       {destination_type = f})
  local function column(v, i) return remo.op("opset8.Gather", {v, remo.const({i}, "i64", {}), remo.const({1}, "i64", {})}) end
  -- Sample positions [N, n] along one axis (image dim `axis`, box columns a and b).
  local function positions(axis, a, b, n)
    local extent = remo.op("opset8.Gather", {dims, remo.const({axis}, "i64", {}), remo.const({0}, "i64", {})})
    local last = remo.op("opset1.Subtract", {extent, c(1)})
    local lo, hi = column(boxes, a), column(boxes, b)
    local p
    if n > 1 then
      local step = remo.op("opset1.Divide", {remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {hi, lo}), last}), c(n - 1)})
      local idx = remo.op("opset4.Range", {c(0), c(n), c(1)}, {output_type = f})
      p = remo.op("opset1.Add", {remo.op("opset1.Unsqueeze", {remo.op("opset1.Multiply", {lo, last}), i64s({1})}),
                                 remo.op("opset1.Multiply", {remo.op("opset1.Unsqueeze", {step, i64s({1})}), idx})})
    else
      p = remo.op("opset1.Multiply", {remo.op("opset1.Multiply", {remo.op("opset1.Add", {lo, hi}), c(0.5)}), last})
      p = remo.op("opset1.Unsqueeze", {p, i64s({1})})
    end
    local inside = remo.op("opset1.LogicalAnd", {remo.op("opset1.GreaterEqual", {p, c(0)}),
                                                 remo.op("opset1.LessEqual", {p, last})})
    return p, inside, last
  end
  local function index(v, last)  -- clamped into the image (outside samples are masked later), i32
    local clamped = remo.op("opset1.Minimum", {remo.op("opset1.Maximum", {v, c(0)}), last})
    return remo.op("opset1.Convert", {clamped}, {destination_type = "i32"})
  end
  local py, in_y, last_y = positions(1, 0, 2, size[1])
  local px, in_x, last_x = positions(2, 1, 3, size[2])
  local y3 = function(v) return remo.op("opset1.Unsqueeze", {v, i64s({2})}) end  -- [N, h, 1]
  local x3 = function(v) return remo.op("opset1.Unsqueeze", {v, i64s({1})}) end  -- [N, 1, w]
  local b = box_ind:type() == "i32" and box_ind or remo.op("opset1.Convert", {box_ind}, {destination_type = "i32"})
  local b3 = remo.op("opset1.Unsqueeze", {b, i64s({1, 2})})  -- [N, 1, 1]
  local function gather(yi, xi)  -- image[b, y, x, :] for y [N, h], x [N, w] -> [N, h, w, C]
    local zero = remo.op("opset1.Add", {remo.op("opset1.Multiply", {y3(yi), remo.const({0}, "i32", {})}),
                                        remo.op("opset1.Multiply", {x3(xi), remo.const({0}, "i32", {})})})
    local parts = {}
    for k, v in ipairs({b3, y3(yi), x3(xi)}) do
      parts[k] = remo.op("opset1.Unsqueeze", {remo.op("opset1.Add", {v, zero}), i64s({3})})
    end
    return remo.op("opset8.GatherND", {image, remo.op("opset1.Concat", parts, {axis = 3})}, {batch_dims = 0})
  end
  local out
  if method == "nearest" then
    local function round(v) return remo.op("opset5.Round", {v}, {mode = "half_away_from_zero"}) end
    out = gather(index(round(py), last_y), index(round(px), last_x))
  else
    local fy, fx = remo.op("opset1.Floor", {py}), remo.op("opset1.Floor", {px})
    local top, bottom = index(fy, last_y), index(remo.op("opset1.Ceiling", {py}), last_y)
    local left, right = index(fx, last_x), index(remo.op("opset1.Ceiling", {px}), last_x)
    local ly = remo.op("opset1.Unsqueeze", {remo.op("opset1.Subtract", {py, fy}), i64s({2, 3})})  -- [N, h, 1, 1]
    local lx = remo.op("opset1.Unsqueeze", {remo.op("opset1.Subtract", {px, fx}), i64s({1, 3})})  -- [N, 1, w, 1]
    local function lerp(a, z, t)
      return remo.op("opset1.Add", {a, remo.op("opset1.Multiply", {remo.op("opset1.Subtract", {z, a}), t})})
    end
    local upper = lerp(gather(top, left), gather(top, right), lx)
    local lower = lerp(gather(bottom, left), gather(bottom, right), lx)
    out = lerp(upper, lower, ly)
  end
  local inside = remo.op("opset1.LogicalAnd", {remo.op("opset1.Unsqueeze", {in_y, i64s({2, 3})}),
                                               remo.op("opset1.Unsqueeze", {in_x, i64s({1, 3})})})
  return remo.op("opset1.Select", {inside, out, c(node:attr("extrapolation_value", 0.0))})
end)

-- ResizeBicubic as two products with constant interpolation matrices, [out_h, H] on the rows and
-- [W, out_w] on the columns, computed here from TensorFlow's kernel: Keys' cubic with a = -0.5
-- and taps outside the image dropped (weights renormalized) with half_pixel_centers, else a =
-- -0.75 with taps clamped to the border; the fraction is rounded to 1/1024 as TensorFlow's
-- coefficient table does. Needs static sizes.
local TABLE = 1024

-- v rounded to f32: TensorFlow computes sample positions in f32, and a position on a boundary in
-- exact arithmetic may fall to either side of it there.
local function f32(v) return (string.unpack("<f", string.pack("<f", v))) end

local function round_half_even(v)
  local f = math.floor(v)
  local d = v - f
  if d > 0.5 or (d == 0.5 and f % 2 == 1) then return f + 1 end
  return f
end

local function bicubic_matrix(n_in, n_out, align, half)
  local a = half and -0.5 or -0.75
  local function near(x) return ((a + 2) * x - (a + 3)) * x * x + 1 end        -- |d| <= 1
  local function far(x) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a end  -- 1 < |d| < 2
  local scale = f32((align and n_out > 1) and (n_in - 1) / (n_out - 1) or n_in / n_out)
  local m = {}
  for i = 1, n_out * n_in do m[i] = 0.0 end
  for o = 0, n_out - 1 do
    local pos = half and f32(f32((o + 0.5) * scale) - 0.5) or f32(o * scale)
    local base = math.floor(pos)
    local offset = round_half_even(f32(f32(pos - base) * TABLE))
    local d = offset / TABLE
    local w = {far(1 + d), near(d), near(1 - d), far(2 - d)}
    local taps = {}
    local sum = 0.0
    for k = 1, 4 do
      local idx = base - 2 + k
      local clamped = math.min(math.max(idx, 0), n_in - 1)
      if half and clamped ~= idx then w[k] = 0.0 end
      taps[k] = clamped
      sum = sum + w[k]
    end
    for k = 1, 4 do
      local weight = (half and math.abs(sum) > 0) and w[k] / sum or w[k]
      local at = o * n_in + taps[k] + 1
      m[at] = m[at] + weight
    end
  end
  return m
end

-- A resize of NHWC images (f32 output) whose every output row/column is a fixed weighting of the
-- input's: matrix(n_in, n_out) gives the [n_out, n_in] weights of one axis, row-major.
local function separable_resize(node, matrix)
  local x = node:input(1)
  local shape = x:shape()
  if shape == nil or #shape ~= 4 or shape[2] < 0 or shape[3] < 0 then
    error(node.type .. " needs a rank-4 input of static height and width: give it with --input_shape")
  end
  local size = util.const_values(node:input(2), node.type .. "'s size")
  if x:type() ~= "f32" then x = remo.op("opset1.Convert", {x}, {destination_type = "f32"}) end
  local rows = remo.const(matrix(shape[2], size[1]), "f32", {size[1], shape[2]})
  local cols = remo.const(matrix(shape[3], size[2]), "f32", {size[2], shape[3]})
  local y = util.to_channels_first(x, 4)                                     -- [N, C, H, W]
  y = remo.op("opset1.MatMul", {rows, y})                                    -- [N, C, out_h, W]
  y = remo.op("opset1.MatMul", {y, cols}, {transpose_b = true})              -- [N, C, out_h, out_w]
  return util.to_channels_last(y, 4)
end

remo.translate("tf.ResizeBicubic", function(node)
  local align, half = node:attr("align_corners", false), node:attr("half_pixel_centers", false)
  if align and half then error("ResizeBicubic: align_corners and half_pixel_centers cannot both be true") end
  return separable_resize(node, function(n_in, n_out) return bicubic_matrix(n_in, n_out, align, half) end)
end)

-- ResizeArea: each output pixel averages the input area it covers, partly covered pixels by the
-- covered fraction (indices past the border read the last pixel).
remo.translate("tf.ResizeArea", function(node)
  local align = node:attr("align_corners", false)
  return separable_resize(node, function(n_in, n_out)
    local scale = (align and n_out > 1) and (n_in - 1) / (n_out - 1) or n_in / n_out
    local m = {}
    for i = 1, n_out * n_in do m[i] = 0.0 end
    for o = 0, n_out - 1 do
      local from, to = o * scale, (o + 1) * scale
      for i = math.floor(from), math.ceil(to) - 1 do
        local covered = math.min(i + 1, to) - math.max(i, from)
        local at = o * n_in + math.min(i, n_in - 1) + 1
        m[at] = m[at] + covered / scale
      end
    end
    return m
  end)
end)

-- The kernels of ScaleAndTranslate by name: radius and weight at distance d >= 0.
local function sinc(x)
  if math.abs(x) < 1e-12 then return 1.0 end
  return math.sin(math.pi * x) / (math.pi * x)
end
local function lanczos(n)
  return n, function(d) if d > n then return 0.0 end return sinc(d) * sinc(d / n) end
end
local KERNELS = {
  lanczos1 = function() return lanczos(1) end,
  lanczos3 = function() return lanczos(3) end,
  lanczos5 = function() return lanczos(5) end,
  gaussian = function()
    local sigma = 0.5
    return 1.5, function(d) if d >= 1.5 then return 0.0 end return math.exp(-d * d / (2 * sigma * sigma)) end
  end,
  box = function()
    return 1.0, function(d) if d < 0.5 then return 1.0 elseif d == 0.5 then return 0.5 end return 0.0 end
  end,
  triangle = function() return 1.0, function(d) return math.max(0.0, 1.0 - d) end end,
  keyscubic = function()
    return 2.0, function(d)
      if d >= 2 then return 0.0 end
      if d >= 1 then return ((-0.5 * d + 2.5) * d - 4.0) * d + 2.0 end
      return (1.5 * d - 2.5) * d * d + 1.0
    end
  end,
  mitchellcubic = function()
    return 2.0, function(d)
      if d >= 2 then return 0.0 end
      if d >= 1 then return (((-7.0 / 18.0) * d + 2.0) * d - 10.0 / 3.0) * d + 16.0 / 9.0 end
      return ((7.0 / 6.0) * d - 2.0) * d * d + 8.0 / 9.0
    end
  end,
}

-- ScaleAndTranslate(images, size, scale, translation): output pixel x samples the input at
-- (x + 0.5 - translation) / scale with the named kernel, widened by 1/scale when antialiasing a
-- downscale; the weights of each output pixel are normalized, and pixels sampling outside the
-- input are 0.
remo.translate("tf.ScaleAndTranslate", function(node)
  local kind = node:attr("kernel_type", "lanczos3")
  local make = KERNELS[kind]
  if make == nil then error("ScaleAndTranslate kernel_type '" .. kind .. "' is not supported") end
  local radius, kernel = make()
  local antialias = node:attr("antialias", true)
  local scales = util.const_values(node:input(3), "ScaleAndTranslate's scale")
  local shifts = util.const_values(node:input(4), "ScaleAndTranslate's translation")
  -- In f32, a tap on the kernel's radius in exact arithmetic may fall just inside it.
  local axis = 0
  return separable_resize(node, function(n_in, n_out)
    axis = axis + 1
    local inv = f32(1 / scales[axis])
    local shift = f32(-inv * shifts[axis])
    local widen = antialias and math.max(inv, 1.0) or 1.0
    local narrow = f32(1 / widen)
    local m = {}
    for i = 1, n_out * n_in do m[i] = 0.0 end
    for o = 0, n_out - 1 do
      local at = f32(f32((o + 0.5) * inv) + shift)
      if at >= 0 and at <= n_in then
        local first = math.min(math.max(math.ceil(f32(at - radius * widen - 0.5)), 0), n_in - 1)
        local last = math.min(math.max(math.floor(f32(at + radius * widen - 0.5)), 0), n_in - 1)
        local w, sum = {}, 0.0
        for i = first, last do
          w[i] = kernel(math.abs(f32(f32(i + 0.5 - at) * narrow)))
          sum = sum + w[i]
        end
        for i = first, last do
          m[o * n_in + i + 1] = math.abs(sum) > 0 and w[i] / sum or w[i]
        end
      end
    end
    return m
  end)
end)

-- ExtractImagePatches(images, ksizes, strides, rates, padding): each output pixel holds its
-- [kh, kw, C] neighbourhood, flattened. A convolution with a one-hot filter of kh*kw*C outputs
-- copies exactly that (floating-point images).
remo.translate("tf.ExtractImagePatches", function(node)
  local x = node:input(1)
  local shape = x:shape()
  if shape == nil or #shape ~= 4 or shape[4] < 0 then
    error("ExtractImagePatches needs a rank-4 input with a static channel count")
  end
  if not util.is_float(x) then error("ExtractImagePatches needs floating-point images, got " .. x:type()) end
  local k = node:attr("ksizes")
  local kh, kw, c = k[2], k[3], shape[4]
  local n = kh * kw * c
  local filter = {}
  for i = 1, n * n do filter[i] = 0.0 end
  for i = 0, n - 1 do filter[i * n + i + 1] = 1.0 end  -- [kh, kw, C, n] row-major: entry (i, i)
  local w = remo.const(filter, x:type(), {n, n})
  w = remo.op("opset1.Reshape", {w, remo.const({kh, kw, c, n}, "i64")}, {special_zero = false})
  w = remo.op("opset1.Transpose", {w, remo.const({3, 2, 0, 1}, "i64")})
  local s, r = node:attr("strides"), node:attr("rates")
  local padding = node:attr("padding")
  if padding ~= "SAME" and padding ~= "VALID" then error("padding '" .. padding .. "' is not one of SAME, VALID") end
  local y = remo.op("opset1.Convolution", {util.to_channels_first(x, 4), w}, {
    strides = {s[2], s[3]}, dilations = {r[2], r[3]}, pads_begin = {0, 0}, pads_end = {0, 0},
    auto_pad = padding == "SAME" and "same_upper" or "valid"})
  return util.to_channels_last(y, 4)
end)
