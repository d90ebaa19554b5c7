// Interpolate-4 and Interpolate-11: nearest, linear, linear_onnx and cubic resampling over the
// listed axes. Every mode is separable, so evaluation resamples one axis at a time.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

std::vector<AttrSpec> interpolate_attrs(bool pillow_modes) {
  std::vector<std::string> modes{"nearest", "linear", "linear_onnx", "cubic"};
  if (pillow_modes) modes.insert(modes.end(), {"bilinear_pillow", "bicubic_pillow"});
  return {required_attr("mode", AttrKind::String, modes),
          required_attr("shape_calculation_mode", AttrKind::String, {"sizes", "scales"}),
          default_attr("coordinate_transformation_mode", AttrKind::String, std::string("half_pixel"),
                       {"half_pixel", "pytorch_half_pixel", "asymmetric", "tf_half_pixel_for_nn", "align_corners"}),
          default_attr("nearest_mode", AttrKind::String, std::string("round_prefer_floor"),
                       {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "simple"}),
          default_attr("antialias", AttrKind::Bool, false),
          default_attr("pads_begin", AttrKind::Ints, std::vector<int64_t>{0}),
          default_attr("pads_end", AttrKind::Ints, std::vector<int64_t>{0}),
          default_attr("cube_coeff", AttrKind::Float, -0.75)};
}

// Inputs as each version lays them out: v4 (data, sizes, scales[, axes]), v11 (data,
// scales_or_sizes[, axes]).
struct Layout {
  bool v11;
  size_t axes_input() const { return v11 ? 2 : 3; }
  size_t target_input(bool by_sizes) const { return v11 ? 1 : (by_sizes ? 1 : 2); }
};

// The pads attribute fitted to the rank: missing entries are 0, extra ones are dropped.
std::vector<int64_t> fit_pads(std::vector<int64_t> pads, size_t rank) {
  pads.resize(rank, 0);
  return pads;
}

struct ResizeSpec {
  std::vector<int64_t> padded;  // input shape after pads_begin/pads_end
  std::vector<int64_t> axes;    // normalised
  std::vector<int64_t> out;     // output shape
};

// Output shape: sizes[i] (or floor(padded * scales[i]), with OpenVINO's 1e-6 tolerance) on axes[i],
// the padded input elsewhere. Missing sizes/scales leave those axes dynamic.
ResizeSpec resize_spec(const Node& node, const std::vector<int64_t>& data, const std::vector<int64_t>& axes,
                       const std::optional<std::vector<double>>& target) {
  const size_t rank = data.size();
  const auto begin = fit_pads(node.attr<std::vector<int64_t>>("pads_begin"), rank);
  const auto end = fit_pads(node.attr<std::vector<int64_t>>("pads_end"), rank);
  ResizeSpec s{{}, normalize_axes(axes, static_cast<int64_t>(rank), "axes", false), {}};
  for (size_t i = 0; i < rank; ++i) {
    if (begin[i] < 0 || end[i] < 0) throw OpError("pads_begin and pads_end must not be negative");
    s.padded.push_back(data[i] < 0 ? kDynamicDim : data[i] + begin[i] + end[i]);
  }
  s.out = s.padded;
  const bool by_sizes = node.attr<std::string>("shape_calculation_mode") == "sizes";
  if (target && target->size() != s.axes.size())
    throw OpError(std::string(by_sizes ? "sizes" : "scales") + " has " + std::to_string(target->size()) +
                  " values for " + std::to_string(s.axes.size()) + " axes");
  for (size_t i = 0; i < s.axes.size(); ++i) {
    int64_t& d = s.out[static_cast<size_t>(s.axes[i])];
    if (target && (*target)[i] < 0) throw OpError("sizes and scales must not be negative");
    if (!target) d = kDynamicDim;
    else if (by_sizes) d = static_cast<int64_t>((*target)[i]);
    else if (d >= 0) d = static_cast<int64_t>(static_cast<float>(d) * (static_cast<float>((*target)[i]) + 1.0e-6f));
  }
  return s;
}

