// Detection post-processing: NonMaxSuppression-9 (greedy or soft suppression of overlapping
// boxes per batch and class) and ROIAlign-9 (bilinear pooling of regions of a feature map).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// --- NonMaxSuppression-9 -------------------------------------------------------------------
void check_scalar(const InferContext& ctx, size_t i, const char* what) {
  if (!ctx.has_input(i)) return;
  const PartialShape& s = ctx.input_shape(i);
  if (s.rank_known() && (s.rank() > 1 || (s.rank() == 1 && s[0] > 1)))
    ctx.fail(std::string(what) + " must be a scalar or a 1-element tensor, got " + shape_str(s));
}

void infer_nms(InferContext& ctx) {
  const ElementType out_type = ctx.attr<ElementType>("output_type");
  if (out_type != ElementType::i64 && out_type != ElementType::i32)
    ctx.fail("output_type must be i64 or i32, got " + std::string(type_name(out_type)));
  const ElementType box_type = ctx.input_type(0);
  check_type(box_type, is_floating(box_type), "boxes", "a floating-point type");
  check_type(ctx.input_type(1), is_floating(ctx.input_type(1)), "scores", "a floating-point type");
  const PartialShape& boxes = ctx.input_shape(0);
  const PartialShape& scores = ctx.input_shape(1);
  if (boxes.rank_known() && (boxes.rank() != 3 || (boxes[2] != kDynamicDim && boxes[2] != 4)))
    ctx.fail("boxes must have shape [batches, boxes, 4], got " + shape_str(boxes));
  if (scores.rank_known() && scores.rank() != 3)
    ctx.fail("scores must have shape [batches, classes, boxes], got " + shape_str(scores));
  if (boxes.rank_known() && scores.rank_known()) {
    if (!merge_dim(boxes[0], scores[0]))
      ctx.fail("boxes " + shape_str(boxes) + " and scores " + shape_str(scores) + " disagree on the batch count");
    if (!merge_dim(boxes[1], scores[2]))
      ctx.fail("boxes " + shape_str(boxes) + " and scores " + shape_str(scores) + " disagree on the box count");
  }
  check_scalar(ctx, 2, "max_output_boxes_per_class");
  check_scalar(ctx, 3, "iou_threshold");
  check_scalar(ctx, 4, "score_threshold");
  check_scalar(ctx, 5, "soft_nms_sigma");
  // How many boxes survive is known only when the op runs.
  ctx.set_output(0, out_type, PartialShape(std::vector<int64_t>{kDynamicDim, 3}));
  ctx.set_output(1, box_type == ElementType::dynamic ? ElementType::f32 : box_type,
                 PartialShape(std::vector<int64_t>{kDynamicDim, 3}));
  ctx.set_output(2, out_type, PartialShape(std::vector<int64_t>{1}));
}

struct Box {
  double y1, x1, y2, x2;
};

Box box_at(const std::vector<double>& b, size_t at, bool center) {
  if (center) {  // [x_center, y_center, width, height]
    const double xc = b[at], yc = b[at + 1], w = b[at + 2], h = b[at + 3];
    return {yc - h / 2, xc - w / 2, yc + h / 2, xc + w / 2};
  }
  // [y1, x1, y2, x2] with the corners in either order.
  return {std::min(b[at], b[at + 2]), std::min(b[at + 1], b[at + 3]), std::max(b[at], b[at + 2]),
          std::max(b[at + 1], b[at + 3])};
}

