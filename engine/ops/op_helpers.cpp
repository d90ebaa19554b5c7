#include "engine/ops/op_helpers.h"

#include <algorithm>
#include <cmath>

namespace remo {

void add_op(OpRegistry& registry, OpDef def) {
  auto infer = std::move(def.infer);
  def.infer = [infer = std::move(infer)](InferContext& ctx) {
    try {
      infer(ctx);
    } catch (const OpError& e) {
      ctx.fail(e.what());
    }
  };
  registry.add(std::move(def));
}

AttrSpec required_attr(std::string name, AttrKind kind, std::vector<std::string> choices) {
  return AttrSpec{std::move(name), kind, std::nullopt, std::move(choices)};
}

AttrSpec default_attr(std::string name, AttrKind kind, AttrValue value,
                      std::vector<std::string> choices) {
  return AttrSpec{std::move(name), kind, std::move(value), std::move(choices)};
}

AttrSpec auto_broadcast_attr() {
  return default_attr("auto_broadcast", AttrKind::String, std::string("numpy"), {"none", "numpy", "pdpd"});
}

int64_t normalize_axis(int64_t axis, int64_t rank, const std::string& what) {
  if (axis < -rank || axis >= rank)
    throw OpError(what + " " + std::to_string(axis) + " is out of range for rank " +
                  std::to_string(rank) + " (expected " + std::to_string(-rank) + ".." +
                  std::to_string(rank - 1) + ")");
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank,
                                    const std::string& what, bool allow_duplicates) {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    int64_t n = normalize_axis(a, rank, what);
    if (!allow_duplicates && std::find(out.begin(), out.end(), n) != out.end())
      throw OpError(what + " lists axis " + std::to_string(n) + " twice");
    out.push_back(n);
  }
  return out;
}

std::optional<std::vector<int64_t>> constant_ints(const InferContext& ctx, size_t i) {
  auto t = ctx.input_constant(i);
  if (!t) return std::nullopt;
  return t->to_int64();
}

std::optional<int64_t> static_length(const InferContext& ctx, size_t i) {
  const PartialShape& s = ctx.input_shape(i);
  if (!s.rank_known()) return std::nullopt;
  if (s.rank() == 0) return 1;
  if (s.rank() != 1 || s[0] < 0) return std::nullopt;
  return s[0];
}

ElementType merge_types(ElementType a, ElementType b, const std::string& what) {
  if (a == ElementType::dynamic) return b;
  if (b == ElementType::dynamic || a == b) return a;
  throw OpError(what + " must have the same element type, got " + std::string(type_name(a)) +
                " and " + std::string(type_name(b)));
}

void check_type(ElementType type, bool ok, const std::string& what, const std::string& expected) {
  if (type != ElementType::dynamic && !ok)
    throw OpError(what + " must be " + expected + ", got " + std::string(type_name(type)));
}

ElementType numeric_input_type(const InferContext& ctx, size_t i) {
  ElementType t = ctx.input_type(i);
  check_type(t, t != ElementType::boolean && t != ElementType::string,
             "input " + std::to_string(i), "numeric");
  return t;
}

std::optional<int64_t> merge_dim(int64_t a, int64_t b) {
  if (a < 0) return b;
  if (b < 0 || a == b) return a;
  return std::nullopt;
}

int64_t add_dims(int64_t a, int64_t b) { return a < 0 || b < 0 ? kDynamicDim : a + b; }

int64_t multiply_dims(const std::vector<int64_t>& dims) {
  int64_t p = 1;
  for (int64_t d : dims) {
    if (d < 0) return kDynamicDim;
    p *= d;
  }
  return p;
}

std::string shape_str(const PartialShape& shape) {
  return shape.rank_known() ? shape_to_string(shape.dims()) : "[...]";
}

std::vector<int64_t> row_major_strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

int64_t count_range(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end; ++i) p *= shape[i];
  return p;
}

size_t element_size(ElementType type) {
  size_t bits = bit_width(type);
  if (bits < 8 || type == ElementType::string)
    throw Error("cannot compute on " + std::string(type_name(type)) + " tensors");
  return bits / 8;
}

OutputBuffer::OutputBuffer(ElementType t, Shape s)
    : type(t), shape(std::move(s)), bytes(byte_size(t, element_count(shape))) {}

Tensor OutputBuffer::finish() && { return Tensor::from_bytes(type, std::move(shape), std::move(bytes)); }

void store_value(ElementType type, uint8_t* data, size_t index, double value, IntRounding rounding) {
  if (rounding == IntRounding::nearest && !is_floating(type) && type != ElementType::boolean)
    value = std::nearbyint(value);
  write_from_double(type, data, index, value);
}

Tensor int_tensor(ElementType type, const std::vector<int64_t>& values) {
  OutputBuffer out(type, {static_cast<int64_t>(values.size())});
  for (size_t i = 0; i < values.size(); ++i) write_from_int64(type, out.data(), i, values[i]);
  return std::move(out).finish();
}

}  // namespace remo
