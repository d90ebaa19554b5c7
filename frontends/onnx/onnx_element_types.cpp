#include "frontends/onnx/onnx_element_types.h"

#include <array>
#include <string_view>

namespace remo::onnx_import {
namespace {

// Indexed by the ONNX code. Newer codes (17 and up) are spelled out because the installed onnx
// headers may predate them.
constexpr std::array<std::string_view, 29> kOnnxTypeNames{
    "UNDEFINED",    "FLOAT",          "UINT8",      "INT8",           "UINT16",
    "INT16",        "INT32",          "INT64",      "STRING",         "BOOL",
    "FLOAT16",      "DOUBLE",         "UINT32",     "UINT64",         "COMPLEX64",
    "COMPLEX128",   "BFLOAT16",       "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2",
    "FLOAT8E5M2FNUZ", "UINT4",        "INT4",       "FLOAT4E2M1",     "FLOAT8E8M0",
    "UINT2",        "INT2",           "FLOAT6E2M3", "FLOAT6E3M2"};

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
    case 17: return ElementType::f8e4m3;  // FLOAT8E4M3FN: the same no-infinity format
    case 19: return ElementType::f8e5m2;
    case 21: return ElementType::u4;
    case 22: return ElementType::i4;
    case 23: return ElementType::f4e2m1;
    case 24: return ElementType::f8e8m0;
    case 25: return ElementType::u2;
    default: return std::nullopt;
  }
}

std::string unsupported_type_message(int32_t data_type) {
  std::string why;
  switch (data_type) {
    case 8: why = "strings are not supported"; break;
    case 14: case 15: why = "OpenVINO IR has no complex element types"; break;
    case 18: case 20: why = "OpenVINO IR has no FNUZ float8 types (no negative zero, NaN at 0x80)"; break;
    case 26: why = "OpenVINO IR has no signed 2-bit type"; break;
    case 27: case 28: why = "OpenVINO IR has no 6-bit float types"; break;
    default: why = "OpenVINO IR has no such element type"; break;
  }
  return "has element type " + onnx_type_name(data_type) + ", which remo cannot convert: " + why;
}

std::string onnx_type_name(int32_t data_type) {
  if (data_type >= 0 && static_cast<size_t>(data_type) < kOnnxTypeNames.size())
    return std::string(kOnnxTypeNames[static_cast<size_t>(data_type)]);
  return "data type " + std::to_string(data_type);
}

}  // namespace remo::onnx_import