double iou(const Box& a, const Box& b) {
  const double area_a = (a.y2 - a.y1) * (a.x2 - a.x1), area_b = (b.y2 - b.y1) * (b.x2 - b.x1);
  if (area_a <= 0 || area_b <= 0) return 0;
  const double h = std::max(0.0, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
  const double w = std::max(0.0, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
  const double inter = h * w;
  return inter / (area_a + area_b - inter);
}

double optional_scalar(const std::vector<Tensor>& in, size_t i, double fallback) {
  if (i >= in.size() || in[i].empty()) return fallback;
  if (in[i].element_count() != 1) throw OpError("input " + std::to_string(i) + " must hold one value");
  return in[i].to_double()[0];
}

struct Selected {
  int64_t batch, cls, box;
  double score;
};

// Boxes of one batch and class, best first. Soft suppression (sigma > 0) lowers the score of each
// remaining box by exp(-0.5 * iou^2 / sigma) per selected box instead of dropping it, and drops it
// only when its iou with a selected box exceeds iou_threshold or its score falls to score_threshold.
std::vector<Selected> suppress_class(const std::vector<Box>& boxes, std::vector<double> scores, int64_t batch,
                                     int64_t cls, int64_t limit, double iou_threshold, double score_threshold,
                                     double sigma) {
  std::vector<Selected> out;
  std::vector<bool> alive(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) alive[i] = scores[i] > score_threshold;
  while (static_cast<int64_t>(out.size()) < limit) {
    int64_t best = -1;
    for (size_t i = 0; i < scores.size(); ++i)  // highest score, lowest index on ties
      if (alive[i] && (best < 0 || scores[i] > scores[static_cast<size_t>(best)])) best = static_cast<int64_t>(i);
    if (best < 0) break;
    const size_t b = static_cast<size_t>(best);
    alive[b] = false;
    out.push_back({batch, cls, best, scores[b]});
    for (size_t i = 0; i < scores.size(); ++i) {
      if (!alive[i]) continue;
      const double overlap = iou(boxes[b], boxes[i]);
      if (overlap > iou_threshold) {
        alive[i] = false;
      } else if (sigma > 0) {
        scores[i] *= std::exp(-0.5 * overlap * overlap / sigma);
        alive[i] = scores[i] > score_threshold;
      }
    }
  }
  return out;
}

std::vector<Tensor> evaluate_nms(const Node& node, const std::vector<Tensor>& in) {
  const Shape& bs = in[0].shape();
  const Shape& ss = in[1].shape();
  if (bs.size() != 3 || bs[2] != 4 || ss.size() != 3 || bs[0] != ss[0] || bs[1] != ss[2])
    throw OpError("boxes " + shape_to_string(bs) + " and scores " + shape_to_string(ss) + " do not fit together");
  const int64_t batches = bs[0], count = bs[1], classes = ss[1];
  const auto limit = static_cast<int64_t>(optional_scalar(in, 2, 0));
  const double iou_threshold = optional_scalar(in, 3, 0), score_threshold = optional_scalar(in, 4, 0);
  const double sigma = optional_scalar(in, 5, 0);
  const bool center = node.attr<std::string>("box_encoding") == "center";
  const std::vector<double> box_values = in[0].to_double(), score_values = in[1].to_double();

  std::vector<Selected> all;
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<Box> boxes;
    for (int64_t i = 0; i < count; ++i) boxes.push_back(box_at(box_values, static_cast<size_t>((b * count + i) * 4), center));
    for (int64_t c = 0; c < classes; ++c) {
      const auto first = score_values.begin() + (b * classes + c) * count;
      auto picked = suppress_class(boxes, std::vector<double>(first, first + count), b, c, limit, iou_threshold,
                                   score_threshold, sigma);
      all.insert(all.end(), picked.begin(), picked.end());
    }
  }
  if (node.attr<bool>("sort_result_descending"))
    std::stable_sort(all.begin(), all.end(), [](const Selected& a, const Selected& b) { return a.score > b.score; });

  const ElementType out_type = node.attr<ElementType>("output_type");
  const auto n = static_cast<int64_t>(all.size());
  std::vector<int64_t> indices;
  std::vector<double> scores;
  for (const Selected& s : all) {
    indices.insert(indices.end(), {s.batch, s.cls, s.box});
    scores.insert(scores.end(), {static_cast<double>(s.batch), static_cast<double>(s.cls), s.score});
  }
  return {store_values(out_type, {n, 3}, indices), store_values(in[0].type(), {n, 3}, scores),
          store_values(out_type, {1}, std::vector<int64_t>{n})};
}

// --- ROIAlign-9 ----------------------------------------------------------------------------
void infer_roi_align(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "data", "a floating-point type");
  if (ctx.input_type(1) != ElementType::dynamic && ctx.input_type(1) != type && type != ElementType::dynamic)
    ctx.fail("rois must have the data's element type " + std::string(type_name(type)));
  const ElementType index_type = ctx.input_type(2);
  check_type(index_type, is_integral(index_type), "batch_indices", "an integer type");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& rois = ctx.input_shape(1);
  const PartialShape& indices = ctx.input_shape(2);
  if (data.rank_known() && data.rank() != 4) ctx.fail("data must be 4-D [N,C,H,W], got " + shape_str(data));
  if (rois.rank_known() && (rois.rank() != 2 || (rois[1] != kDynamicDim && rois[1] != 4)))
    ctx.fail("rois must have shape [R, 4], got " + shape_str(rois));
  if (indices.rank_known() && indices.rank() != 1)
    ctx.fail("batch_indices must be 1-D [R], got " + shape_str(indices));
  int64_t count = rois.rank_known() ? rois[0] : kDynamicDim;
  if (indices.rank_known()) {
    auto merged = merge_dim(count, indices[0]);
    if (!merged) ctx.fail("rois " + shape_str(rois) + " and batch_indices " + shape_str(indices) + " disagree on R");
    count = *merged;
  }
  const int64_t ph = ctx.attr<int64_t>("pooled_h"), pw = ctx.attr<int64_t>("pooled_w");
  if (ph <= 0 || pw <= 0) ctx.fail("pooled_h and pooled_w must be positive");
  if (ctx.attr<int64_t>("sampling_ratio") < 0) ctx.fail("sampling_ratio must not be negative");
  if (ctx.attr<double>("spatial_scale") <= 0) ctx.fail("spatial_scale must be positive");
  ctx.set_output(0, type, PartialShape(std::vector<int64_t>{count, data.rank_known() ? data[1] : kDynamicDim, ph, pw}));
}

