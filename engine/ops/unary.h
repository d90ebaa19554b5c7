#pragma once
// Registration of unary elementwise ops whose output has the input's type and shape. Shared by
// the math and activation families.
#include <cmath>
#include <string>

#include "engine/ops/elementwise.h"

namespace remo {

// Which element types a unary op accepts.
enum class UnaryTypes { numeric, floating };

// Reports a wrong input type, then passes the input's type and shape through.
void infer_unary(InferContext& ctx, UnaryTypes types);

// Transcendental functions applied to integers: compute in double and round to the nearest integer.
template <typename Fn>
auto rounded(Fn fn) {
  return [fn](int64_t v) { return std::nearbyint(fn(static_cast<double>(v))); };
}

// Registers "opsetN.Type" (IR type `ir_type`) computing float_fn on floating inputs, int_fn otherwise.
template <typename FloatFn, typename IntFn>
void add_unary(OpRegistry& r, const std::string& version, const std::string& type,
               const std::string& ir_type, UnaryTypes types, FloatFn float_fn, IntFn int_fn) {
  add_op(r, OpDef{
      .name = version + "." + type, .ir_type = ir_type, .ir_version = version,
      .attrs = {},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [types](InferContext& ctx) { infer_unary(ctx, types); },
      .evaluate = [float_fn, int_fn](const Node&, const std::vector<Tensor>& in) {
        return std::vector<Tensor>{map_unary(in[0], in[0].type(), float_fn, int_fn)};
      },
  });
}

// A float-only op: int_fn is never reached because inference rejects integer inputs.
template <typename FloatFn>
void add_float_unary(OpRegistry& r, const std::string& version, const std::string& type, FloatFn float_fn) {
  add_unary(r, version, type, type, UnaryTypes::floating, float_fn, rounded(float_fn));
}

}  // namespace remo
