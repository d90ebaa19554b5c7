// GridSample-9 (sampling a 2-D image at grid coordinates) and Col2Im-15 (folding sliding-window
// columns back into an image).
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// data [N, C, H_in, W_in], grid [N, H_out, W_out, 2] -> [N, C, H_out, W_out].
void infer_grid_sample(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, type != ElementType::boolean, "data", "a numeric type");
  check_type(ctx.input_type(1), is_floating(ctx.input_type(1)), "grid", "a floating-point type");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& grid = ctx.input_shape(1);
  if (data.rank_known() && data.rank() != 4) ctx.fail("data must be 4-D [N, C, H, W], got " + shape_str(data));
  if (grid.rank_known() && (grid.rank() != 4 || (grid[3] >= 0 && grid[3] != 2)))
    ctx.fail("grid must be 4-D [N, H_out, W_out, 2], got " + shape_str(grid));
  int64_t batch = data.rank_known() ? data[0] : kDynamicDim;
  if (grid.rank_known()) {
    auto merged = merge_dim(batch, grid[0]);
    if (!merged) ctx.fail("data " + shape_str(data) + " and grid " + shape_str(grid) + " differ in batch size");
    batch = *merged;
  }
  ctx.set_output(0, type, PartialShape({batch, data.rank_known() ? data[1] : kDynamicDim,
                                        grid.rank_known() ? grid[1] : kDynamicDim,
                                        grid.rank_known() ? grid[2] : kDynamicDim}));
}

// data [N, C * kH * kW, L] (or unbatched [C * kH * kW, L]), output_size [2], kernel_size [2]
// -> [N, C, H, W]; L must equal the number of window positions over the padded image.
void infer_col2im(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  for (size_t i : {size_t{1}, size_t{2}}) {
    check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), i == 1 ? "output_size" : "kernel_size",
               "an integer type");
    const PartialShape& s = ctx.input_shape(i);
    if (s.rank_known() && (s.rank() != 1 || (s[0] >= 0 && s[0] != 2)))
      ctx.fail(std::string(i == 1 ? "output_size" : "kernel_size") + " must hold 2 values, got shape " + shape_str(s));
  }
  const auto strides = ctx.attr<std::vector<int64_t>>("strides");
  const auto dilations = ctx.attr<std::vector<int64_t>>("dilations");
  const auto pads_begin = ctx.attr<std::vector<int64_t>>("pads_begin");
  const auto pads_end = ctx.attr<std::vector<int64_t>>("pads_end");
  for (const auto* v : {&strides, &dilations, &pads_begin, &pads_end})
    if (v->size() != 2) ctx.fail("strides, dilations, pads_begin and pads_end must have 2 values each");
  for (size_t i = 0; i < 2; ++i)
    if (strides[i] <= 0 || dilations[i] <= 0 || pads_begin[i] < 0 || pads_end[i] < 0)
      ctx.fail("strides and dilations must be positive and pads not negative");
  const PartialShape& data = ctx.input_shape(0);
  if (data.rank_known() && data.rank() != 2 && data.rank() != 3)
    ctx.fail("data must be [N, C * kH * kW, L] or [C * kH * kW, L], got " + shape_str(data));
  const auto size = constant_ints(ctx, 1);
  const auto kernel = constant_ints(ctx, 2);
  const int64_t out_h = size ? (*size)[0] : kDynamicDim, out_w = size ? (*size)[1] : kDynamicDim;
  int64_t channels = kDynamicDim;
  if (data.rank_known()) {
    const bool batched = data.rank() == 3;
    const int64_t columns = data[batched ? 1 : 0];
    if (kernel && ((*kernel)[0] <= 0 || (*kernel)[1] <= 0))
      ctx.fail("kernel_size must be positive, got " + shape_to_string(*kernel));
    if (kernel && columns >= 0) {
      const int64_t block = (*kernel)[0] * (*kernel)[1];
      if (block <= 0 || columns % block != 0)
        ctx.fail("data has " + std::to_string(columns) + " columns, not a multiple of the kernel size " +
                 shape_to_string(*kernel));
      channels = columns / block;
    }
    if (size && kernel && data[batched ? 2 : 1] >= 0) {
      int64_t blocks = 1;
      for (size_t i = 0; i < 2; ++i) {
        const int64_t span = (*size)[i] + pads_begin[i] + pads_end[i] - (dilations[i] * ((*kernel)[i] - 1) + 1);
        blocks *= span < 0 ? 0 : span / strides[i] + 1;
      }
      if (blocks != data[batched ? 2 : 1])
        ctx.fail("data has " + std::to_string(data[batched ? 2 : 1]) + " blocks, the output size and window give " +
                 std::to_string(blocks));
    }
    if (batched) return ctx.set_output(0, type, PartialShape({data[0], channels, out_h, out_w}));
    return ctx.set_output(0, type, PartialShape({channels, out_h, out_w}));
  }
  ctx.set_output(0, type, PartialShape::dynamic_rank());
}

