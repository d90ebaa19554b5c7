// Convert-1: elementwise conversion to destination_type.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// Real to integer: NaN becomes 0, the value is truncated toward zero and saturated to the type's
// range (C++ leaves out-of-range conversions undefined). long double holds every 64-bit limit exactly.
void store_saturated(ElementType type, uint8_t* data, size_t i, double v) {
  const int bits = static_cast<int>(bit_width(type));
  const long double value = std::isnan(v) ? 0.0L : std::trunc(static_cast<long double>(v));
  if (is_signed(type)) {
    const long double limit = std::ldexp(1.0L, bits - 1);
    write_from_int64(type, data, i, static_cast<int64_t>(std::clamp(value, -limit, limit - 1)));
  } else {
    const long double limit = std::ldexp(1.0L, bits);
    write_from_int64(type, data, i, static_cast<int64_t>(static_cast<uint64_t>(std::clamp(value, 0.0L, limit - 1))));
  }
}

Tensor convert(const Tensor& in, ElementType to) {
  OutputBuffer out(to, in.shape());
  const ElementType from = in.type();
  for (size_t i = 0; i < in.element_count(); ++i) {
    if (to == ElementType::boolean)
      write_from_int64(to, out.data(), i, read_as_double(from, in.bytes(), i) != 0);
    else if (!is_floating(from))
      write_from_int64(to, out.data(), i, read_as_int64(from, in.bytes(), i));  // wraps as C++ does
    else if (is_floating(to))
      write_from_double(to, out.data(), i, read_as_double(from, in.bytes(), i));
    else
      store_saturated(to, out.data(), i, read_as_double(from, in.bytes(), i));
  }
  return std::move(out).finish();
}

}  // namespace

void register_convert_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Convert", .ir_type = "Convert", .ir_version = "opset1",
      .attrs = {required_attr("destination_type", AttrKind::Type)},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) {
        const ElementType to = ctx.attr<ElementType>("destination_type");
        if (to == ElementType::dynamic) ctx.fail("destination_type must be a concrete element type");
        ctx.set_output(0, to, ctx.input_shape(0));
      },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        return std::vector<Tensor>{convert(in[0], n.attr<ElementType>("destination_type"))};
      },
  });
}

}  // namespace remo
