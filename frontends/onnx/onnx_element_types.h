#pragma once
// ONNX TensorProto.DataType codes and their remo element types.
#include <cstdint>
#include <optional>
#include <string>

#include "engine/graph/element_type.h"

namespace remo::onnx_import {

// The element type for an ONNX data type code; nullopt for types remo cannot hold as a tensor
// (STRING, complex, float8, int4...) and for unknown codes.
std::optional<ElementType> element_type_from_onnx(int32_t data_type);

// "FLOAT", "STRING", "FLOAT8E4M3FN"... for messages; "data type N" for codes ONNX does not define.
std::string onnx_type_name(int32_t data_type);
// "has element type FLOAT8E4M3FNUZ, which remo cannot convert: <why>", for a type without a
// mapping; the caller puts the input's or tensor's name in front.
std::string unsupported_type_message(int32_t data_type);

}  // namespace remo::onnx_import
