// Binary arithmetic with broadcasting: Add, Subtract, Multiply, Divide, Power, Maximum, Minimum.
#include <algorithm>
#include <cmath>

#include "engine/ops/elementwise.h"
#include "engine/ops/op_families.h"

namespace remo {
namespace {

// Signed overflow is undefined in C++; the element types wrap, so compute modulo 2^64.
int64_t wrap_add(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b)); }
int64_t wrap_sub(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b)); }
int64_t wrap_mul(int64_t a, int64_t b) { return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b)); }

int64_t int_divide(int64_t a, int64_t b, bool floor_division) {
  if (b == 0) throw Error("integer division by zero");
  if (b == -1) return wrap_sub(0, a);  // INT64_MIN / -1 would trap
  int64_t q = a / b;
  if (floor_division && a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

int64_t int_power(int64_t base, int64_t exponent) {
  if (exponent < 0) {
    if (base == 1) return 1;
    if (base == -1) return exponent % 2 == 0 ? 1 : -1;
    return 0;  // the integer part of a fraction with |value| < 1
  }
  int64_t result = 1;
  while (exponent > 0) {
    if (exponent & 1) result = wrap_mul(result, base);
    base = wrap_mul(base, base);
    exponent >>= 1;
  }
  return result;
}

// Element types must match and be numeric; shapes broadcast by auto_broadcast.
void infer_arithmetic(InferContext& ctx) {
  ElementType type = merge_types(numeric_input_type(ctx, 0), numeric_input_type(ctx, 1), "inputs");
  ctx.set_output(0, type, broadcast_or_throw(ctx.input_shape(0), ctx.input_shape(1),
                                             broadcast_mode(ctx.node())));
}

template <typename FloatFn, typename IntFn>
void add_arithmetic(OpRegistry& r, const std::string& type, FloatFn float_fn, IntFn int_fn,
                    bool commutative = false) {
  add_op(r, OpDef{
      .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
      .attrs = {auto_broadcast_attr()},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_arithmetic,
      .evaluate = [float_fn, int_fn](const Node& n, const std::vector<Tensor>& in) {
        return std::vector<Tensor>{map_binary(in[0], in[1], broadcast_mode(n), in[0].type(), float_fn, int_fn)};
      },
      .commutative = commutative,
  });
}

}  // namespace

void register_arithmetic_ops(OpRegistry& r) {
  add_arithmetic(r, "Add", [](double a, double b) { return a + b; }, wrap_add, true);
  add_arithmetic(r, "Subtract", [](double a, double b) { return a - b; }, wrap_sub);
  add_arithmetic(r, "Multiply", [](double a, double b) { return a * b; }, wrap_mul, true);
  add_arithmetic(r, "Power", [](double a, double b) { return std::pow(a, b); }, int_power);
  add_arithmetic(r, "Maximum", [](double a, double b) { return a > b ? a : b; },
                 [](int64_t a, int64_t b) { return std::max(a, b); }, true);
  add_arithmetic(r, "Minimum", [](double a, double b) { return a < b ? a : b; },
                 [](int64_t a, int64_t b) { return std::min(a, b); }, true);
  // m_pythondiv selects floor division for integers (Python's //); otherwise they truncate.
  add_op(r, OpDef{
      .name = "opset1.Divide", .ir_type = "Divide", .ir_version = "opset1",
      .attrs = {auto_broadcast_attr(), default_attr("m_pythondiv", AttrKind::Bool, true)},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_arithmetic,
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const bool floor_division = n.attr<bool>("m_pythondiv");
        return std::vector<Tensor>{map_binary(
            in[0], in[1], broadcast_mode(n), in[0].type(), [](double a, double b) { return a / b; },
            [floor_division](int64_t a, int64_t b) { return int_divide(a, b, floor_division); })};
      },
  });
}

}  // namespace remo
