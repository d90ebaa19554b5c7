#pragma once
// Elementwise kernels: a scalar function applied to every element (unary) or to every pair of
// broadcast elements (binary). Floating types are computed in double; integer and boolean types in
// int64, so integer arithmetic stays exact and wraps as the element type does when stored.
#include <cstring>
#include <type_traits>

#include "engine/ops/broadcast.h"
#include "engine/ops/index_walker.h"
#include "engine/ops/op_helpers.h"

namespace remo {

namespace elementwise_detail {

template <typename V>
void store(ElementType type, uint8_t* data, size_t i, V v) {
  if constexpr (std::is_floating_point_v<V>)
    write_from_double(type, data, i, static_cast<double>(v));
  else
    write_from_int64(type, data, i, static_cast<int64_t>(v));
}

inline float load_f32(const uint8_t* data, int64_t i) {
  float v;
  std::memcpy(&v, data + i * 4, 4);
  return v;
}

}  // namespace elementwise_detail

// y[i] = float_fn(x[i]) when x is floating, int_fn(x[i]) otherwise; stored as `out_type`.
template <typename FloatFn, typename IntFn>
Tensor map_unary(const Tensor& x, ElementType out_type, FloatFn float_fn, IntFn int_fn) {
  using namespace elementwise_detail;
  OutputBuffer out(out_type, x.shape());
  const size_t n = x.element_count();
  const uint8_t* in = x.bytes();
  if (x.type() == ElementType::f32 && out_type == ElementType::f32) {  // the common case, kept direct
    for (size_t i = 0; i < n; ++i) {
      float v = static_cast<float>(float_fn(static_cast<double>(load_f32(in, static_cast<int64_t>(i)))));
      std::memcpy(out.data() + i * 4, &v, 4);
    }
  } else if (is_floating(x.type())) {
    for (size_t i = 0; i < n; ++i) store(out_type, out.data(), i, float_fn(read_as_double(x.type(), in, i)));
  } else {
    for (size_t i = 0; i < n; ++i) store(out_type, out.data(), i, int_fn(read_as_int64(x.type(), in, i)));
  }
  return std::move(out).finish();
}

// y = f(a, b) over the broadcast of a and b: float_fn on doubles when a is floating, int_fn on
// int64 otherwise; stored as `out_type`.
template <typename FloatFn, typename IntFn>
Tensor map_binary(const Tensor& a, const Tensor& b, BroadcastMode mode, ElementType out_type,
                  FloatFn float_fn, IntFn int_fn) {
  using namespace elementwise_detail;
  const Shape shape = *broadcast_or_throw(a.shape(), b.shape(), mode).to_static();
  OutputBuffer out(out_type, shape);
  const size_t n = element_count(shape);
  IndexWalker walk(shape, {broadcast_strides(a.shape(), shape), broadcast_strides(b.shape(), shape)});
  const uint8_t* pa = a.bytes();
  const uint8_t* pb = b.bytes();
  const ElementType ta = a.type(), tb = b.type();
  if (ta == ElementType::f32 && tb == ElementType::f32 && out_type == ElementType::f32) {
    for (size_t i = 0; i < n; ++i, walk.next()) {
      float v = static_cast<float>(float_fn(static_cast<double>(load_f32(pa, walk.offset(0))),
                                            static_cast<double>(load_f32(pb, walk.offset(1)))));
      std::memcpy(out.data() + i * 4, &v, 4);
    }
  } else if (is_floating(ta)) {
    for (size_t i = 0; i < n; ++i, walk.next())
      store(out_type, out.data(), i,
            float_fn(read_as_double(ta, pa, static_cast<size_t>(walk.offset(0))),
                     read_as_double(tb, pb, static_cast<size_t>(walk.offset(1)))));
  } else {
    for (size_t i = 0; i < n; ++i, walk.next())
      store(out_type, out.data(), i,
            int_fn(read_as_int64(ta, pa, static_cast<size_t>(walk.offset(0))),
                   read_as_int64(tb, pb, static_cast<size_t>(walk.offset(1)))));
  }
  return std::move(out).finish();
}

}  // namespace remo