void infer_interpolate(InferContext& ctx, Layout layout) {
  numeric_input_type(ctx, 0);
  const bool by_sizes = ctx.attr<std::string>("shape_calculation_mode") == "sizes";
  const size_t target_input = layout.target_input(by_sizes);
  const ElementType target_type = ctx.input_type(target_input);
  if (by_sizes) check_type(target_type, is_integral(target_type), "sizes", "an integer type");
  else check_type(target_type, is_floating(target_type), "scales", "a floating-point type");
  const PartialShape& data = ctx.input_shape(0);
  if (!data.rank_known()) return ctx.set_output(0, ctx.input_type(0), PartialShape::dynamic_rank());
  std::vector<int64_t> axes(data.rank());
  for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
  if (ctx.input_count() > layout.axes_input()) {
    auto given = constant_ints(ctx, layout.axes_input());
    if (!given)
      return ctx.set_output(0, ctx.input_type(0), PartialShape(std::vector<int64_t>(data.rank(), kDynamicDim)));
    axes = *given;
  }
  std::optional<std::vector<double>> target;
  if (auto t = ctx.input_constant(target_input)) target = t->to_double();
  ctx.set_output(0, ctx.input_type(0), PartialShape(resize_spec(ctx.node(), data.dims(), axes, target).out));
}

// ---- evaluation ----

// Input coordinate of output coordinate x along an axis (float arithmetic, as the reference does,
// so that ties in nearest mode round the same way).
float original_coordinate(const std::string& mode, float x, float scale, float out_len, float in_len) {
  if (mode == "half_pixel") return (x + 0.5f) / scale - 0.5f;
  if (mode == "pytorch_half_pixel") return out_len > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
  if (mode == "asymmetric") return x / scale;
  if (mode == "tf_half_pixel_for_nn") return (x + 0.5f) / scale;
  return out_len == 1 ? 0.0f : x * (in_len - 1) / (out_len - 1);  // align_corners
}

int64_t nearest_pixel(const std::string& mode, float x, bool downsample) {
  if (mode == "round_prefer_floor")
    return static_cast<int64_t>(x == static_cast<float>(static_cast<int64_t>(x)) + 0.5f ? std::floor(x) : std::round(x));
  if (mode == "round_prefer_ceil") return static_cast<int64_t>(std::round(x));
  if (mode == "floor") return static_cast<int64_t>(std::floor(x));
  if (mode == "ceil") return static_cast<int64_t>(std::ceil(x));
  return downsample ? static_cast<int64_t>(std::ceil(x)) : static_cast<int64_t>(x);  // simple
}

std::vector<double> cubic_coefficients(double t, double a) {
  return {a * (t - 1) * (t - 1) * t, ((a + 2) * t - (a + 3)) * t * t + 1, (((-a - 2) * t + (2 * a + 3)) * t - a) * t,
          -a * t * t * (t - 1)};
}

using Taps = std::vector<std::vector<std::pair<int64_t, double>>>;  // per output coordinate: (input index, weight)

struct AxisResize {
  int64_t in_len, out_len;
  float scale;
};

Taps axis_taps(const Node& node, const AxisResize& r, bool any_downsample) {
  const std::string& mode = node.attr<std::string>("mode");
  const std::string& transform = node.attr<std::string>("coordinate_transformation_mode");
  const int64_t last = r.in_len - 1;
  Taps taps(static_cast<size_t>(r.out_len));
  for (int64_t o = 0; o < r.out_len; ++o) {
    const float c = original_coordinate(transform, static_cast<float>(o), r.scale, static_cast<float>(r.out_len),
                                        static_cast<float>(r.in_len));
    auto& t = taps[static_cast<size_t>(o)];
    if (mode == "nearest") {
      t.emplace_back(std::clamp<int64_t>(nearest_pixel(node.attr<std::string>("nearest_mode"), c, r.scale < 1), 0, last), 1.0);
    } else if (mode == "linear_onnx") {
      const double x = std::clamp<double>(c, 0.0, static_cast<double>(last));
      const int64_t i1 = std::min<int64_t>(static_cast<int64_t>(x), last), i2 = std::min<int64_t>(i1 + 1, last);
      const double d1 = i1 == i2 ? 0.5 : std::fabs(x - static_cast<double>(i1));
      const double d2 = i1 == i2 ? 0.5 : std::fabs(x - static_cast<double>(i2));
      t = {{i1, d2}, {i2, d1}};
    } else if (mode == "cubic") {
      const double floor_c = std::floor(c);
      const auto coeffs = cubic_coefficients(c - floor_c, node.attr<double>("cube_coeff"));
      for (int64_t k = 0; k < 4; ++k)
        t.emplace_back(std::clamp<int64_t>(static_cast<int64_t>(floor_c) + k - 1, 0, last), coeffs[static_cast<size_t>(k)]);
    } else if (mode == "linear") {
      // Triangle filter, widened by 1/scale when antialiasing a downsample; weights are normalised.
      const double a = node.attr<bool>("antialias") && any_downsample ? r.scale : 1.0;
      const int64_t radius = r.scale > 1 ? 2 : static_cast<int64_t>(std::ceil(2.0 / a));
      const auto center = static_cast<int64_t>(std::round(c));
      double sum = 0;
      for (int64_t i = center - radius; i <= center + radius; ++i) {
        const double w = std::max(0.0, 1.0 - std::fabs(a * (c - static_cast<double>(i))));
        if (i < 0 || i > last || w == 0) continue;
        t.emplace_back(i, w);
        sum += w;
      }
      for (auto& [i, w] : t) w /= sum;
    } else {
      throw Error("Interpolate evaluation does not support mode " + mode);
    }
  }
  return taps;
}

