#include "engine/ops/unary.h"

namespace remo {

void infer_unary(InferContext& ctx, UnaryTypes types) {
  ElementType t = ctx.input_type(0);
  if (types == UnaryTypes::floating)
    check_type(t, is_floating(t), "input 0", "a floating-point type");
  else
    numeric_input_type(ctx, 0);
  ctx.set_output(0, t, ctx.input_shape(0));
}

}  // namespace remo
