#pragma once
// Tensor: an element type, a static shape and shared immutable bytes (row-major, little-endian,
// exactly as they go into the .bin). Copying a Tensor copies a pointer, never the data.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/graph/buffer.h"
#include "engine/graph/element_type.h"
#include "engine/graph/shape.h"

namespace remo {

class Tensor {
 public:
  Tensor() = default;
  // Throws remo::Error if the buffer is smaller than the shape needs.
  Tensor(ElementType type, Shape shape, std::shared_ptr<const Buffer> data);

  // A tensor owning a copy of `values`; T must match `type`'s C++ representation.
  template <typename T>
  static Tensor from_values(ElementType type, Shape shape, const std::vector<T>& values) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return Tensor(type, std::move(shape), std::make_shared<OwnedBuffer>(std::move(bytes)));
  }
  static Tensor from_bytes(ElementType type, Shape shape, std::vector<uint8_t> bytes) {
    return Tensor(type, std::move(shape), std::make_shared<OwnedBuffer>(std::move(bytes)));
  }

  bool empty() const { return data_ == nullptr; }
  ElementType type() const { return type_; }
  const Shape& shape() const { return shape_; }
  size_t element_count() const { return count_; }
  const uint8_t* bytes() const { return data_ ? data_->data() : nullptr; }
  size_t byte_count() const { return byte_size(type_, count_); }
  bool is_mapped() const { return data_ && data_->is_mapped(); }
  const std::shared_ptr<const Buffer>& buffer() const { return data_; }

  // Values converted to a wide type; for small constants (shapes, axes, scalars).
  // Throws remo::Error for string or sub-byte element types.
  std::vector<int64_t> to_int64() const;
  std::vector<double> to_double() const;

  // Typed view of the bytes; T must be the element type's C++ type. The data may be unaligned
  // inside a mapped file, so values are read through memcpy.
  template <typename T>
  T at(size_t index) const {
    T value;
    std::memcpy(&value, bytes() + index * sizeof(T), sizeof(T));
    return value;
  }

 private:
  ElementType type_ = ElementType::dynamic;
  Shape shape_;
  size_t count_ = 0;
  std::shared_ptr<const Buffer> data_;
};

// Conversions between IEEE half / bfloat16 and float.
float f16_to_float(uint16_t bits);
uint16_t float_to_f16(float value);
float bf16_to_float(uint16_t bits);
uint16_t float_to_bf16(float value);

// Reads element `index` of raw bytes of `type` as double / int64 (any numeric type, boolean too).
double read_as_double(ElementType type, const uint8_t* data, size_t index);
int64_t read_as_int64(ElementType type, const uint8_t* data, size_t index);
// Writes `value` as element `index` of raw bytes of `type` (with C++ conversion semantics).
void write_from_double(ElementType type, uint8_t* data, size_t index, double value);
void write_from_int64(ElementType type, uint8_t* data, size_t index, int64_t value);

}  // namespace remo
