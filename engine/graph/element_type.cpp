#include "engine/graph/element_type.h"

#include <array>
#include <cstdint>
#include <string>

#include "engine/graph/error.h"

namespace remo {
namespace {

struct TypeInfo {
  ElementType type;
  std::string_view name;
  std::string_view precision;
  size_t bits;
};

constexpr std::array<TypeInfo, 26> kTypes{{
    {ElementType::dynamic, "dynamic", "UNSPECIFIED", 0},
    {ElementType::boolean, "boolean", "BOOL", 8},
    {ElementType::f16, "f16", "FP16", 16},
    {ElementType::bf16, "bf16", "BF16", 16},
    {ElementType::f32, "f32", "FP32", 32},
    {ElementType::f64, "f64", "FP64", 64},
    {ElementType::i4, "i4", "I4", 4},
    {ElementType::i8, "i8", "I8", 8},
    {ElementType::i16, "i16", "I16", 16},
    {ElementType::i32, "i32", "I32", 32},
    {ElementType::i64, "i64", "I64", 64},
    {ElementType::u1, "u1", "BIN", 1},
    {ElementType::u4, "u4", "U4", 4},
    {ElementType::u8, "u8", "U8", 8},
    {ElementType::u16, "u16", "U16", 16},
    {ElementType::u32, "u32", "U32", 32},
    {ElementType::u64, "u64", "U64", 64},
    {ElementType::string, "string", "STRING", 0},
    // The IR reader accepts only the lowercase spelling of u2, u3 and u6 on ports.
    {ElementType::u2, "u2", "u2", 2},
    {ElementType::u3, "u3", "u3", 3},
    {ElementType::u6, "u6", "u6", 6},
    {ElementType::nf4, "nf4", "NF4", 4},
    {ElementType::f8e4m3, "f8e4m3", "F8E4M3", 8},
    {ElementType::f8e5m2, "f8e5m2", "F8E5M2", 8},
    {ElementType::f4e2m1, "f4e2m1", "F4E2M1", 4},
    {ElementType::f8e8m0, "f8e8m0", "F8E8M0", 8},
}};
static_assert(kTypes.back().type == ElementType::f8e8m0, "kTypes is indexed by ElementType");

const TypeInfo& info(ElementType type) { return kTypes[static_cast<size_t>(type)]; }

}  // namespace

std::string_view type_name(ElementType type) { return info(type).name; }
std::string_view precision_name(ElementType type) { return info(type).precision; }
size_t bit_width(ElementType type) { return info(type).bits; }

size_t byte_size(ElementType type, size_t count) {
  const size_t bits = bit_width(type);
  // Counts come from file data (shapes), so the product is checked, never left to wrap around.
  if (bits != 0 && count > (SIZE_MAX - 7) / bits)
    throw Error(std::to_string(count) + " elements of " + std::string(type_name(type)) + " are more bytes than fit in memory");
  return (count * bits + 7) / 8;
}

std::optional<ElementType> parse_element_type(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name) return t.type;
  return std::nullopt;
}

bool is_floating(ElementType type) {
  switch (type) {
    case ElementType::f16: case ElementType::bf16: case ElementType::f32: case ElementType::f64:
    case ElementType::f8e4m3: case ElementType::f8e5m2: case ElementType::f4e2m1: case ElementType::f8e8m0:
      return true;
    default:
      return false;
  }
}

bool has_element_access(ElementType type) {
  switch (type) {
    case ElementType::dynamic: case ElementType::string: case ElementType::u1: case ElementType::u3:
    case ElementType::u6: case ElementType::nf4:
      return false;
    default:
      return true;
  }
}

bool is_integral(ElementType type) {
  switch (type) {
    case ElementType::i4: case ElementType::i8: case ElementType::i16: case ElementType::i32:
    case ElementType::i64: case ElementType::u1: case ElementType::u4: case ElementType::u8:
    case ElementType::u16: case ElementType::u32: case ElementType::u64: case ElementType::u2:
    case ElementType::u3: case ElementType::u6:
      return true;
    default:
      return false;
  }
}

bool is_signed(ElementType type) {
  switch (type) {
    case ElementType::i4: case ElementType::i8: case ElementType::i16: case ElementType::i32:
    case ElementType::i64:
      return true;
    default:
      return is_floating(type);
  }
}

}  // namespace remo
