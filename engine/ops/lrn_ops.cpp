// LRN-1: local response normalization over a window along the given axes.
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

void infer_lrn(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "data", "a floating-point type");
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axes", "an integer type");
  const PartialShape& axes = ctx.input_shape(1);
  if (axes.rank_known() && axes.rank() != 1) ctx.fail("axes must be 1-D, got " + shape_str(axes));
  if (ctx.attr<int64_t>("size") <= 0) ctx.fail("size must be positive, got " + std::to_string(ctx.attr<int64_t>("size")));
  if (auto values = constant_ints(ctx, 1); values && ctx.input_shape(0).rank_known())
    normalize_axes(*values, static_cast<int64_t>(ctx.input_shape(0).rank()), "axes", false);
  ctx.set_output(0, type, ctx.input_shape(0));
}

// y = x / (bias + alpha / size^|axes| * sum of squares in the window)^beta; the window along each
// axis runs from c - (size-1)/2 to c + ceil((size-1)/2), clipped to the data.
std::vector<Tensor> evaluate_lrn(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto rank = static_cast<int64_t>(shape.size());
  const std::vector<int64_t> axes = normalize_axes(in[1].to_int64(), rank, "axes", false);
  const int64_t size = node.attr<int64_t>("size");
  const double alpha = node.attr<double>("alpha") / std::pow(static_cast<double>(size), static_cast<double>(axes.size()));
  const double beta = node.attr<double>("beta"), bias = node.attr<double>("bias");
  const std::vector<double> x = load_values<double>(in[0]);
  const std::vector<int64_t> strides = row_major_strides(shape);
  std::vector<double> y(x.size());
  std::vector<int64_t> index(shape.size(), 0), lo(axes.size()), hi(axes.size()), at(axes.size());
  for (size_t flat = 0; flat < x.size(); ++flat) {
    int64_t rest = static_cast<int64_t>(flat);
    for (size_t d = 0; d < shape.size(); ++d) {
      index[d] = rest / strides[d];
      rest %= strides[d];
    }
    for (size_t a = 0; a < axes.size(); ++a) {
      const int64_t c = index[static_cast<size_t>(axes[a])];
      lo[a] = std::max<int64_t>(0, c - (size - 1) / 2);
      hi[a] = std::min<int64_t>(shape[static_cast<size_t>(axes[a])], c + size / 2 + 1);
      at[a] = lo[a];
    }
    double sum = 0;
    bool done = axes.empty();
    while (!done) {
      int64_t offset = static_cast<int64_t>(flat);
      for (size_t a = 0; a < axes.size(); ++a)
        offset += (at[a] - index[static_cast<size_t>(axes[a])]) * strides[static_cast<size_t>(axes[a])];
      sum += x[static_cast<size_t>(offset)] * x[static_cast<size_t>(offset)];
      done = true;
      for (size_t a = axes.size(); a-- > 0;) {
        if (++at[a] < hi[a]) {
          done = false;
          break;
        }
        at[a] = lo[a];
      }
    }
    y[flat] = x[flat] / std::pow(bias + alpha * sum, beta);
  }
  return {store_values(in[0].type(), shape, y)};
}

}  // namespace

void register_lrn_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.LRN", .ir_type = "LRN", .ir_version = "opset1",
      .attrs = {required_attr("alpha", AttrKind::Float), required_attr("beta", AttrKind::Float),
                required_attr("bias", AttrKind::Float), required_attr("size", AttrKind::Int)},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_lrn,
      .evaluate = evaluate_lrn,
  });
}

}  // namespace remo
