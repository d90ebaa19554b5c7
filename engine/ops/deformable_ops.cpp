// DeformableConvolution-8: a 2-D convolution whose kernel taps are moved by per-position offsets
// (bilinear sampling), optionally weighted by a mask.
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/window.h"

namespace remo {
namespace {

// data [N, C, H, W], offsets [N, DG * kH * kW * 2, oH, oW], filters [O, C / group, kH, kW],
// mask [N, DG * kH * kW, oH, oW].
void infer_deformable(InferContext& ctx) {
  ElementType type = merge_types(numeric_input_type(ctx, 0), numeric_input_type(ctx, 1), "data and offsets");
  type = merge_types(type, numeric_input_type(ctx, 2), "data and filters");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& offsets = ctx.input_shape(1);
  const PartialShape& filters = ctx.input_shape(2);
  for (size_t i = 0; i < ctx.node().inputs().size(); ++i)
    if (ctx.has_input(i) && ctx.input_shape(i).rank_known() && ctx.input_shape(i).rank() != 4)
      ctx.fail("data, offsets, filters and mask must all be 4-D, input " + std::to_string(i) + " is " +
               shape_str(ctx.input_shape(i)));
  const int64_t group = ctx.attr<int64_t>("group"), deformable = ctx.attr<int64_t>("deformable_group");
  if (group <= 0 || deformable <= 0) ctx.fail("group and deformable_group must be positive");
  if (data.rank_known() && data[1] >= 0 && data[1] % deformable != 0)
    ctx.fail("data channels (" + std::to_string(data[1]) + ") are not divisible by deformable_group " + std::to_string(deformable));
  if (filters.rank_known() && filters[0] >= 0 && filters[0] % group != 0)
    ctx.fail("output channels (" + std::to_string(filters[0]) + ") are not divisible by group " + std::to_string(group));
  std::vector<int64_t> kernel{kDynamicDim, kDynamicDim}, in{kDynamicDim, kDynamicDim};
  if (filters.rank_known()) kernel = {filters[2], filters[3]};
  if (data.rank_known()) in = {data[2], data[3]};
  const Window w = read_window(ctx.node(), kernel);
  check_window(w, 2);
  const WindowOutput o = window_output(in, w);
  if (data.rank_known() && filters.rank_known() && data[1] >= 0 && filters[1] >= 0 && data[1] != filters[1] * group)
    ctx.fail("data has " + std::to_string(data[1]) + " channels, the filters " + shape_str(filters) + " with group " +
             std::to_string(group) + " expect " + std::to_string(filters[1] * group));
  if (offsets.rank_known() && filters.rank_known() && offsets[1] >= 0 && filters[2] >= 0 && filters[3] >= 0 &&
      offsets[1] != deformable * filters[2] * filters[3] * 2)
    ctx.fail("offsets " + shape_str(offsets) + " must have deformable_group * kH * kW * 2 = " +
             std::to_string(deformable * filters[2] * filters[3] * 2) + " channels");
  ctx.set_output(0, type, PartialShape({data.rank_known() ? data[0] : kDynamicDim,
                                        filters.rank_known() ? filters[0] : kDynamicDim, o.dims[0], o.dims[1]}));
}

// Bilinear sample at (y, x); neighbours outside the image count as 0, so points within one pixel
// of the border still get a share (bilinear_interpolation_pad) or, without it, are 0 entirely.
double sample(const double* plane, int64_t h, int64_t w, double y, double x, bool pad) {
  if (!pad && (y < 0 || x < 0 || y > static_cast<double>(h - 1) || x > static_cast<double>(w - 1))) return 0;
  if (y <= -1 || x <= -1 || y >= static_cast<double>(h) || x >= static_cast<double>(w)) return 0;
  const double y0 = std::floor(y), x0 = std::floor(x), fy = y - y0, fx = x - x0;
  auto at = [&](int64_t r, int64_t c) { return r < 0 || c < 0 || r >= h || c >= w ? 0.0 : plane[r * w + c]; };
  const auto r = static_cast<int64_t>(y0), c = static_cast<int64_t>(x0);
  return (1 - fy) * ((1 - fx) * at(r, c) + fx * at(r, c + 1)) + fy * ((1 - fx) * at(r + 1, c) + fx * at(r + 1, c + 1));
}

std::vector<Tensor> evaluate_deformable(const Node& node, const std::vector<Tensor>& in) {
  const Shape& xs = in[0].shape();
  const Shape& ws = in[2].shape();
  const Window win = read_window(node, {ws[2], ws[3]});
  const WindowOutput o = window_output({xs[2], xs[3]}, win);
  const int64_t n = xs[0], c = xs[1], h = xs[2], w = xs[3], oc = ws[0], icg = ws[1], kh = ws[2], kw = ws[3];
  const int64_t oh = o.dims[0], ow = o.dims[1];
  const int64_t group = node.attr<int64_t>("group"), deformable = node.attr<int64_t>("deformable_group");
  const bool pad = node.attr<bool>("bilinear_interpolation_pad");
  const bool masked = in.size() > 3 && in[3].type() != ElementType::dynamic;
  const std::vector<double> x = load_values<double>(in[0]), off = load_values<double>(in[1]),
                            filt = load_values<double>(in[2]);
  const std::vector<double> mask = masked ? load_values<double>(in[3]) : std::vector<double>{};
  const int64_t per_deformable = c / deformable, ocg = oc / group, taps = kh * kw;
  std::vector<double> y(static_cast<size_t>(n * oc * oh * ow), 0.0);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t f = 0; f < oc; ++f)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double sum = 0;
          for (int64_t k = 0; k < icg; ++k) {
            const int64_t ch = (f / ocg) * icg + k, dg = ch / per_deformable;
            const double* plane = x.data() + (b * c + ch) * h * w;
            for (int64_t t = 0; t < taps; ++t) {
              const int64_t ky = t / kw, kx = t % kw;
              const int64_t at = ((b * deformable + dg) * taps + t) * 2;
              const double dy = off[static_cast<size_t>((at * oh + i) * ow + j)];
              const double dx = off[static_cast<size_t>(((at + 1) * oh + i) * ow + j)];
              const double py = static_cast<double>(i * win.strides[0] - o.pads_begin[0] + ky * win.dilations[0]) + dy;
              const double px = static_cast<double>(j * win.strides[1] - o.pads_begin[1] + kx * win.dilations[1]) + dx;
              double v = sample(plane, h, w, py, px, pad) * filt[static_cast<size_t>((f * icg + k) * taps + t)];
              if (masked) v *= mask[static_cast<size_t>((((b * deformable + dg) * taps + t) * oh + i) * ow + j)];
              sum += v;
            }
          }
          y[static_cast<size_t>(((b * oc + f) * oh + i) * ow + j)] = sum;
        }
  return {store_values(in[0].type(), Shape{n, oc, oh, ow}, y)};
}

}  // namespace

void register_deformable_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset8.DeformableConvolution", .ir_type = "DeformableConvolution", .ir_version = "opset8",
      .attrs = {required_attr("strides", AttrKind::Ints), required_attr("dilations", AttrKind::Ints),
                required_attr("pads_begin", AttrKind::Ints), required_attr("pads_end", AttrKind::Ints),
                default_attr("auto_pad", AttrKind::String, std::string("explicit"),
                             {"explicit", "same_upper", "same_lower", "valid"}),
                default_attr("group", AttrKind::Int, int64_t{1}), default_attr("deformable_group", AttrKind::Int, int64_t{1}),
                default_attr("bilinear_interpolation_pad", AttrKind::Bool, false)},
      .min_inputs = 3, .max_inputs = 4,
      .infer = infer_deformable,
      .evaluate = evaluate_deformable,
  });
}

}  // namespace remo