// Bilinear value of `plane` (h x w) at (y, x); 0 outside [-1, size].
double bilinear(const double* plane, int64_t h, int64_t w, double y, double x) {
  if (y < -1.0 || y > static_cast<double>(h) || x < -1.0 || x > static_cast<double>(w)) return 0;
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
  auto y0 = static_cast<int64_t>(y), x0 = static_cast<int64_t>(x);
  int64_t y1 = y0 + 1, x1 = x0 + 1;
  if (y0 >= h - 1) y0 = y1 = h - 1, y = static_cast<double>(y0);
  if (x0 >= w - 1) x0 = x1 = w - 1, x = static_cast<double>(x0);
  const double ly = y - static_cast<double>(y0), lx = x - static_cast<double>(x0);
  return (1 - ly) * (1 - lx) * plane[y0 * w + x0] + (1 - ly) * lx * plane[y0 * w + x1] +
         ly * (1 - lx) * plane[y1 * w + x0] + ly * lx * plane[y1 * w + x1];
}

std::vector<Tensor> evaluate_roi_align(const Node& node, const std::vector<Tensor>& in) {
  const Shape& ds = in[0].shape();
  if (ds.size() != 4 || in[1].shape().size() != 2 || in[1].shape()[1] != 4)
    throw OpError("data must be [N,C,H,W] and rois [R,4]");
  const int64_t n = ds[0], c = ds[1], h = ds[2], w = ds[3], r = in[1].shape()[0];
  const int64_t ph = node.attr<int64_t>("pooled_h"), pw = node.attr<int64_t>("pooled_w");
  const int64_t ratio = node.attr<int64_t>("sampling_ratio");
  const double scale = node.attr<double>("spatial_scale");
  const bool is_max = node.attr<std::string>("mode") == "max";
  const std::string& aligned = node.attr<std::string>("aligned_mode");
  // asymmetric: x * scale, regions at least one pixel; half_pixel_for_nn: x * scale - 0.5;
  // half_pixel: (x + 0.5) * scale - 0.5.
  const double shift_in = aligned == "half_pixel" ? 0.5 : 0.0;
  const double shift_out = aligned == "asymmetric" ? 0.0 : -0.5;
  const std::vector<double> data = in[0].to_double(), rois = in[1].to_double();
  const std::vector<int64_t> batch = in[2].to_int64();
  if (static_cast<int64_t>(batch.size()) != r) throw OpError("batch_indices must have one entry per roi");
  std::vector<double> out(static_cast<size_t>(r * c * ph * pw));
  for (int64_t i = 0; i < r; ++i) {
    if (batch[static_cast<size_t>(i)] < 0 || batch[static_cast<size_t>(i)] >= n)
      throw OpError("batch index " + std::to_string(batch[static_cast<size_t>(i)]) + " is out of range");
    const double* roi = &rois[static_cast<size_t>(i * 4)];
    const double x1 = (roi[0] + shift_in) * scale + shift_out, y1 = (roi[1] + shift_in) * scale + shift_out;
    double rw = (roi[2] + shift_in) * scale + shift_out - x1, rh = (roi[3] + shift_in) * scale + shift_out - y1;
    if (aligned == "asymmetric") rw = std::max(rw, 1.0), rh = std::max(rh, 1.0);
    const double bin_h = rh / static_cast<double>(ph), bin_w = rw / static_cast<double>(pw);
    const int64_t sy = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(bin_h));
    const int64_t sx = ratio > 0 ? ratio : static_cast<int64_t>(std::ceil(bin_w));
    for (int64_t ch = 0; ch < c; ++ch) {
      const double* plane = &data[static_cast<size_t>((batch[static_cast<size_t>(i)] * c + ch) * h * w)];
      for (int64_t py = 0; py < ph; ++py)
        for (int64_t px = 0; px < pw; ++px) {
          double acc = is_max ? -INFINITY : 0.0;
          for (int64_t iy = 0; iy < sy; ++iy)
            for (int64_t ix = 0; ix < sx; ++ix) {
              const double y = y1 + static_cast<double>(py) * bin_h + (static_cast<double>(iy) + 0.5) * bin_h / static_cast<double>(sy);
              const double x = x1 + static_cast<double>(px) * bin_w + (static_cast<double>(ix) + 0.5) * bin_w / static_cast<double>(sx);
              const double v = bilinear(plane, h, w, y, x);
              acc = is_max ? std::max(acc, v) : acc + v;
            }
          const int64_t samples = sy * sx;
          out[static_cast<size_t>(((i * c + ch) * ph + py) * pw + px)] =
              samples == 0 ? 0.0 : (is_max ? acc : acc / static_cast<double>(samples));
        }
    }
  }
  return {store_values(in[0].type(), {r, c, ph, pw}, out)};
}

}  // namespace

