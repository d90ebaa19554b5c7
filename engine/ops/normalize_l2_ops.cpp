// NormalizeL2-1: x divided by the L2 norm of its slice over `axes`, with eps added to the sum of
// squares (eps_mode add) or bounding it from below (eps_mode max).
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/reduction.h"

namespace remo {
namespace {

void infer_normalize_l2(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "data", "a floating-point type");
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axes", "an integer type");
  const PartialShape& axes = ctx.input_shape(1);
  if (axes.rank_known() && axes.rank() > 1) ctx.fail("axes must be a scalar or 1-D, got " + shape_str(axes));
  if (!(ctx.attr<double>("eps") >= 0)) ctx.fail("eps must be a non-negative number");
  if (auto values = constant_ints(ctx, 1); values && ctx.input_shape(0).rank_known())
    normalize_axes(*values, static_cast<int64_t>(ctx.input_shape(0).rank()), "axes", false);
  ctx.set_output(0, type, ctx.input_shape(0));
}

// Empty axes reduce nothing: each element is divided by the root of its own square.
std::vector<Tensor> evaluate_normalize_l2(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto rank = static_cast<int64_t>(shape.size());
  const Reduction r = plan_reduction(shape, normalize_axes(in[1].to_int64(), rank, "axes", false));
  std::vector<double> x = load_values<double>(in[0]);
  std::vector<double> sum(element_count(r.kept_shape), 0.0);
  for_each_reduced(shape, r, [&](size_t i, size_t o) { sum[o] += x[i] * x[i]; });
  const double eps = node.attr<double>("eps");
  const bool add = node.attr<std::string>("eps_mode") == "add";
  for (double& s : sum) s = std::sqrt(add ? s + eps : std::max(s, eps));
  for_each_reduced(shape, r, [&](size_t i, size_t o) { x[i] /= sum[o]; });
  return {store_values(in[0].type(), shape, x)};
}

}  // namespace

void register_normalize_l2_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.NormalizeL2", .ir_type = "NormalizeL2", .ir_version = "opset1",
      .attrs = {required_attr("eps", AttrKind::Float), required_attr("eps_mode", AttrKind::String, {"add", "max"})},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_normalize_l2,
      .evaluate = evaluate_normalize_l2,
  });
}

}  // namespace remo
