// ReduceSum/Mean/Max/Min/Prod-1 and ReduceL1/L2-4 over constant axes, with keep_dims.
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/reduction.h"

namespace remo {
namespace {

// The reduced shape; data axes are reduced per the (normalised) axes, kept as 1 or dropped.
PartialShape reduced_shape(const PartialShape& data, const std::optional<std::vector<int64_t>>& axes,
                           bool keep_dims) {
  if (!data.rank_known()) return PartialShape::dynamic_rank();
  if (!axes) {
    if (!keep_dims) return PartialShape::dynamic_rank();
    return PartialShape(std::vector<int64_t>(data.rank(), kDynamicDim));
  }
  const auto normalized = normalize_axes(*axes, static_cast<int64_t>(data.rank()));
  std::vector<int64_t> dims;
  for (size_t i = 0; i < data.rank(); ++i) {
    const bool reduced = std::find(normalized.begin(), normalized.end(), static_cast<int64_t>(i)) != normalized.end();
    if (!reduced) dims.push_back(data[i]);
    else if (keep_dims) dims.push_back(1);
  }
  return PartialShape(dims);
}

enum class Kind { sum, mean, max, min, prod, l1, l2 };

std::vector<Tensor> evaluate_reduce(const Node& node, const std::vector<Tensor>& in, Kind kind) {
  const Shape& shape = in[0].shape();
  const auto axes = normalize_axes(in[1].to_int64(), static_cast<int64_t>(shape.size()));
  const Reduction r = plan_reduction(shape, axes);
  const std::vector<double> x = load_values<double>(in[0]);
  double init = 0;
  if (kind == Kind::prod) init = 1;
  if (kind == Kind::max) init = -std::numeric_limits<double>::infinity();
  if (kind == Kind::min) init = std::numeric_limits<double>::infinity();
  std::vector<double> acc(element_count(r.kept_shape), init);
  for_each_reduced(shape, r, [&](size_t i, size_t o) {
    const double v = x[i];
    switch (kind) {
      case Kind::sum: case Kind::mean: acc[o] += v; break;
      case Kind::prod: acc[o] *= v; break;
      case Kind::max: acc[o] = v > acc[o] ? v : acc[o]; break;
      case Kind::min: acc[o] = v < acc[o] ? v : acc[o]; break;
      case Kind::l1: acc[o] += std::fabs(v); break;
      case Kind::l2: acc[o] += v * v; break;
    }
  });
  for (double& v : acc) {
    if (kind == Kind::mean) v /= static_cast<double>(r.group_size);
    if (kind == Kind::l2) v = std::sqrt(v);
  }
  const bool keep_dims = node.attr<bool>("keep_dims");
  Shape out_shape = *reduced_shape(shape, in[1].to_int64(), keep_dims).to_static();
  return {store_values(in[0].type(), out_shape, acc)};
}

void add_reduce(OpRegistry& r, const std::string& version, const std::string& type, Kind kind) {
  add_op(r, OpDef{
      .name = version + "." + type, .ir_type = type, .ir_version = version,
      .attrs = {default_attr("keep_dims", AttrKind::Bool, false)},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        ElementType type = numeric_input_type(ctx, 0);
        check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axes", "an integer type");
        const PartialShape& axes = ctx.input_shape(1);
        if (axes.rank_known() && axes.rank() > 1) ctx.fail("axes must be a scalar or 1-D, got " + shape_str(axes));
        ctx.set_output(0, type, reduced_shape(ctx.input_shape(0), constant_ints(ctx, 1), ctx.attr<bool>("keep_dims")));
      },
      .evaluate = [kind](const Node& n, const std::vector<Tensor>& in) { return evaluate_reduce(n, in, kind); },
  });
}

}  // namespace

void register_reduction_ops(OpRegistry& r) {
  add_reduce(r, "opset1", "ReduceSum", Kind::sum);
  add_reduce(r, "opset1", "ReduceMean", Kind::mean);
  add_reduce(r, "opset1", "ReduceMax", Kind::max);
  add_reduce(r, "opset1", "ReduceMin", Kind::min);
  add_reduce(r, "opset1", "ReduceProd", Kind::prod);
  add_reduce(r, "opset4", "ReduceL1", Kind::l1);
  add_reduce(r, "opset4", "ReduceL2", Kind::l2);
}

}  // namespace remo
