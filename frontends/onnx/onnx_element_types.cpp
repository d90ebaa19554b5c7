#include "frontends/onnx/onnx_element_types.h"

#include <array>
#include <string_view>

namespace remo::onnx_import {
namespace {

// Indexed by the ONNX code. Newer codes (17 and up) are spelled out because the installed onnx
// headers may predate them.
constexpr std::array<std::string_view, 25> kOnnxTypeNames{
    "UNDEFINED",    "FLOAT",          "UINT8",      "INT8",           "UINT16",
    "INT16",        "INT32",          "INT64",      "STRING",         "BOOL",
    "FLOAT16",      "DOUBLE",         "UINT32",     "UINT64",         "COMPLEX64",
    "COMPLEX128",   "BFLOAT16",       "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
    "FLOAT8E5M2FNUZ", "UINT4",        "INT4",       "FLOAT4E2M1",     "FLOAT8E8M0"};

}  // namespace

std::optional<ElementType> element_type_from_onnx(int32_t data_type) {
  switch (data_type) {
    case 1: return ElementType::f32;
    case 2: return ElementType::u8;
    case 3: return ElementType::i8;
    case 4: return ElementType::u16;
    case 5: return ElementType::i16;
    case 6: return ElementType::i32;
    case 7: return ElementType::i64;
    case 9: return ElementType::boolean;
    case 10: return ElementType::f16;
    case 11: return ElementType::f64;
    case 12: return ElementType::u32;
    case 13: return ElementType::u64;
    case 16: return ElementType::bf16;
    default: return std::nullopt;
  }
}

std::string onnx_type_name(int32_t data_type) {
  if (data_type >= 0 && static_cast<size_t>(data_type) < kOnnxTypeNames.size())
    return std::string(kOnnxTypeNames[static_cast<size_t>(data_type)]);
  return "data type " + std::to_string(data_type);
}

}  // namespace remo::onnx_import
