#pragma once
// Element types with the exact spellings OpenVINO IR uses: lowercase names in <data>, uppercase
// precision strings on ports.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace remo {

enum class ElementType : uint8_t {
  dynamic, boolean, f16, bf16, f32, f64, i4, i8, i16, i32, i64, u1, u4, u8, u16, u32, u64, string,
  // Narrow types, appended so that the values above keep their numbers. f8e4m3 is the "FN" variant
  // (no infinities, one NaN pattern); f8e8m0 is an unsigned power of two; nf4 holds 4-bit indices
  // into a fixed table of normal-float values.
  u2, u3, u6, nf4, f8e4m3, f8e5m2, f4e2m1, f8e8m0
};

// "f32", "i64", "boolean"... as written in <data element_type=...>.
std::string_view type_name(ElementType type);
// "FP32", "I64", "BOOL"... as written in <port precision=...>.
std::string_view precision_name(ElementType type);
// Bits per element (sub-byte types are packed); 0 for dynamic and string.
size_t bit_width(ElementType type);
// Bytes needed to store `count` elements of `type`.
size_t byte_size(ElementType type, size_t count);
// Accepts the lowercase names of type_name(); nullopt for anything else.
std::optional<ElementType> parse_element_type(std::string_view name);

bool is_floating(ElementType type);  // the f8/f4 types included
// Whether tensors of `type` can be read and written element by element (read_as_double and
// friends): every type of 8 bits or more, and the packed i4/u4/u2/f4e2m1. Not u1, u3, u6, nf4,
// string or dynamic.
bool has_element_access(ElementType type);
bool is_integral(ElementType type);  // boolean excluded
bool is_signed(ElementType type);

}  // namespace remo
