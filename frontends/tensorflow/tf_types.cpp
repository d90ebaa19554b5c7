#include "frontends/tensorflow/tf_types.h"

namespace remo::tf_import {

std::optional<ElementType> element_type_from_tf(int dtype) {
  constexpr int kRefOffset = 100;  // DT_X_REF = DT_X + 100
  if (dtype > kRefOffset) dtype -= kRefOffset;
  switch (dtype) {
    case tensorflow::DT_FLOAT: return ElementType::f32;
    case tensorflow::DT_DOUBLE: return ElementType::f64;
    case tensorflow::DT_HALF: return ElementType::f16;
    case tensorflow::DT_BFLOAT16: return ElementType::bf16;
    case tensorflow::DT_INT8: case tensorflow::DT_QINT8: return ElementType::i8;
    case tensorflow::DT_UINT8: case tensorflow::DT_QUINT8: return ElementType::u8;
    case tensorflow::DT_INT16: case tensorflow::DT_QINT16: return ElementType::i16;
    case tensorflow::DT_UINT16: case tensorflow::DT_QUINT16: return ElementType::u16;
    case tensorflow::DT_INT32: case tensorflow::DT_QINT32: return ElementType::i32;
    case tensorflow::DT_UINT32: return ElementType::u32;
    case tensorflow::DT_INT64: return ElementType::i64;
    case tensorflow::DT_UINT64: return ElementType::u64;
    case tensorflow::DT_BOOL: return ElementType::boolean;
    case tensorflow::DT_STRING: return ElementType::string;
    case tensorflow::DT_INT4: return ElementType::i4;
    case tensorflow::DT_UINT4: return ElementType::u4;
    default: return std::nullopt;
  }
}

std::string tf_type_name(int dtype) {
  if (tensorflow::DataType_IsValid(dtype)) return tensorflow::DataType_Name(static_cast<tensorflow::DataType>(dtype));
  return "dtype " + std::to_string(dtype);
}

}  // namespace remo::tf_import
