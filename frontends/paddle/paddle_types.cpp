#include "frontends/paddle/paddle_types.h"

namespace remo::paddle_import {

using VarType = paddle_proto::VarType;

std::optional<ElementType> element_type_from_paddle(int type) {
  switch (type) {
    case VarType::BOOL: return ElementType::boolean;
    case VarType::INT16: return ElementType::i16;
    case VarType::INT32: return ElementType::i32;
    case VarType::INT64: return ElementType::i64;
    case VarType::FP16: return ElementType::f16;
    case VarType::FP32: return ElementType::f32;
    case VarType::FP64: return ElementType::f64;
    case VarType::UINT8: return ElementType::u8;
    case VarType::INT8: return ElementType::i8;
    case VarType::BF16: return ElementType::bf16;
    default: return std::nullopt;
  }
}

std::string paddle_type_name(int type) {
  if (VarType::Type_IsValid(type)) return VarType::Type_Name(static_cast<VarType::Type>(type));
  return "type " + std::to_string(type);
}

}  // namespace remo::paddle_import