void register_detection_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset9.NonMaxSuppression", .ir_type = "NonMaxSuppression", .ir_version = "opset9",
      .attrs = {default_attr("box_encoding", AttrKind::String, std::string("corner"), {"corner", "center"}),
                default_attr("sort_result_descending", AttrKind::Bool, true),
                default_attr("output_type", AttrKind::Type, ElementType::i64)},
      .min_inputs = 2, .max_inputs = 6,
      .output_count = [](const Attributes&) { return size_t{3}; },
      .infer = infer_nms,
      .evaluate = evaluate_nms,
  });
  add_op(r, OpDef{
      .name = "opset9.ROIAlign", .ir_type = "ROIAlign", .ir_version = "opset9",
      .attrs = {required_attr("pooled_h", AttrKind::Int), required_attr("pooled_w", AttrKind::Int),
                required_attr("sampling_ratio", AttrKind::Int), required_attr("spatial_scale", AttrKind::Float),
                required_attr("mode", AttrKind::String, {"avg", "max"}),
                default_attr("aligned_mode", AttrKind::String, std::string("asymmetric"),
                             {"asymmetric", "half_pixel_for_nn", "half_pixel"})},
      .min_inputs = 3, .max_inputs = 3,
      .infer = infer_roi_align,
      .evaluate = evaluate_roi_align,
  });
}

}  // namespace remo
