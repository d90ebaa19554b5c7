#include "engine/graph/tensor.h"

#include <bit>
#include <cmath>
#include <optional>

#include "engine/graph/error.h"
#include "engine/graph/narrow_float.h"
#include "engine/limits/limits.h"

namespace remo {

Tensor::Tensor(ElementType type, Shape shape, std::shared_ptr<const Buffer> data)
    : type_(type), shape_(std::move(shape)), count_(remo::element_count(shape_)),
      data_(std::move(data)) {
  check(data_ != nullptr, "tensor without data");
  check_limit(kMaxTensorElements, count_, "tensor of " + std::string(type_name(type_)) + shape_to_string(shape_));
  check(data_->size() >= byte_count(),
        "tensor of " + std::string(type_name(type_)) + shape_to_string(shape_) + " needs " +
            std::to_string(byte_count()) + " bytes but has " + std::to_string(data_->size()));
}

std::vector<int64_t> Tensor::to_int64() const {
  check(has_element_access(type_), "cannot read values of a " + std::string(type_name(type_)) + " tensor");
  std::vector<int64_t> out(count_);
  for (size_t i = 0; i < count_; ++i) out[i] = read_as_int64(type_, bytes(), i);
  return out;
}

std::vector<double> Tensor::to_double() const {
  check(has_element_access(type_), "cannot read values of a " + std::string(type_name(type_)) + " tensor");
  std::vector<double> out(count_);
  for (size_t i = 0; i < count_; ++i) out[i] = read_as_double(type_, bytes(), i);
  return out;
}

float f16_to_float(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(bits);
}

uint16_t float_to_f16(float value) {
  uint32_t f = std::bit_cast<uint32_t>(value);
  uint32_t sign = (f >> 16) & 0x8000u;
  uint32_t abs = f & 0x7fffffffu;
  if (abs >= 0x7f800000u) return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0));
  if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow to inf
  if (abs < 0x38800000u) {  // subnormal or zero in f16: round to nearest even
    if (abs < 0x33000000u) return static_cast<uint16_t>(sign);
    uint32_t exp = abs >> 23;
    uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
    uint32_t shift = 126 - exp;  // 113 + 13 - exp... number of bits dropped
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t rounded = abs + 0xfffu + ((abs >> 13) & 1u);  // round to nearest even
  return static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

float bf16_to_float(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

uint16_t float_to_bf16(float value) {
  uint32_t f = std::bit_cast<uint32_t>(value);
  if ((f & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((f >> 16) | 0x40u);  // NaN
  f += 0x7fffu + ((f >> 16) & 1u);
  return static_cast<uint16_t>(f >> 16);
}

namespace {

template <typename T>
T load(const uint8_t* data, size_t index) {
  T v;
  std::memcpy(&v, data + index * sizeof(T), sizeof(T));
  return v;
}

template <typename T>
void store(uint8_t* data, size_t index, T v) {
  std::memcpy(data + index * sizeof(T), &v, sizeof(T));
}

// Packed types of 2 or 4 bits: element i sits in byte i*bits/8, the first element in the low bits.
uint8_t load_packed(const uint8_t* data, size_t index, size_t bits) {
  const size_t bit = index * bits;
  return static_cast<uint8_t>((data[bit / 8] >> (bit % 8)) & ((1u << bits) - 1));
}

void store_packed(uint8_t* data, size_t index, size_t bits, uint8_t value) {
  const size_t bit = index * bits;
  const uint8_t mask = static_cast<uint8_t>(((1u << bits) - 1) << (bit % 8));
  data[bit / 8] = static_cast<uint8_t>((data[bit / 8] & ~mask) | ((value << (bit % 8)) & mask));
}

std::optional<NarrowFloat> narrow_float_format(ElementType type) {
  switch (type) {
    case ElementType::f8e4m3: return NarrowFloat::f8e4m3;
    case ElementType::f8e5m2: return NarrowFloat::f8e5m2;
    case ElementType::f8e8m0: return NarrowFloat::f8e8m0;
    case ElementType::f4e2m1: return NarrowFloat::f4e2m1;
    default: return std::nullopt;
  }
}

}  // namespace

double read_as_double(ElementType type, const uint8_t* d, size_t i) {
  switch (type) {
    case ElementType::boolean: return d[i] != 0;
    case ElementType::f16: return f16_to_float(load<uint16_t>(d, i));
    case ElementType::bf16: return bf16_to_float(load<uint16_t>(d, i));
    case ElementType::f32: return load<float>(d, i);
    case ElementType::f64: return load<double>(d, i);
    case ElementType::i8: return load<int8_t>(d, i);
    case ElementType::i16: return load<int16_t>(d, i);
    case ElementType::i32: return load<int32_t>(d, i);
    case ElementType::i64: return static_cast<double>(load<int64_t>(d, i));
    case ElementType::u8: return load<uint8_t>(d, i);
    case ElementType::u16: return load<uint16_t>(d, i);
    case ElementType::u32: return load<uint32_t>(d, i);
    case ElementType::u64: return static_cast<double>(load<uint64_t>(d, i));
    case ElementType::i4: return static_cast<int8_t>(load_packed(d, i, 4) << 4) >> 4;  // sign-extend
    case ElementType::u4: return load_packed(d, i, 4);
    case ElementType::u2: return load_packed(d, i, 2);
    case ElementType::f8e4m3: case ElementType::f8e5m2: case ElementType::f8e8m0:
      return narrow_float_to_double(*narrow_float_format(type), d[i]);
    case ElementType::f4e2m1: return narrow_float_to_double(NarrowFloat::f4e2m1, load_packed(d, i, 4));
    default: throw Error("cannot read values of type " + std::string(type_name(type)));
  }
}

int64_t read_as_int64(ElementType type, const uint8_t* d, size_t i) {
  switch (type) {
    case ElementType::boolean: return d[i] != 0;
    case ElementType::i8: return load<int8_t>(d, i);
    case ElementType::i16: return load<int16_t>(d, i);
    case ElementType::i32: return load<int32_t>(d, i);
    case ElementType::i64: return load<int64_t>(d, i);
    case ElementType::u8: return load<uint8_t>(d, i);
    case ElementType::u16: return load<uint16_t>(d, i);
    case ElementType::u32: return load<uint32_t>(d, i);
    case ElementType::u64: return static_cast<int64_t>(load<uint64_t>(d, i));
    case ElementType::i4: case ElementType::u4: case ElementType::u2:
      return static_cast<int64_t>(read_as_double(type, d, i));
    default: {
      double v = read_as_double(type, d, i);
      if (std::isnan(v)) return 0;
      if (v >= 9.2233720368547758e18) return INT64_MAX;
      if (v <= -9.2233720368547758e18) return INT64_MIN;
      return static_cast<int64_t>(v);
    }
  }
}

void write_from_double(ElementType type, uint8_t* d, size_t i, double v) {
  switch (type) {
    case ElementType::boolean: d[i] = v != 0; return;
    case ElementType::f16: store<uint16_t>(d, i, float_to_f16(static_cast<float>(v))); return;
    case ElementType::bf16: store<uint16_t>(d, i, float_to_bf16(static_cast<float>(v))); return;
    case ElementType::f32: store<float>(d, i, static_cast<float>(v)); return;
    case ElementType::f64: store<double>(d, i, v); return;
    case ElementType::f8e4m3: case ElementType::f8e5m2: case ElementType::f8e8m0:
      d[i] = double_to_narrow_float(*narrow_float_format(type), v);
      return;
    case ElementType::f4e2m1: store_packed(d, i, 4, double_to_narrow_float(NarrowFloat::f4e2m1, v)); return;
    default: write_from_int64(type, d, i, std::isnan(v) ? 0 : static_cast<int64_t>(v)); return;
  }
}

void write_from_int64(ElementType type, uint8_t* d, size_t i, int64_t v) {
  switch (type) {
    case ElementType::boolean: d[i] = v != 0; return;
    case ElementType::i8: store<int8_t>(d, i, static_cast<int8_t>(v)); return;
    case ElementType::i16: store<int16_t>(d, i, static_cast<int16_t>(v)); return;
    case ElementType::i32: store<int32_t>(d, i, static_cast<int32_t>(v)); return;
    case ElementType::i64: store<int64_t>(d, i, v); return;
    case ElementType::u8: store<uint8_t>(d, i, static_cast<uint8_t>(v)); return;
    case ElementType::u16: store<uint16_t>(d, i, static_cast<uint16_t>(v)); return;
    case ElementType::u32: store<uint32_t>(d, i, static_cast<uint32_t>(v)); return;
    case ElementType::u64: store<uint64_t>(d, i, static_cast<uint64_t>(v)); return;
    case ElementType::i4: case ElementType::u4: store_packed(d, i, 4, static_cast<uint8_t>(v)); return;
    case ElementType::u2: store_packed(d, i, 2, static_cast<uint8_t>(v)); return;
    case ElementType::f16: case ElementType::bf16: case ElementType::f32: case ElementType::f64:
    case ElementType::f8e4m3: case ElementType::f8e5m2: case ElementType::f8e8m0: case ElementType::f4e2m1:
      write_from_double(type, d, i, static_cast<double>(v));
      return;
    default: throw Error("cannot write values of type " + std::string(type_name(type)));
  }
}

}  // namespace remo
