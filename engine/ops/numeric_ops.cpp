// Sign, Round-5, the remainders Mod and FloorMod (opset1), and the floating-point class tests
// IsInf, IsNaN, IsFinite (opset10).
#include <cmath>

#include "engine/ops/elementwise.h"
#include "engine/ops/op_families.h"
#include "engine/ops/unary.h"

namespace remo {
namespace {

double round_half_away(double x) { return std::round(x); }
double round_half_even(double x) {
  const double r = std::round(x);
  // A tie rounded away from zero to an odd number goes back one step toward zero.
  if (std::fabs(x - std::trunc(x)) == 0.5 && std::fmod(r, 2.0) != 0) return r - std::copysign(1.0, x);
  return r;
}

void add_round(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset5.Round", .ir_type = "Round", .ir_version = "opset5",
      .attrs = {default_attr("mode", AttrKind::String, std::string("half_to_even"),
                             {"half_to_even", "half_away_from_zero"})},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) { infer_unary(ctx, UnaryTypes::numeric); },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const bool even = n.attr<std::string>("mode") == "half_to_even";
        return std::vector<Tensor>{map_unary(
            in[0], in[0].type(), [even](double x) { return even ? round_half_even(x) : round_half_away(x); },
            [](int64_t v) { return v; })};
      },
  });
}

// Integer remainders; the quotient truncates toward zero (Mod) or toward -infinity (FloorMod).
int64_t int_remainder(int64_t a, int64_t b, bool floor) {
  if (b == 0) throw Error("integer remainder by zero");
  if (b == -1) return 0;  // INT64_MIN % -1 would trap
  int64_t m = a % b;
  if (floor && m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

void add_remainder(OpRegistry& r, const std::string& type, bool floor) {
  add_op(r, OpDef{
      .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
      .attrs = {auto_broadcast_attr()},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        const ElementType t = merge_types(numeric_input_type(ctx, 0), numeric_input_type(ctx, 1), "inputs");
        ctx.set_output(0, t, broadcast_or_throw(ctx.input_shape(0), ctx.input_shape(1), broadcast_mode(ctx.node())));
      },
      .evaluate = [floor](const Node& n, const std::vector<Tensor>& in) {
        auto float_fn = [floor](double a, double b) {
          double m = std::fmod(a, b);
          if (floor && m != 0 && ((m < 0) != (b < 0))) m += b;
          return m;
        };
        auto int_fn = [floor](int64_t a, int64_t b) { return int_remainder(a, b, floor); };
        return std::vector<Tensor>{map_binary(in[0], in[1], broadcast_mode(n), in[0].type(), float_fn, int_fn)};
      },
  });
}

template <typename Test>
void add_class_test(OpRegistry& r, const std::string& type, std::vector<AttrSpec> attrs, Test test) {
  add_op(r, OpDef{
      .name = "opset10." + type, .ir_type = type, .ir_version = "opset10",
      .attrs = std::move(attrs),
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) {
        check_type(ctx.input_type(0), is_floating(ctx.input_type(0)), "input 0", "a floating-point type");
        ctx.set_output(0, ElementType::boolean, ctx.input_shape(0));
      },
      .evaluate = [test](const Node& n, const std::vector<Tensor>& in) {
        auto float_fn = [&n, test](double x) { return test(n, x); };
        return std::vector<Tensor>{map_unary(in[0], ElementType::boolean, float_fn, [](int64_t) { return false; })};
      },
  });
}

}  // namespace

void register_numeric_ops(OpRegistry& r) {
  add_unary(r, "opset1", "Sign", "Sign", UnaryTypes::numeric,
            [](double x) { return std::isnan(x) ? x : static_cast<double>((x > 0) - (x < 0)); },
            [](int64_t v) { return static_cast<int64_t>((v > 0) - (v < 0)); });
  add_round(r);
  add_remainder(r, "Mod", false);
  add_remainder(r, "FloorMod", true);
  add_class_test(r, "IsInf",
                 {default_attr("detect_negative", AttrKind::Bool, true),
                  default_attr("detect_positive", AttrKind::Bool, true)},
                 [](const Node& n, double x) {
                   return std::isinf(x) && (x > 0 ? n.attr<bool>("detect_positive") : n.attr<bool>("detect_negative"));
                 });
  add_class_test(r, "IsNaN", {}, [](const Node&, double x) { return std::isnan(x); });
  add_class_test(r, "IsFinite", {}, [](const Node&, double x) { return std::isfinite(x); });
}

}  // namespace remo
