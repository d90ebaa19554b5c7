// Bitwise ops on integers and booleans: BitwiseAnd/Or/Xor/Not (opset13) and the shifts
// BitwiseLeftShift/BitwiseRightShift (opset15, integers only). Values are computed on int64 and
// stored back into the element type, which keeps exactly the type's own bits.
#include "engine/ops/elementwise.h"
#include "engine/ops/op_families.h"

namespace remo {
namespace {

void check_bitwise_type(const InferContext& ctx, size_t i, bool allow_boolean) {
  const ElementType t = ctx.input_type(i);
  check_type(t, is_integral(t) || (allow_boolean && t == ElementType::boolean), "input " + std::to_string(i),
             allow_boolean ? "an integer or boolean type" : "an integer type");
}

template <typename Fn>
void add_bitwise_binary(OpRegistry& r, const std::string& version, const std::string& type, bool allow_boolean,
                        Fn fn, bool commutative) {
  add_op(r, OpDef{
      .name = version + "." + type, .ir_type = type, .ir_version = version,
      .attrs = {auto_broadcast_attr()},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [allow_boolean](InferContext& ctx) {
        check_bitwise_type(ctx, 0, allow_boolean);
        check_bitwise_type(ctx, 1, allow_boolean);
        const ElementType t = merge_types(ctx.input_type(0), ctx.input_type(1), "inputs");
        ctx.set_output(0, t, broadcast_or_throw(ctx.input_shape(0), ctx.input_shape(1), broadcast_mode(ctx.node())));
      },
      .evaluate = [fn](const Node& n, const std::vector<Tensor>& in) {
        const ElementType t = in[0].type();
        const auto bits = static_cast<int64_t>(bit_width(t));
        const bool is_unsigned = !is_signed(t);
        auto int_fn = [fn, bits, is_unsigned](int64_t a, int64_t b) { return fn(a, b, bits, is_unsigned); };
        auto float_fn = [](double, double) -> double { throw Error("bitwise op on a floating-point tensor"); };
        return std::vector<Tensor>{map_binary(in[0], in[1], broadcast_mode(n), t, float_fn, int_fn)};
      },
      .commutative = commutative,
  });
}

// Shifting by the type's width or more leaves no bits (the result is 0, or the sign for an
// arithmetic right shift); C++ leaves those shifts undefined, so they are spelled out.
int64_t shift_left(int64_t a, int64_t b, int64_t bits, bool) {
  if (b < 0 || b >= bits) return 0;
  return static_cast<int64_t>(static_cast<uint64_t>(a) << b);
}

int64_t shift_right(int64_t a, int64_t b, int64_t bits, bool is_unsigned) {
  if (is_unsigned) {
    const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    const uint64_t v = static_cast<uint64_t>(a) & mask;
    return b < 0 || b >= bits ? 0 : static_cast<int64_t>(v >> b);
  }
  if (b < 0 || b >= bits) return a < 0 ? -1 : 0;
  return a >> b;  // arithmetic shift of a sign-extended value
}

}  // namespace

void register_bitwise_ops(OpRegistry& r) {
  add_bitwise_binary(r, "opset13", "BitwiseAnd", true, [](int64_t a, int64_t b, int64_t, bool) { return a & b; }, true);
  add_bitwise_binary(r, "opset13", "BitwiseOr", true, [](int64_t a, int64_t b, int64_t, bool) { return a | b; }, true);
  add_bitwise_binary(r, "opset13", "BitwiseXor", true, [](int64_t a, int64_t b, int64_t, bool) { return a ^ b; }, true);
  add_bitwise_binary(r, "opset15", "BitwiseLeftShift", false, shift_left, false);
  add_bitwise_binary(r, "opset15", "BitwiseRightShift", false, shift_right, false);
  add_op(r, OpDef{
      .name = "opset13.BitwiseNot", .ir_type = "BitwiseNot", .ir_version = "opset13",
      .attrs = {},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) {
        check_bitwise_type(ctx, 0, true);
        ctx.set_output(0, ctx.input_type(0), ctx.input_shape(0));
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        const bool boolean = in[0].type() == ElementType::boolean;
        return std::vector<Tensor>{map_unary(
            in[0], in[0].type(), [](double) -> double { throw Error("BitwiseNot on a floating-point tensor"); },
            [boolean](int64_t v) { return boolean ? int64_t{v == 0} : ~v; })};
      },
  });
}

}  // namespace remo