// Maps a coordinate into [0, size - 1] by reflecting it at the borders: at the pixel centers of
// the edge pixels (align_corners) or at their outer edges.
double reflect(double c, int64_t size, bool align_corners) {
  const double low = align_corners ? 0.0 : -0.5;
  const double span = align_corners ? static_cast<double>(size - 1) : static_cast<double>(size);
  if (span <= 0) return 0;
  const double d = std::fabs(c - low);
  const double flips = std::floor(d / span);
  const double extra = d - flips * span;
  const double r = std::fmod(flips, 2.0) == 0 ? low + extra : low + span - extra;
  return std::clamp(r, 0.0, static_cast<double>(size - 1));
}

struct Sampler {
  const double* plane;
  int64_t h, w;
  std::string padding;
  bool align_corners;

  // One pixel; out-of-range indices read 0 (zeros) or the border / reflected pixel.
  double pixel(int64_t y, int64_t x) const {
    if (padding == "zeros") {
      if (y < 0 || y >= h || x < 0 || x >= w) return 0;
    } else if (padding == "border") {
      y = std::clamp<int64_t>(y, 0, h - 1);
      x = std::clamp<int64_t>(x, 0, w - 1);
    } else {
      y = static_cast<int64_t>(reflect(static_cast<double>(y), h, align_corners));
      x = static_cast<int64_t>(reflect(static_cast<double>(x), w, align_corners));
    }
    return plane[y * w + x];
  }
  // A denormalized coordinate moved inside the image by the padding mode (not for zeros).
  double bound(double c, int64_t size) const {
    if (padding == "border") return std::clamp(c, 0.0, static_cast<double>(size - 1));
    if (padding == "reflection") return reflect(c, size, align_corners);
    return c;
  }
};

double cubic_weight(double t, int tap) {
  constexpr double a = -0.75;
  const double d = std::fabs(t - tap);
  if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
  if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
  return 0;
}

std::vector<Tensor> evaluate_grid_sample(const Node& node, const std::vector<Tensor>& in) {
  const Shape& xs = in[0].shape();
  const Shape& gs = in[1].shape();
  const bool align = node.attr<bool>("align_corners");
  const std::string mode = node.attr<std::string>("mode");
  const std::vector<double> x = load_values<double>(in[0]);
  const std::vector<double> grid = load_values<double>(in[1]);
  const int64_t n = xs[0], c = xs[1], h = xs[2], w = xs[3], oh = gs[1], ow = gs[2];
  if (h <= 0 || w <= 0) throw OpError("GridSample needs a non-empty image, got " + shape_to_string(xs));
  std::vector<double> y(static_cast<size_t>(n * c * oh * ow));
  auto denormalize = [&](double v, int64_t size) {
    return align ? (v + 1) / 2 * static_cast<double>(size - 1) : ((v + 1) * static_cast<double>(size) - 1) / 2;
  };
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      const Sampler s{x.data() + (b * c + ch) * h * w, h, w, node.attr<std::string>("padding_mode"), align};
      for (int64_t i = 0; i < oh * ow; ++i) {
        const double* g = grid.data() + (b * oh * ow + i) * 2;
        double gx = denormalize(g[0], w), gy = denormalize(g[1], h);
        double v = 0;
        if (mode == "bicubic") {
          const double x0 = std::floor(gx), y0 = std::floor(gy);
          for (int ty = -1; ty <= 2; ++ty)
            for (int tx = -1; tx <= 2; ++tx)
              v += cubic_weight(gy - y0, ty) * cubic_weight(gx - x0, tx) *
                   s.pixel(static_cast<int64_t>(y0) + ty, static_cast<int64_t>(x0) + tx);
        } else {
          gx = s.bound(gx, w);
          gy = s.bound(gy, h);
          if (mode == "nearest") {
            v = s.pixel(static_cast<int64_t>(std::nearbyint(gy)), static_cast<int64_t>(std::nearbyint(gx)));
          } else {
            const double x0 = std::floor(gx), y0 = std::floor(gy), fx = gx - x0, fy = gy - y0;
            const auto ix = static_cast<int64_t>(x0), iy = static_cast<int64_t>(y0);
            v = (1 - fy) * ((1 - fx) * s.pixel(iy, ix) + fx * s.pixel(iy, ix + 1)) +
                fy * ((1 - fx) * s.pixel(iy + 1, ix) + fx * s.pixel(iy + 1, ix + 1));
          }
        }
        y[static_cast<size_t>((b * c + ch) * oh * ow + i)] = v;
      }
    }
  return {store_values(in[0].type(), Shape{n, c, oh, ow}, y, IntRounding::nearest)};
}

