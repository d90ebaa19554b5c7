#include "frontends/onnx/onnx_tensor.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/graph/error.h"
#include "engine/limits/limits.h"
#include "frontends/onnx/onnx_element_types.h"
#include "frontends/onnx/onnx_external_data.h"

namespace remo::onnx_import {
namespace {

// Packs `values` as little-endian `Stored` elements. Narrow types travel in wider fields (int8 in
// int32_data, float16 bits in the low half of int32_data), so the cast keeps the low bits.
template <typename Stored, typename Field>
std::vector<uint8_t> pack(const Field& values) {
  std::vector<uint8_t> bytes(static_cast<size_t>(values.size()) * sizeof(Stored));
  size_t i = 0;
  for (auto v : values) {
    const Stored stored = static_cast<Stored>(v);
    std::memcpy(bytes.data() + i++ * sizeof(Stored), &stored, sizeof(Stored));
  }
  return bytes;
}

// The bytes of a tensor stored in the typed field matching its element type. The value count
// must match the shape exactly.
std::vector<uint8_t> typed_field_bytes(const onnx::TensorProto& p, ElementType type, size_t count,
                                       const std::string& label) {
  auto checked = [&](size_t values, const char* field) {
    if (values != count)
      throw Error(label + ": has " + std::to_string(values) + " values in " + field +
                  " but its shape needs " + std::to_string(count));
  };
  switch (type) {
    case ElementType::f32: checked(p.float_data_size(), "float_data"); return pack<float>(p.float_data());
    case ElementType::f64: checked(p.double_data_size(), "double_data"); return pack<double>(p.double_data());
    case ElementType::i64: checked(p.int64_data_size(), "int64_data"); return pack<int64_t>(p.int64_data());
    case ElementType::u32: checked(p.uint64_data_size(), "uint64_data"); return pack<uint32_t>(p.uint64_data());
    case ElementType::u64: checked(p.uint64_data_size(), "uint64_data"); return pack<uint64_t>(p.uint64_data());
    case ElementType::i32: checked(p.int32_data_size(), "int32_data"); return pack<int32_t>(p.int32_data());
    case ElementType::i16: checked(p.int32_data_size(), "int32_data"); return pack<int16_t>(p.int32_data());
    case ElementType::u16: checked(p.int32_data_size(), "int32_data"); return pack<uint16_t>(p.int32_data());
    case ElementType::f16: case ElementType::bf16:
      checked(p.int32_data_size(), "int32_data");
      return pack<uint16_t>(p.int32_data());
    case ElementType::i8: checked(p.int32_data_size(), "int32_data"); return pack<int8_t>(p.int32_data());
    case ElementType::u8: case ElementType::f8e4m3: case ElementType::f8e5m2: case ElementType::f8e8m0:
      checked(p.int32_data_size(), "int32_data");  // float8 values travel as their bit patterns
      return pack<uint8_t>(p.int32_data());
    case ElementType::i4: case ElementType::u4: case ElementType::u2: case ElementType::f4e2m1: {
      // int32_data holds the packed bytes, one per value, as raw_data would.
      const size_t packed = byte_size(type, count);
      if (static_cast<size_t>(p.int32_data_size()) != packed)
        throw Error(label + ": has " + std::to_string(p.int32_data_size()) +
                    " packed bytes in int32_data but its shape needs " + std::to_string(packed));
      return pack<uint8_t>(p.int32_data());
    }
    case ElementType::boolean: {
      checked(p.int32_data_size(), "int32_data");
      std::vector<uint8_t> bytes;
      bytes.reserve(count);
      for (int32_t v : p.int32_data()) bytes.push_back(v != 0);
      return bytes;
    }
    default:
      throw Error(label + ": element type " + std::string(type_name(type)) + " has no typed field");
  }
}

void check_byte_count(size_t have, size_t needed, const char* source, const std::string& label) {
  if (have != needed)
    throw Error(label + ": " + source + " has " + std::to_string(have) + " bytes but its type and shape need " +
                std::to_string(needed));
}

}  // namespace

Tensor tensor_from_onnx(const onnx::TensorProto& proto, std::shared_ptr<const Buffer> mapped_raw_data,
                        ExternalData& external) {
  // Attribute tensors are usually unnamed; their errors get the node and attribute as context.
  const std::string label = proto.name().empty() ? std::string("tensor") : "tensor '" + proto.name() + "'";
  if (proto.has_segment()) throw Error(label + ": segmented tensors are not supported");
  std::optional<ElementType> type = element_type_from_onnx(proto.data_type());
  if (!type) throw Error(label + ": " + unsupported_type_message(proto.data_type()));

  Shape shape(proto.dims().begin(), proto.dims().end());
  size_t count = 0;
  try {
    count = element_count(shape);  // rejects negative dimensions and overflow
  } catch (const Error& e) {
    throw Error(label + ": " + e.what());
  }
  if (count > SIZE_MAX / 64)
    throw Error(label + ": byte size of shape " + shape_to_string(shape) + " overflows");
  const size_t needed = byte_size(*type, count);  // 4- and 2-bit types are packed, first element low
  check_limit(kMaxTensorElements, count, label);

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    auto bytes = external.load(proto, needed, label);
    check_byte_count(bytes->size(), needed, "external data", label);
    return Tensor(*type, std::move(shape), std::move(bytes));
  }
  if (mapped_raw_data) {
    check_byte_count(mapped_raw_data->size(), needed, "raw_data", label);
    return Tensor(*type, std::move(shape), std::move(mapped_raw_data));
  }
  if (proto.has_raw_data()) {
    check_byte_count(proto.raw_data().size(), needed, "raw_data", label);
    return Tensor::from_bytes(*type, std::move(shape),
                              std::vector<uint8_t>(proto.raw_data().begin(), proto.raw_data().end()));
  }
  return Tensor::from_bytes(*type, std::move(shape), typed_field_bytes(proto, *type, count, label));
}

}  // namespace remo::onnx_import
