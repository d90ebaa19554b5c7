// Softmax-1/8, BatchNormInference-5 and MVN-6.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/reduction.h"

namespace remo {
namespace {

std::vector<Tensor> evaluate_softmax(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(shape.size())));
  const int64_t outer = count_range(shape, 0, axis), n = shape[axis];
  const int64_t inner = count_range(shape, axis + 1, shape.size());
  std::vector<double> x = load_values<double>(in[0]);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double* base = x.data() + o * n * inner + i;
      // Subtracting the maximum keeps exp() from overflowing; the result is unchanged.
      double top = -INFINITY;
      for (int64_t k = 0; k < n; ++k) top = std::max(top, base[k * inner]);
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += base[k * inner] = std::exp(base[k * inner] - top);
      for (int64_t k = 0; k < n; ++k) base[k * inner] /= sum;
    }
  return {store_values(in[0].type(), shape, x)};
}

void add_softmax(OpRegistry& r, const std::string& version, bool negative_axis) {
  add_op(r, OpDef{
      .name = version + ".Softmax", .ir_type = "SoftMax", .ir_version = version,
      .attrs = {default_attr("axis", AttrKind::Int, int64_t{1})},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [negative_axis](InferContext& ctx) {
        const ElementType type = ctx.input_type(0);
        check_type(type, is_floating(type), "input", "a floating-point type");
        const int64_t axis = ctx.attr<int64_t>("axis");
        if (axis < 0 && !negative_axis) ctx.fail("axis must not be negative in Softmax-1, got " + std::to_string(axis));
        if (ctx.input_shape(0).rank_known())
          normalize_axis(axis, static_cast<int64_t>(ctx.input_shape(0).rank()));
        ctx.set_output(0, type, ctx.input_shape(0));
      },
      .evaluate = evaluate_softmax,
  });
}

// data [N, C, ...]; gamma, beta, mean, variance are [C].
void infer_batch_norm(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "data", "a floating-point type");
  const PartialShape& data = ctx.input_shape(0);
  if (data.rank_known() && data.rank() < 2) ctx.fail("data must have rank >= 2 ([N, C, ...]), got " + shape_str(data));
  int64_t channels = data.rank_known() ? data[1] : kDynamicDim;
  static const char* const kNames[] = {"data", "gamma", "beta", "mean", "variance"};
  for (size_t i = 1; i < 5; ++i) {
    merge_types(type, ctx.input_type(i), std::string("data and ") + kNames[i]);
    const PartialShape& s = ctx.input_shape(i);
    if (!s.rank_known()) continue;
    auto merged = s.rank() == 1 ? merge_dim(channels, s[0]) : std::nullopt;
    if (!merged)
      ctx.fail(std::string(kNames[i]) + " must be 1-D with the channel count of data " + shape_str(data) +
               ", got " + shape_str(s));
    channels = *merged;
  }
  ctx.set_output(0, type, data);
}

std::vector<Tensor> evaluate_batch_norm(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const double eps = node.attr<double>("epsilon");
  std::vector<double> x = load_values<double>(in[0]);
  const auto gamma = in[1].to_double(), beta = in[2].to_double(), mean = in[3].to_double(), var = in[4].to_double();
  const int64_t channels = shape[1], inner = count_range(shape, 2, shape.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const size_t c = (i / static_cast<size_t>(inner)) % static_cast<size_t>(channels);
    x[i] = gamma[c] * (x[i] - mean[c]) / std::sqrt(var[c] + eps) + beta[c];
  }
  return {store_values(in[0].type(), shape, x)};
}

std::vector<Tensor> evaluate_mvn(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const Reduction r = plan_reduction(shape, normalize_axes(in[1].to_int64(), static_cast<int64_t>(shape.size())));
  std::vector<double> x = load_values<double>(in[0]);
  const size_t groups = element_count(r.kept_shape);
  const double count = static_cast<double>(r.group_size);
  std::vector<double> mean(groups, 0.0), var(groups, 0.0);
  for_each_reduced(shape, r, [&](size_t i, size_t o) { mean[o] += x[i]; });
  for (double& m : mean) m /= count;
  for_each_reduced(shape, r, [&](size_t i, size_t o) {
    x[i] -= mean[o];
    var[o] += x[i] * x[i];
  });
  if (node.attr<bool>("normalize_variance")) {
    const double eps = node.attr<double>("eps");
    const bool inside = node.attr<std::string>("eps_mode") == "INSIDE_SQRT";
    for (double& v : var) v = inside ? std::sqrt(v / count + eps) : std::sqrt(v / count) + eps;
    for_each_reduced(shape, r, [&](size_t i, size_t o) { x[i] /= var[o]; });
  }
  return {store_values(in[0].type(), shape, x)};
}

void infer_mvn(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "data", "a floating-point type");
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axes", "an integer type");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& axes = ctx.input_shape(1);
  if (axes.rank_known() && axes.rank() != 1) ctx.fail("axes must be 1-D, got " + shape_str(axes));
  if (auto values = constant_ints(ctx, 1); values && data.rank_known())
    normalize_axes(*values, static_cast<int64_t>(data.rank()), "axes", false);
  ctx.set_output(0, type, data);
}

}  // namespace

void register_normalization_ops(OpRegistry& r) {
  add_softmax(r, "opset1", false);
  add_softmax(r, "opset8", true);
  add_op(r, OpDef{
      .name = "opset5.BatchNormInference", .ir_type = "BatchNormInference", .ir_version = "opset5",
      .attrs = {required_attr("epsilon", AttrKind::Float)},
      .min_inputs = 5, .max_inputs = 5,
      .infer = infer_batch_norm,
      .evaluate = evaluate_batch_norm,
  });
  add_op(r, OpDef{
      .name = "opset6.MVN", .ir_type = "MVN", .ir_version = "opset6",
      .attrs = {required_attr("eps", AttrKind::Float), required_attr("normalize_variance", AttrKind::Bool),
                required_attr("eps_mode", AttrKind::String, {"INSIDE_SQRT", "OUTSIDE_SQRT"})},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_mvn,
      .evaluate = evaluate_mvn,
  });
}

}  // namespace remo
