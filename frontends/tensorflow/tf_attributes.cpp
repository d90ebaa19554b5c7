#include "frontends/tensorflow/tf_attributes.h"

#include <algorithm>
#include <vector>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_tensor.h"
#include "frontends/tensorflow/tf_types.h"

namespace remo::tf_import {
namespace {

ElementType element_type(int dtype) {
  // A variant (TensorList) or resource (TensorArray, variable) handle stands for whatever tensor
  // the rules make of it; its element type is decided by the translation.
  if (dtype == tensorflow::DT_VARIANT || dtype == tensorflow::DT_RESOURCE) return ElementType::dynamic;
  std::optional<ElementType> t = element_type_from_tf(dtype);
  if (!t) throw Error(tf_type_name(dtype) + " is not supported");
  return *t;
}

std::vector<int64_t> shape_dims(const tensorflow::TensorShapeProto& shape) {
  std::vector<int64_t> dims;
  for (const auto& d : shape.dim()) dims.push_back(d.size() < 0 ? kDynamicDim : d.size());
  return dims;
}

AttrValue convert_list(const tensorflow::AttrValue::ListValue& list) {
  if (list.s_size()) return std::vector<std::string>(list.s().begin(), list.s().end());
  if (list.i_size()) return std::vector<int64_t>(list.i().begin(), list.i().end());
  if (list.f_size()) return std::vector<double>(list.f().begin(), list.f().end());
  if (list.b_size()) return std::vector<int64_t>(list.b().begin(), list.b().end());
  if (list.type_size()) {
    std::vector<std::string> names;
    for (int t : list.type()) names.emplace_back(type_name(element_type(t)));
    return names;
  }
  if (list.shape_size()) throw Error("lists of shapes are not supported");
  if (list.tensor_size()) throw Error("lists of tensors are not supported");
  if (list.func_size()) throw Error("lists of functions are not supported");
  return std::vector<int64_t>{};
}

// Adds attribute `name` (and, for a function, its attributes) to `attrs`.
void convert(const std::string& name, tensorflow::AttrValue& value, Attributes& attrs) {
  switch (value.value_case()) {
    case tensorflow::AttrValue::kS: attrs[name] = value.s(); return;
    case tensorflow::AttrValue::kI: attrs[name] = static_cast<int64_t>(value.i()); return;
    case tensorflow::AttrValue::kF: attrs[name] = static_cast<double>(value.f()); return;
    case tensorflow::AttrValue::kB: attrs[name] = value.b(); return;
    case tensorflow::AttrValue::kType: attrs[name] = element_type(value.type()); return;
    case tensorflow::AttrValue::kShape:
      if (!value.shape().unknown_rank()) attrs[name] = shape_dims(value.shape());
      return;
    case tensorflow::AttrValue::kTensor: attrs[name] = tensor_from_tf(*value.mutable_tensor()); return;
    case tensorflow::AttrValue::kList: attrs[name] = convert_list(value.list()); return;
    case tensorflow::AttrValue::kFunc: {
      attrs[name] = value.func().name();
      // Sorted, so that which attribute fails first does not depend on the map's order.
      std::vector<std::string> keys;
      for (const auto& entry : value.func().attr()) keys.push_back(entry.first);
      std::sort(keys.begin(), keys.end());
      for (const std::string& key : keys)
        convert(name + ":" + key, value.mutable_func()->mutable_attr()->at(key), attrs);
      return;
    }
    case tensorflow::AttrValue::kPlaceholder:
      throw Error("is a function placeholder ('" + value.placeholder() + "'), allowed only in function bodies");
    case tensorflow::AttrValue::VALUE_NOT_SET: throw Error("has no value");
  }
  throw Error("has an unknown kind of value");
}

}  // namespace

Attributes convert_attributes(tensorflow::NodeDef& node) {
  std::vector<std::string> keys;
  for (const auto& entry : node.attr()) keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end());
  Attributes attrs;
  for (const std::string& key : keys) {
    if (key.empty()) throw Error("an attribute has no name");
    if (key.find(':') != std::string::npos)
      throw Error("attribute '" + key + "': names with ':' are reserved for function attributes");
    try {
      convert(key, node.mutable_attr()->at(key), attrs);
    } catch (const Error& e) {
      if (key[0] == '_') continue;  // TensorFlow's bookkeeping: never needed to translate
      throw Error("attribute '" + key + "': " + e.what());
    }
  }
  return attrs;
}

}  // namespace remo::tf_import