// Adds every column entry back to the image position its window element covers.
std::vector<Tensor> evaluate_col2im(const Node& node, const std::vector<Tensor>& in) {
  const Shape& xs = in[0].shape();
  const bool batched = xs.size() == 3;
  const auto size = in[1].to_int64(), kernel = in[2].to_int64();
  const auto strides = node.attr<std::vector<int64_t>>("strides");
  const auto dilations = node.attr<std::vector<int64_t>>("dilations");
  const auto pads = node.attr<std::vector<int64_t>>("pads_begin");
  const auto pads_end = node.attr<std::vector<int64_t>>("pads_end");
  const int64_t n = batched ? xs[0] : 1, rows = xs[batched ? 1 : 0], blocks_total = xs[batched ? 2 : 1];
  if (kernel.size() != 2 || size.size() != 2 || kernel[0] <= 0 || kernel[1] <= 0 || size[0] < 0 || size[1] < 0)
    throw OpError("output_size and kernel_size must hold 2 values, the kernel positive");
  const int64_t kh = kernel[0], kw = kernel[1], c = rows / (kh * kw), h = size[0], w = size[1];
  const int64_t blocks_w = (w + pads[1] + pads_end[1] - (dilations[1] * (kw - 1) + 1)) / strides[1] + 1;
  const std::vector<double> x = load_values<double>(in[0]);
  std::vector<double> y(static_cast<size_t>(n * c * h * w), 0.0);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t row = 0; row < rows; ++row) {
      const int64_t ch = row / (kh * kw), ky = (row / kw) % kh, kx = row % kw;
      for (int64_t blk = 0; blk < blocks_total; ++blk) {
        const int64_t iy = (blk / blocks_w) * strides[0] - pads[0] + ky * dilations[0];
        const int64_t ix = (blk % blocks_w) * strides[1] - pads[1] + kx * dilations[1];
        if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
        y[static_cast<size_t>(((b * c + ch) * h + iy) * w + ix)] += x[static_cast<size_t>((b * rows + row) * blocks_total + blk)];
      }
    }
  Shape out{c, h, w};
  if (batched) out.insert(out.begin(), n);
  return {store_values(in[0].type(), out, y, IntRounding::nearest)};
}

}  // namespace

void register_sampling_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset9.GridSample", .ir_type = "GridSample", .ir_version = "opset9",
      .attrs = {default_attr("align_corners", AttrKind::Bool, false),
                default_attr("mode", AttrKind::String, std::string("bilinear"), {"bilinear", "bicubic", "nearest"}),
                default_attr("padding_mode", AttrKind::String, std::string("zeros"), {"zeros", "border", "reflection"})},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_grid_sample,
      .evaluate = evaluate_grid_sample,
  });
  add_op(r, OpDef{
      .name = "opset15.Col2Im", .ir_type = "Col2Im", .ir_version = "opset15",
      .attrs = {default_attr("strides", AttrKind::Ints, std::vector<int64_t>{1, 1}),
                default_attr("dilations", AttrKind::Ints, std::vector<int64_t>{1, 1}),
                default_attr("pads_begin", AttrKind::Ints, std::vector<int64_t>{0, 0}),
                default_attr("pads_end", AttrKind::Ints, std::vector<int64_t>{0, 0})},
      .min_inputs = 3, .max_inputs = 3,
      .infer = infer_col2im,
      .evaluate = evaluate_col2im,
  });
}

}  // namespace remo
