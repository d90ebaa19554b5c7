// ROIPooling-2: max (or bilinear) pooling of each region of interest into a fixed grid.
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// feature map [N, C, H, W], boxes [R, 5] (batch index, x1, y1, x2, y2) -> [R, C, pooled_h, pooled_w].
void infer_roi_pooling(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "feature map", "a floating-point type");
  check_type(ctx.input_type(1), is_floating(ctx.input_type(1)), "boxes", "a floating-point type");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& boxes = ctx.input_shape(1);
  if (data.rank_known() && data.rank() != 4) ctx.fail("feature map must be 4-D [N, C, H, W], got " + shape_str(data));
  if (boxes.rank_known() && (boxes.rank() != 2 || (boxes[1] >= 0 && boxes[1] != 5)))
    ctx.fail("boxes must be [num_rois, 5] (batch index, x1, y1, x2, y2), got " + shape_str(boxes));
  const int64_t ph = ctx.attr<int64_t>("pooled_h"), pw = ctx.attr<int64_t>("pooled_w");
  if (ph <= 0 || pw <= 0) ctx.fail("pooled_h and pooled_w must be positive");
  if (ctx.attr<double>("spatial_scale") <= 0) ctx.fail("spatial_scale must be positive");
  ctx.set_output(0, type, PartialShape({boxes.rank_known() ? boxes[0] : kDynamicDim,
                                        data.rank_known() ? data[1] : kDynamicDim, ph, pw}));
}

// max: box corners scaled and rounded to pixels; bin (i, j) covers rows
// [floor(i * bin_h), ceil((i + 1) * bin_h)) of the box, clipped to the map; an empty bin gives 0.
// bilinear: the box in normalized [0, 1] coordinates, each bin sampled at its grid point.
std::vector<Tensor> evaluate_roi_pooling(const Node& node, const std::vector<Tensor>& in) {
  const Shape& xs = in[0].shape();
  const int64_t n = xs[0], c = xs[1], h = xs[2], w = xs[3];
  const int64_t rois = in[1].shape()[0];
  const int64_t ph = node.attr<int64_t>("pooled_h"), pw = node.attr<int64_t>("pooled_w");
  const double scale = node.attr<double>("spatial_scale");
  const bool bilinear = node.attr<std::string>("method") == "bilinear";
  const std::vector<double> x = load_values<double>(in[0]), boxes = load_values<double>(in[1]);
  std::vector<double> y(static_cast<size_t>(rois * c * ph * pw), 0.0);
  for (int64_t r = 0; r < rois; ++r) {
    const double* box = boxes.data() + r * 5;
    const auto b = static_cast<int64_t>(box[0]);
    if (b < 0 || b >= n) throw OpError("box " + std::to_string(r) + " names batch " + std::to_string(b) + " of " + std::to_string(n));
    for (int64_t ch = 0; ch < c; ++ch) {
      const double* plane = x.data() + (b * c + ch) * h * w;
      double* out = y.data() + (r * c + ch) * ph * pw;
      if (bilinear) {
        const double x1 = box[1] * static_cast<double>(w - 1), y1 = box[2] * static_cast<double>(h - 1);
        const double x2 = box[3] * static_cast<double>(w - 1), y2 = box[4] * static_cast<double>(h - 1);
        const double sy = ph > 1 ? (y2 - y1) / static_cast<double>(ph - 1) : 0, sx = pw > 1 ? (x2 - x1) / static_cast<double>(pw - 1) : 0;
        for (int64_t i = 0; i < ph; ++i)
          for (int64_t j = 0; j < pw; ++j) {
            const double py = ph > 1 ? y1 + static_cast<double>(i) * sy : (y1 + y2) / 2;
            const double px = pw > 1 ? x1 + static_cast<double>(j) * sx : (x1 + x2) / 2;
            if (py < 0 || py > static_cast<double>(h - 1) || px < 0 || px > static_cast<double>(w - 1)) continue;
            const auto t = static_cast<int64_t>(std::floor(py)), l = static_cast<int64_t>(std::floor(px));
            const int64_t bt = std::min(t + 1, h - 1), rt = std::min(l + 1, w - 1);
            const double fy = py - static_cast<double>(t), fx = px - static_cast<double>(l);
            const double top = plane[t * w + l] + (plane[t * w + rt] - plane[t * w + l]) * fx;
            const double bottom = plane[bt * w + l] + (plane[bt * w + rt] - plane[bt * w + l]) * fx;
            out[i * pw + j] = top + (bottom - top) * fy;
          }
        continue;
      }
      const auto sx = static_cast<int64_t>(std::round(box[1] * scale)), sy = static_cast<int64_t>(std::round(box[2] * scale));
      const auto ex = static_cast<int64_t>(std::round(box[3] * scale)), ey = static_cast<int64_t>(std::round(box[4] * scale));
      const double bin_h = static_cast<double>(std::max<int64_t>(ey - sy + 1, 1)) / static_cast<double>(ph);
      const double bin_w = static_cast<double>(std::max<int64_t>(ex - sx + 1, 1)) / static_cast<double>(pw);
      for (int64_t i = 0; i < ph; ++i)
        for (int64_t j = 0; j < pw; ++j) {
          const int64_t hs = std::clamp<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(i) * bin_h)) + sy, 0, h);
          const int64_t he = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(static_cast<double>(i + 1) * bin_h)) + sy, 0, h);
          const int64_t ws = std::clamp<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(j) * bin_w)) + sx, 0, w);
          const int64_t we = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(static_cast<double>(j + 1) * bin_w)) + sx, 0, w);
          if (he <= hs || we <= ws) continue;
          double best = -std::numeric_limits<double>::infinity();
          for (int64_t yy = hs; yy < he; ++yy)
            for (int64_t xx = ws; xx < we; ++xx) best = std::max(best, plane[yy * w + xx]);
          out[i * pw + j] = best;
        }
    }
  }
  return {store_values(in[0].type(), Shape{rois, c, ph, pw}, y)};
}

}  // namespace

void register_roi_pooling_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset2.ROIPooling", .ir_type = "ROIPooling", .ir_version = "opset2",
      .attrs = {required_attr("pooled_h", AttrKind::Int), required_attr("pooled_w", AttrKind::Int),
                required_attr("spatial_scale", AttrKind::Float),
                default_attr("method", AttrKind::String, std::string("max"), {"max", "bilinear"})},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_roi_pooling,
      .evaluate = evaluate_roi_pooling,
  });
}

}  // namespace remo
