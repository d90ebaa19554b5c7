// Unary math: Abs, Negative, Floor, Ceiling, Sqrt, Exp, Log, Erf, Sigmoid, Tanh.
#include "engine/ops/op_families.h"
#include "engine/ops/unary.h"

namespace remo {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

void register_math_ops(OpRegistry& r) {
  const auto numeric = UnaryTypes::numeric;
  const auto identity = [](int64_t v) { return v; };
  add_unary(r, "opset1", "Abs", "Abs", numeric, [](double x) { return std::fabs(x); },
            [](int64_t v) { return v < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(v)) : v; });
  add_unary(r, "opset1", "Negative", "Negative", numeric, [](double x) { return -x; },
            [](int64_t v) { return static_cast<int64_t>(0 - static_cast<uint64_t>(v)); });
  add_unary(r, "opset1", "Floor", "Floor", numeric, [](double x) { return std::floor(x); }, identity);
  add_unary(r, "opset1", "Ceiling", "Ceiling", numeric, [](double x) { return std::ceil(x); }, identity);
  const auto sqrt_fn = [](double x) { return std::sqrt(x); };
  const auto exp_fn = [](double x) { return std::exp(x); };
  const auto log_fn = [](double x) { return std::log(x); };
  const auto erf_fn = [](double x) { return std::erf(x); };
  const auto tanh_fn = [](double x) { return std::tanh(x); };
  add_unary(r, "opset1", "Sqrt", "Sqrt", numeric, sqrt_fn, rounded(sqrt_fn));
  add_unary(r, "opset1", "Exp", "Exp", numeric, exp_fn, rounded(exp_fn));
  add_unary(r, "opset1", "Log", "Log", numeric, log_fn, rounded(log_fn));
  add_unary(r, "opset1", "Erf", "Erf", numeric, erf_fn, rounded(erf_fn));
  add_unary(r, "opset1", "Tanh", "Tanh", numeric, tanh_fn, rounded(tanh_fn));
  add_unary(r, "opset1", "Sigmoid", "Sigmoid", numeric, sigmoid, rounded(sigmoid));
}

}  // namespace remo
