// Comparisons (boolean result), logical ops on booleans, and Select.
#include <cstring>

#include "engine/ops/elementwise.h"
#include "engine/ops/op_families.h"

namespace remo {
namespace {

void infer_comparison(InferContext& ctx) {
  merge_types(ctx.input_type(0), ctx.input_type(1), "inputs");
  ctx.set_output(0, ElementType::boolean,
                 broadcast_or_throw(ctx.input_shape(0), ctx.input_shape(1), broadcast_mode(ctx.node())));
}

template <typename Compare>
void add_comparison(OpRegistry& r, const std::string& type, Compare compare, bool commutative = false) {
  add_op(r, OpDef{
      .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
      .attrs = {auto_broadcast_attr()},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_comparison,
      .evaluate = [compare](const Node& n, const std::vector<Tensor>& in) {
        return std::vector<Tensor>{map_binary(
            in[0], in[1], broadcast_mode(n), ElementType::boolean,
            [compare](double a, double b) { return compare(a, b); },
            [compare](int64_t a, int64_t b) { return compare(a, b); })};
      },
      .commutative = commutative,
  });
}

void check_boolean(const InferContext& ctx, size_t i) {
  check_type(ctx.input_type(i), ctx.input_type(i) == ElementType::boolean,
             "input " + std::to_string(i), "boolean");
}

template <typename Logic>
void add_logical(OpRegistry& r, const std::string& type, Logic logic, bool commutative = false) {
  add_op(r, OpDef{
      .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
      .attrs = {auto_broadcast_attr()},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        check_boolean(ctx, 0);
        check_boolean(ctx, 1);
        ctx.set_output(0, ElementType::boolean, broadcast_or_throw(ctx.input_shape(0), ctx.input_shape(1),
                                                                   broadcast_mode(ctx.node())));
      },
      .evaluate = [logic](const Node& n, const std::vector<Tensor>& in) {
        auto fn = [logic](auto a, auto b) { return logic(a != 0, b != 0); };
        return std::vector<Tensor>{map_binary(in[0], in[1], broadcast_mode(n), ElementType::boolean, fn, fn)};
      },
      .commutative = commutative,
  });
}

// Select: then/else broadcast by the mode; the condition broadcasts to that result (numpy: all
// three together).
PartialShape select_shape(const PartialShape& cond, const PartialShape& then_shape,
                          const PartialShape& else_shape, BroadcastMode mode) {
  PartialShape values = broadcast_or_throw(then_shape, else_shape, mode);
  if (mode == BroadcastMode::numpy) return broadcast_or_throw(cond, values, mode);
  broadcast_or_throw(values, cond, mode == BroadcastMode::none ? mode : BroadcastMode::pdpd);
  return values;
}

std::vector<Tensor> evaluate_select(const Node& n, const std::vector<Tensor>& in) {
  const Shape shape = *select_shape(in[0].shape(), in[1].shape(), in[2].shape(), broadcast_mode(n)).to_static();
  const size_t size = element_size(in[1].type());
  OutputBuffer out(in[1].type(), shape);
  IndexWalker walk(shape, {broadcast_strides(in[0].shape(), shape), broadcast_strides(in[1].shape(), shape),
                           broadcast_strides(in[2].shape(), shape)});
  const size_t count = element_count(shape);
  for (size_t i = 0; i < count; ++i, walk.next()) {
    bool take_then = in[0].bytes()[walk.offset(0)] != 0;
    const Tensor& src = take_then ? in[1] : in[2];
    std::memcpy(out.data() + i * size, src.bytes() + walk.offset(take_then ? 1 : 2) * size, size);
  }
  return {std::move(out).finish()};
}

}  // namespace

void register_comparison_ops(OpRegistry& r) {
  add_comparison(r, "Equal", [](auto a, auto b) { return a == b; }, true);
  add_comparison(r, "NotEqual", [](auto a, auto b) { return a != b; }, true);
  add_comparison(r, "Less", [](auto a, auto b) { return a < b; });
  add_comparison(r, "LessEqual", [](auto a, auto b) { return a <= b; });
  add_comparison(r, "Greater", [](auto a, auto b) { return a > b; });
  add_comparison(r, "GreaterEqual", [](auto a, auto b) { return a >= b; });
  add_logical(r, "LogicalAnd", [](bool a, bool b) { return a && b; }, true);
  add_logical(r, "LogicalOr", [](bool a, bool b) { return a || b; }, true);
  add_logical(r, "LogicalXor", [](bool a, bool b) { return a != b; }, true);
  add_op(r, OpDef{
      .name = "opset1.LogicalNot", .ir_type = "LogicalNot", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) {
        check_boolean(ctx, 0);
        ctx.set_output(0, ElementType::boolean, ctx.input_shape(0));
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        auto fn = [](auto v) { return v == 0; };
        return std::vector<Tensor>{map_unary(in[0], ElementType::boolean, fn, fn)};
      },
  });
  add_op(r, OpDef{
      .name = "opset1.Select", .ir_type = "Select", .ir_version = "opset1",
      .attrs = {auto_broadcast_attr()},
      .min_inputs = 3, .max_inputs = 3,
      .infer = [](InferContext& ctx) {
        check_boolean(ctx, 0);
        ElementType type = merge_types(ctx.input_type(1), ctx.input_type(2), "then and else");
        ctx.set_output(0, type, select_shape(ctx.input_shape(0), ctx.input_shape(1), ctx.input_shape(2),
                                             broadcast_mode(ctx.node())));
      },
      .evaluate = evaluate_select,
  });
}

}  // namespace remo
