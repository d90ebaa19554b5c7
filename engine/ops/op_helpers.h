#pragma once
// Pieces every op family needs: error reporting from shape code shared by infer and evaluate,
// attribute-schema shorthands, axis normalisation, constant inputs, and moving tensor values
// in and out of plain vectors.
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo {

// Thrown by shape arithmetic that infer and evaluate share. add_op() reports it through
// ctx.fail() so that the message names the node; evaluate lets it through as a plain Error.
class OpError : public Error {
 public:
  using Error::Error;
};

// Registers `def` with its infer wrapped so that an OpError becomes ctx.fail(message).
void add_op(OpRegistry& registry, OpDef def);

// Attribute-schema shorthands.
AttrSpec required_attr(std::string name, AttrKind kind, std::vector<std::string> choices = {});
AttrSpec default_attr(std::string name, AttrKind kind, AttrValue value,
                      std::vector<std::string> choices = {});
// auto_broadcast of the elementwise ops: numpy | none | pdpd, default numpy.
AttrSpec auto_broadcast_attr();

// `axis` in [-rank, rank) mapped to [0, rank); OpError naming `what` otherwise.
int64_t normalize_axis(int64_t axis, int64_t rank, const std::string& what = "axis");
// Same for each of `axes`; duplicates are an OpError when `allow_duplicates` is false.
std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank,
                                    const std::string& what = "axes", bool allow_duplicates = true);

// The values of input `i` as integers, when known at conversion time.
std::optional<std::vector<int64_t>> constant_ints(const InferContext& ctx, size_t i);
// Number of elements of a 1-D (or scalar) input when its shape is static; nullopt otherwise.
std::optional<int64_t> static_length(const InferContext& ctx, size_t i);

// The common type of two inputs: dynamic yields to the other; different types are an OpError.
ElementType merge_types(ElementType a, ElementType b, const std::string& what);
// OpError unless `type` is dynamic or satisfies `ok`; `expected` describes the allowed types.
void check_type(ElementType type, bool ok, const std::string& what, const std::string& expected);
// The element type of input `i` after checking that it is not boolean (arithmetic ops).
ElementType numeric_input_type(const InferContext& ctx, size_t i);

// Two dimensions that must agree (-1 matches anything); nullopt on a conflict.
std::optional<int64_t> merge_dim(int64_t a, int64_t b);
// Sum / product of dimensions, -1 when any is dynamic.
int64_t add_dims(int64_t a, int64_t b);
int64_t multiply_dims(const std::vector<int64_t>& dims);
// "[1,3,?,?]", or "[...]" for a dynamic rank; for messages.
std::string shape_str(const PartialShape& shape);
// Row-major strides, in elements, of a static shape.
std::vector<int64_t> row_major_strides(const Shape& shape);
// Number of elements of shape[begin, end).
int64_t count_range(const Shape& shape, size_t begin, size_t end);

// Bytes per element; an Error for sub-byte, string and dynamic types (evaluate cannot copy them).
size_t element_size(ElementType type);
// A zero-filled output tensor to write bytes into, then freeze.
struct OutputBuffer {
  OutputBuffer(ElementType type, Shape shape);
  uint8_t* data() { return bytes.data(); }
  Tensor finish() &&;
  ElementType type;
  Shape shape;
  std::vector<uint8_t> bytes;
};

// How a real result is stored into an integer element type.
enum class IntRounding { truncate, nearest };

// The elements of `t` converted to T (float for fast f32 kernels, double otherwise).
template <typename T>
std::vector<T> load_values(const Tensor& t) {
  std::vector<T> out(t.element_count());
  if constexpr (std::is_same_v<T, float>) {
    if (t.type() == ElementType::f32) {
      if (!out.empty()) std::memcpy(out.data(), t.bytes(), out.size() * sizeof(float));
      return out;
    }
  }
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<T>(read_as_double(t.type(), t.bytes(), i));
  return out;
}

void store_value(ElementType type, uint8_t* data, size_t index, double value, IntRounding rounding);

// A tensor of `type` holding `values`, converted element by element.
template <typename T>
Tensor store_values(ElementType type, Shape shape, const std::vector<T>& values,
                    IntRounding rounding = IntRounding::truncate) {
  OutputBuffer out(type, std::move(shape));
  if constexpr (std::is_same_v<T, float>) {
    if (type == ElementType::f32) {
      if (!values.empty()) std::memcpy(out.data(), values.data(), values.size() * sizeof(float));
      return std::move(out).finish();
    }
  }
  for (size_t i = 0; i < values.size(); ++i)
    store_value(type, out.data(), i, static_cast<double>(values[i]), rounding);
  return std::move(out).finish();
}

// A 1-D i64/i32 tensor of `values` (shapes, indices).
Tensor int_tensor(ElementType type, const std::vector<int64_t>& values);

}  // namespace remo
