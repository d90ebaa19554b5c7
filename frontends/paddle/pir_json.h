#pragma once
// Decoding of the typed values of Paddle 3's PIR program (.json): types and attributes are
// objects {"#": "<dialect>.<kind>", "D": data}, where the dialect is a number (0 = builtin,
// 1 = pd_op, 2 = control flow). See docs/paddle.md, "The PIR program".
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/graph/attribute.h"
#include "engine/graph/element_type.h"
#include "engine/graph/shape.h"

namespace remo::paddle_import {

using Json = nlohmann::json;

// A value's type: a dense tensor ("0.t_dtensor": element type, dims, layout, LoD, offset) or a
// vector of them ("0.t_vec", what builtin.combine and ops with a Tensor[] output make).
struct PirType {
  bool is_vector = false;
  ElementType element = ElementType::dynamic;  // for a tensor
  Shape dims;                                   // for a tensor; -1 = dynamic
  std::vector<PirType> elements;                // for a vector
};

// Throws remo::Error saying what is wrong (the caller adds the op).
PirType decode_type(const Json& type);
// "0.t_f32" -> f32 ... ; nullopt for kinds remo has no element type for (complex...).
std::optional<ElementType> element_type_from_pir(const std::string& kind);
// Paddle's dtype names ("float32", "int64"...) as the legacy VarType codes (FP32 = 5...), so
// that a dtype attribute reads the same in both formats. nullopt for an unknown name.
std::optional<int64_t> vartype_code_of_dtype(const std::string& dtype);
std::optional<ElementType> element_type_of_dtype(const std::string& dtype);

// One attribute value: i32/i64/index -> int, f32/f64 -> float, bool, str, layouts -> str, arrays
// (of ints, bools -> ints, floats, strings), int arrays, scalars ([dtype, value]) by their
// dtype, dtypes (-> VarType code), places (nullopt: dropped).
std::optional<AttrValue> decode_attribute(const Json& attr);

// The field `key` of `object`, an error naming `what` when missing.
const Json& field(const Json& object, const char* key, const std::string& what);

}  // namespace remo::paddle_import
