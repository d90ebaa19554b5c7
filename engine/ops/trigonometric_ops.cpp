// Trigonometric and hyperbolic functions: Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh (opset1),
// Asinh, Acosh, Atanh (opset4). Integer inputs compute in double and round to the nearest integer.
#include "engine/ops/op_families.h"
#include "engine/ops/unary.h"

namespace remo {
namespace {

template <typename Fn>
void add_trig(OpRegistry& r, const std::string& version, const std::string& type, Fn fn) {
  add_unary(r, version, type, type, UnaryTypes::numeric, fn, rounded(fn));
}

}  // namespace

void register_trigonometric_ops(OpRegistry& r) {
  add_trig(r, "opset1", "Sin", [](double x) { return std::sin(x); });
  add_trig(r, "opset1", "Cos", [](double x) { return std::cos(x); });
  add_trig(r, "opset1", "Tan", [](double x) { return std::tan(x); });
  add_trig(r, "opset1", "Asin", [](double x) { return std::asin(x); });
  add_trig(r, "opset1", "Acos", [](double x) { return std::acos(x); });
  add_trig(r, "opset1", "Atan", [](double x) { return std::atan(x); });
  add_trig(r, "opset1", "Sinh", [](double x) { return std::sinh(x); });
  add_trig(r, "opset1", "Cosh", [](double x) { return std::cosh(x); });
  add_trig(r, "opset4", "Asinh", [](double x) { return std::asinh(x); });
  add_trig(r, "opset4", "Acosh", [](double x) { return std::acosh(x); });
  add_trig(r, "opset4", "Atanh", [](double x) { return std::atanh(x); });
}

}  // namespace remo
