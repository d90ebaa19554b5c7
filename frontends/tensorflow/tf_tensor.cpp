#include "frontends/tensorflow/tf_tensor.h"

#include <cstring>
#include <vector>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_types.h"

namespace remo::tf_import {
namespace {

// Bytes taken over from a protobuf string, so a large tensor_content is never copied.
class StringBuffer final : public Buffer {
 public:
  explicit StringBuffer(std::string bytes) : bytes_(std::move(bytes)) {}
  const uint8_t* data() const override { return reinterpret_cast<const uint8_t*>(bytes_.data()); }
  size_t size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
};

// Packs `count` elements as `Stored` from `values`: an empty field means zeros, a short one is
// padded with its last value, a long one is an error.
template <typename Stored, typename Field>
std::vector<uint8_t> pack(const Field& values, size_t count, const char* field) {
  const size_t have = static_cast<size_t>(values.size());
  if (have > count)
    throw Error("has " + std::to_string(have) + " values in " + field + " but its shape needs " +
                std::to_string(count));
  std::vector<uint8_t> bytes(count * sizeof(Stored), 0);
  for (size_t i = 0; i < count && have > 0; ++i) {
    const Stored stored = static_cast<Stored>(values[static_cast<int>(i < have ? i : have - 1)]);
    std::memcpy(bytes.data() + i * sizeof(Stored), &stored, sizeof(Stored));
  }
  return bytes;
}

std::vector<uint8_t> typed_values(const tensorflow::TensorProto& p, ElementType type, size_t count) {
  switch (type) {
    case ElementType::f32: return pack<float>(p.float_val(), count, "float_val");
    case ElementType::f64: return pack<double>(p.double_val(), count, "double_val");
    case ElementType::f16: case ElementType::bf16: return pack<uint16_t>(p.half_val(), count, "half_val");
    case ElementType::i32: return pack<int32_t>(p.int_val(), count, "int_val");
    case ElementType::i16: return pack<int16_t>(p.int_val(), count, "int_val");
    case ElementType::u16: return pack<uint16_t>(p.int_val(), count, "int_val");
    case ElementType::i8: return pack<int8_t>(p.int_val(), count, "int_val");
    case ElementType::u8: return pack<uint8_t>(p.int_val(), count, "int_val");
    case ElementType::i64: return pack<int64_t>(p.int64_val(), count, "int64_val");
    case ElementType::u32: return pack<uint32_t>(p.uint32_val(), count, "uint32_val");
    case ElementType::u64: return pack<uint64_t>(p.uint64_val(), count, "uint64_val");
    case ElementType::boolean: return pack<uint8_t>(p.bool_val(), count, "bool_val");
    default:
      throw Error("element type " + std::string(type_name(type)) + " is not supported in tensors");
  }
}

}  // namespace

Shape static_shape_from_tf(const tensorflow::TensorShapeProto& shape) {
  if (shape.unknown_rank()) throw Error("has a shape of unknown rank");
  Shape dims;
  for (const auto& d : shape.dim()) {
    if (d.size() < 0) throw Error("has an unknown dimension in its shape");
    dims.push_back(d.size());
  }
  return dims;
}

Tensor tensor_from_tf(tensorflow::TensorProto& proto) {
  std::optional<ElementType> type = element_type_from_tf(proto.dtype());
  if (!type || *type == ElementType::string || *type == ElementType::i4 || *type == ElementType::u4)
    throw Error("tensor of " + tf_type_name(proto.dtype()) + " is not supported");
  Shape shape = static_shape_from_tf(proto.tensor_shape());
  const size_t count = element_count(shape);  // rejects overflow
  const size_t element_bytes = bit_width(*type) / 8;
  if (element_bytes && count > SIZE_MAX / element_bytes)
    throw Error("byte size of shape " + shape_to_string(shape) + " overflows");
  const size_t needed = count * element_bytes;
  if (!proto.tensor_content().empty()) {
    if (proto.tensor_content().size() != needed)
      throw Error("tensor_content has " + std::to_string(proto.tensor_content().size()) +
                  " bytes but its type and shape " + shape_to_string(shape) + " need " + std::to_string(needed));
    auto bytes = std::make_shared<StringBuffer>(std::move(*proto.mutable_tensor_content()));
    proto.clear_tensor_content();
    return Tensor(*type, std::move(shape), std::move(bytes));
  }
  return Tensor::from_bytes(*type, std::move(shape), typed_values(proto, *type, count));
}

}  // namespace remo::tf_import