// Resamples x along `axis` with per-output-coordinate taps; updates `shape`.
std::vector<double> resample_axis(const std::vector<double>& x, Shape& shape, size_t axis, const Taps& taps) {
  const int64_t outer = count_range(shape, 0, axis), in_len = shape[axis], inner = count_range(shape, axis + 1, shape.size());
  const auto out_len = static_cast<int64_t>(taps.size());
  std::vector<double> y(static_cast<size_t>(outer * out_len * inner), 0.0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < out_len; ++j) {
      double* dst = y.data() + (o * out_len + j) * inner;
      for (const auto& [index, weight] : taps[static_cast<size_t>(j)]) {
        const double* src = x.data() + (o * in_len + index) * inner;
        for (int64_t k = 0; k < inner; ++k) dst[k] += weight * src[k];
      }
    }
  shape[axis] = out_len;
  return y;
}

// Zero padding by pads_begin/pads_end, done before resampling.
std::vector<double> pad_input(const Tensor& data, const std::vector<int64_t>& padded, const Node& node) {
  const Shape& shape = data.shape();
  const auto begin = fit_pads(node.attr<std::vector<int64_t>>("pads_begin"), shape.size());
  const std::vector<double> x = load_values<double>(data);
  if (padded == shape) return x;
  std::vector<double> y(element_count(padded), 0.0);
  const auto in_strides = row_major_strides(shape), out_strides = row_major_strides(padded);
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      offset += ((static_cast<int64_t>(i) / in_strides[d]) % shape[d] + begin[d]) * out_strides[d];
    y[static_cast<size_t>(offset)] = x[i];
  }
  return y;
}

std::vector<Tensor> evaluate_interpolate(const Node& node, const std::vector<Tensor>& in, Layout layout) {
  const Tensor& data = in[0];
  const size_t rank = data.shape().size();
  const bool by_sizes = node.attr<std::string>("shape_calculation_mode") == "sizes";
  std::vector<int64_t> axes(rank);
  for (size_t i = 0; i < rank; ++i) axes[i] = static_cast<int64_t>(i);
  if (in.size() > layout.axes_input() && !in[layout.axes_input()].empty()) axes = in[layout.axes_input()].to_int64();
  const std::vector<double> target = in[layout.target_input(by_sizes)].to_double();
  const ResizeSpec spec = resize_spec(node, data.shape(), axes, target);

  std::vector<AxisResize> resizes;
  bool any_downsample = false;
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    const auto a = static_cast<size_t>(spec.axes[i]);
    const float scale = by_sizes ? static_cast<float>(spec.out[a]) / static_cast<float>(spec.padded[a])
                                 : static_cast<float>(target[i]);
    resizes.push_back({spec.padded[a], spec.out[a], scale});
    any_downsample = any_downsample || scale < 1;
  }
  std::vector<double> x = pad_input(data, spec.padded, node);
  Shape shape = spec.padded;
  for (size_t i = 0; i < spec.axes.size(); ++i)
    x = resample_axis(x, shape, static_cast<size_t>(spec.axes[i]), axis_taps(node, resizes[i], any_downsample));
  return {store_values(data.type(), shape, x, IntRounding::nearest)};
}

void add_interpolate(OpRegistry& r, const std::string& version, Layout layout) {
  add_op(r, OpDef{
      .name = version + ".Interpolate", .ir_type = "Interpolate", .ir_version = version,
      .attrs = interpolate_attrs(layout.v11),
      .min_inputs = layout.v11 ? 2u : 3u, .max_inputs = layout.v11 ? 3u : 4u,
      .infer = [layout](InferContext& ctx) { infer_interpolate(ctx, layout); },
      .evaluate = [layout](const Node& n, const std::vector<Tensor>& in) { return evaluate_interpolate(n, in, layout); },
  });
}

}  // namespace

void register_interpolate_ops(OpRegistry& r) {
  add_interpolate(r, "opset4", Layout{false});
  add_interpolate(r, "opset11", Layout{true});
}

}  // namespace remo
