// Range-4: [start, stop) by step, as output_type.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

struct RangeSpec {
  double start, stop, step;
};

// For an integer output_type the inputs are first truncated to integers (spec: "rounding is done
// towards zero"); the length is max(ceil((stop - start) / step), 0).
RangeSpec range_spec(double start, double stop, double step, ElementType type) {
  if (!is_floating(type)) {
    start = std::trunc(start);
    stop = std::trunc(stop);
    step = std::trunc(step);
  }
  if (step == 0) throw OpError("step must not be zero (after conversion to " + std::string(type_name(type)) + ")");
  return {start, stop, step};
}

int64_t range_length(const RangeSpec& r) {
  return std::max<int64_t>(static_cast<int64_t>(std::ceil((r.stop - r.start) / r.step)), 0);
}

double scalar(const Tensor& t) {
  if (t.element_count() != 1) throw OpError("start, stop and step must be scalars");
  return t.to_double()[0];
}

void infer_range(InferContext& ctx) {
  const ElementType type = ctx.attr<ElementType>("output_type");
  if (type == ElementType::dynamic || type == ElementType::boolean || type == ElementType::string)
    ctx.fail("output_type must be a numeric type, got " + std::string(type_name(type)));
  static const char* const kNames[] = {"start", "stop", "step"};
  std::optional<double> values[3];
  for (size_t i = 0; i < 3; ++i) {
    numeric_input_type(ctx, i);
    const PartialShape& s = ctx.input_shape(i);
    if (s.rank_known() && (s.rank() > 1 || (s.rank() == 1 && s[0] > 1)))
      ctx.fail(std::string(kNames[i]) + " must be a scalar, got shape " + shape_str(s));
    if (auto t = ctx.input_constant(i)) values[i] = scalar(*t);
  }
  int64_t length = kDynamicDim;
  if (values[0] && values[1] && values[2]) length = range_length(range_spec(*values[0], *values[1], *values[2], type));
  ctx.set_output(0, type, PartialShape(std::vector<int64_t>{length}));
}

std::vector<Tensor> evaluate_range(const Node& node, const std::vector<Tensor>& in) {
  const ElementType type = node.attr<ElementType>("output_type");
  const RangeSpec r = range_spec(scalar(in[0]), scalar(in[1]), scalar(in[2]), type);
  const int64_t n = range_length(r);
  OutputBuffer out(type, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (is_floating(type))
      write_from_double(type, out.data(), static_cast<size_t>(i), r.start + static_cast<double>(i) * r.step);
    else
      write_from_int64(type, out.data(), static_cast<size_t>(i),
                       static_cast<int64_t>(r.start) + i * static_cast<int64_t>(r.step));
  }
  return {std::move(out).finish()};
}

}  // namespace

void register_range_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset4.Range", .ir_type = "Range", .ir_version = "opset4",
      .attrs = {required_attr("output_type", AttrKind::Type)},
      .min_inputs = 3, .max_inputs = 3,
      .infer = infer_range,
      .evaluate = evaluate_range,
  });
}

}  // namespace remo
