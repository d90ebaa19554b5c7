// FakeQuantize-1: clamp to an input range, quantize to `levels` steps, map to an output range; the
// piece quantized models are written with (Round-5 is in numeric_ops.cpp).
#include <algorithm>
#include <cmath>

#include "engine/ops/broadcast.h"
#include "engine/ops/index_walker.h"
#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

void check_float(const InferContext& ctx, size_t i, const std::string& what) {
  const ElementType t = ctx.input_type(i);
  check_type(t, is_floating(t), what, "a floating-point type");
}

void infer_fake_quantize(InferContext& ctx) {
  static const char* const kNames[] = {"X", "input_low", "input_high", "output_low", "output_high"};
  ElementType type = ctx.input_type(0);
  check_float(ctx, 0, "X");
  for (size_t i = 1; i < 5; ++i) {
    check_float(ctx, i, kNames[i]);
    type = merge_types(type, ctx.input_type(i), std::string("X and ") + kNames[i]);
  }
  if (ctx.attr<int64_t>("levels") < 2) ctx.fail("levels must be at least 2, got " + std::to_string(ctx.attr<int64_t>("levels")));
  const BroadcastMode mode = broadcast_mode(ctx.node());
  PartialShape shape = ctx.input_shape(0);
  for (size_t i = 1; i < 5; ++i) {
    // The ranges broadcast into X (pdpd aligns them to X's trailing axes as well).
    shape = broadcast_or_throw(shape, ctx.input_shape(i), mode);
  }
  ctx.set_output(0, type, shape);
}

// Values below the lower input bound take output_low, above the upper one output_high; in between
// the value is scaled to [0, levels-1], rounded half to even, and mapped onto the output range.
std::vector<Tensor> evaluate_fake_quantize(const Node& n, const std::vector<Tensor>& in) {
  const BroadcastMode mode = broadcast_mode(n);
  PartialShape out_shape = in[0].shape();
  for (size_t i = 1; i < 5; ++i) out_shape = broadcast_or_throw(out_shape, in[i].shape(), mode);
  const Shape shape = *out_shape.to_static();
  std::vector<std::vector<double>> v(5);
  std::vector<std::vector<int64_t>> strides(5);
  for (size_t i = 0; i < 5; ++i) {
    v[i] = load_values<double>(in[i]);
    strides[i] = broadcast_strides(in[i].shape(), shape);
  }
  const double steps = static_cast<double>(n.attr<int64_t>("levels") - 1);
  const size_t count = element_count(shape);
  std::vector<double> y(count);
  IndexWalker walk(shape, strides);
  for (size_t k = 0; k < count; ++k, walk.next()) {
    const double x = v[0][walk.offset(0)], il = v[1][walk.offset(1)], ih = v[2][walk.offset(2)];
    const double ol = v[3][walk.offset(3)], oh = v[4][walk.offset(4)];
    if (x <= std::min(il, ih))
      y[k] = ol;
    else if (x > std::max(il, ih))
      y[k] = oh;
    else
      y[k] = std::nearbyint((x - il) / (ih - il) * steps) / steps * (oh - ol) + ol;
  }
  return {store_values(in[0].type(), shape, y)};
}

}  // namespace

void register_quantization_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.FakeQuantize", .ir_type = "FakeQuantize", .ir_version = "opset1",
      .attrs = {required_attr("levels", AttrKind::Int), auto_broadcast_attr()},
      .min_inputs = 5, .max_inputs = 5,
      .infer = infer_fake_quantize,
      .evaluate = evaluate_fake_quantize,
  });
}

}  // namespace remo
