// LogSoftmax-5: log(softmax(x)) along one axis, computed as x - max - log(sum(exp(x - max))) so
// that neither exp() overflows nor log() meets a zero.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

std::vector<Tensor> evaluate_log_softmax(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(shape.size())));
  const int64_t outer = count_range(shape, 0, axis), n = shape[axis];
  const int64_t inner = count_range(shape, axis + 1, shape.size());
  std::vector<double> x = load_values<double>(in[0]);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double* base = x.data() + o * n * inner + i;
      double top = -INFINITY;
      for (int64_t k = 0; k < n; ++k) top = std::max(top, base[k * inner]);
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += std::exp(base[k * inner] - top);
      const double log_sum = std::log(sum);
      for (int64_t k = 0; k < n; ++k) base[k * inner] = base[k * inner] - top - log_sum;
    }
  return {store_values(in[0].type(), shape, x)};
}

}  // namespace

void register_log_softmax_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset5.LogSoftmax", .ir_type = "LogSoftmax", .ir_version = "opset5",
      .attrs = {default_attr("axis", AttrKind::Int, int64_t{1})},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) {
        const ElementType type = ctx.input_type(0);
        check_type(type, is_floating(type), "input", "a floating-point type");
        if (ctx.input_shape(0).rank_known())
          normalize_axis(ctx.attr<int64_t>("axis"), static_cast<int64_t>(ctx.input_shape(0).rank()));
        ctx.set_output(0, type, ctx.input_shape(0));
      },
      .evaluate = evaluate_log_softmax,
  });
}

}  // namespace remo
