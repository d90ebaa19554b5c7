#include "frontends/paddle/pir_json.h"

#include <limits>
#include <map>

#include "engine/graph/error.h"

namespace remo::paddle_import {
namespace {

const std::string& kind_of(const Json& j, const std::string& what) {
  if (!j.is_object()) throw Error(what + " must be an object {\"#\": kind, \"D\": data}");
  const Json& id = field(j, "#", what);
  if (!id.is_string()) throw Error(what + ": its \"#\" must be a string");
  return id.get_ref<const std::string&>();
}

int64_t as_int(const Json& j, const std::string& what) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_boolean()) return j.get<bool>() ? 1 : 0;
  throw Error(what + " must be an integer");
}

double as_float(const Json& j, const std::string& what) {
  if (j.is_number()) return j.get<double>();
  // Non-finite floats are written as strings by some writers.
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan" || s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf" || s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-inf" || s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  throw Error(what + " must be a number");
}

AttrValue decode_array(const Json& data) {
  if (!data.is_array()) throw Error("a_array data must be a list");
  std::vector<AttrValue> items;
  for (const Json& item : data) {
    // An array of arrays has no attribute value; refusing it also bounds the recursion.
    if (kind_of(item, "an a_array element") == "0.a_array") throw Error("an a_array of arrays is not supported");
    std::optional<AttrValue> v = decode_attribute(item);
    if (!v) throw Error("an a_array holds an attribute kind that has no value");
    items.push_back(std::move(*v));
  }
  if (items.empty()) return std::vector<int64_t>{};
  if (std::holds_alternative<std::string>(items[0])) {
    std::vector<std::string> out;
    for (AttrValue& v : items) {
      if (!std::holds_alternative<std::string>(v)) throw Error("an a_array mixes strings with other kinds");
      out.push_back(std::get<std::string>(v));
    }
    return out;
  }
  bool integral = true;
  for (const AttrValue& v : items) {
    if (std::holds_alternative<double>(v)) integral = false;
    else if (!std::holds_alternative<int64_t>(v) && !std::holds_alternative<bool>(v))
      throw Error("an a_array element is neither a number, a bool nor a string");
  }
  if (integral) {
    std::vector<int64_t> out;
    for (const AttrValue& v : items)
      out.push_back(std::holds_alternative<bool>(v) ? int64_t{std::get<bool>(v)} : std::get<int64_t>(v));
    return out;
  }
  std::vector<double> out;
  for (const AttrValue& v : items) {
    if (auto* b = std::get_if<bool>(&v)) out.push_back(*b ? 1.0 : 0.0);
    else if (auto* i = std::get_if<int64_t>(&v)) out.push_back(static_cast<double>(*i));
    else out.push_back(std::get<double>(v));
  }
  return out;
}

}  // namespace

const Json& field(const Json& object, const char* key, const std::string& what) {
  if (!object.is_object()) throw Error(what + " must be a JSON object");
  auto it = object.find(key);
  if (it == object.end()) throw Error(what + " has no \"" + key + "\"");
  return *it;
}

std::optional<ElementType> element_type_from_pir(const std::string& kind) {
  static const std::map<std::string, ElementType> kTypes = {
      {"0.t_bool", ElementType::boolean}, {"0.t_i8", ElementType::i8},   {"0.t_ui8", ElementType::u8},
      {"0.t_i16", ElementType::i16},      {"0.t_i32", ElementType::i32}, {"0.t_i64", ElementType::i64},
      {"0.t_f16", ElementType::f16},      {"0.t_bf16", ElementType::bf16}, {"0.t_f32", ElementType::f32},
      {"0.t_f64", ElementType::f64}};
  auto it = kTypes.find(kind);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> vartype_code_of_dtype(const std::string& dtype) {
  // framework.proto's VarType.Type numbers.
  static const std::map<std::string, int64_t> kCodes = {
      {"bool", 0},     {"int16", 1},   {"int32", 2},  {"int64", 3},  {"float16", 4},
      {"float32", 5},  {"float64", 6}, {"uint8", 20}, {"int8", 21},  {"bfloat16", 22}};
  auto it = kCodes.find(dtype);
  if (it == kCodes.end()) return std::nullopt;
  return it->second;
}

std::optional<ElementType> element_type_of_dtype(const std::string& dtype) {
  static const std::map<std::string, ElementType> kTypes = {
      {"bool", ElementType::boolean}, {"int16", ElementType::i16},   {"int32", ElementType::i32},
      {"int64", ElementType::i64},    {"float16", ElementType::f16}, {"float32", ElementType::f32},
      {"float64", ElementType::f64},  {"uint8", ElementType::u8},    {"int8", ElementType::i8},
      {"bfloat16", ElementType::bf16}};
  auto it = kTypes.find(dtype);
  if (it == kTypes.end()) return std::nullopt;
  return it->second;
}

PirType decode_type(const Json& type) {
  const std::string& kind = kind_of(type, "a type");
  const Json& data = field(type, "D", "type '" + kind + "'");
  PirType out;
  if (kind == "0.t_vec") {
    if (!data.is_array()) throw Error("type 0.t_vec: its data must be a list of types");
    out.is_vector = true;
    for (const Json& t : data) {
      // Checked before decoding, so that nesting cannot recurse without bound.
      if (kind_of(t, "an element type of a 0.t_vec") == "0.t_vec")
        throw Error("type 0.t_vec: a vector of vectors is not supported");
      out.elements.push_back(decode_type(t));
    }
    return out;
  }
  if (kind != "0.t_dtensor")
    throw Error("type '" + kind + "' is not supported (only dense tensors and vectors of them)");
  if (!data.is_array() || data.size() < 2 || !data[1].is_array())
    throw Error("type 0.t_dtensor: its data must be [element type, dims, layout, LoD, offset]");
  const std::string& element = kind_of(data[0], "the element type of a 0.t_dtensor");
  std::optional<ElementType> e = element_type_from_pir(element);
  if (!e) throw Error("element type '" + element + "' is not supported");
  out.element = *e;
  for (const Json& d : data[1]) {
    const int64_t dim = as_int(d, "a tensor dimension");
    if (dim < -1) throw Error("tensor dimension " + std::to_string(dim) + " is negative");
    out.dims.push_back(dim < 0 ? kDynamicDim : dim);
  }
  return out;
}

std::optional<AttrValue> decode_attribute(const Json& attr) {
  const std::string& kind = kind_of(attr, "an attribute value");
  if (kind == "1.a_place") return std::nullopt;  // the device a value lives on: no meaning here
  const Json& data = field(attr, "D", "attribute value '" + kind + "'");
  const std::string what = "attribute value '" + kind + "'";
  if (kind == "0.a_i32" || kind == "0.a_i64" || kind == "0.a_index") return as_int(data, what);
  if (kind == "0.a_f32" || kind == "0.a_f64") return as_float(data, what);
  if (kind == "0.a_bool") {
    if (!data.is_boolean()) throw Error(what + " must be a bool");
    return data.get<bool>();
  }
  if (kind == "0.a_str" || kind == "1.a_layout") {
    if (!data.is_string()) throw Error(what + " must be a string");
    return data.get<std::string>();
  }
  if (kind == "1.a_dtype") {
    if (!data.is_string()) throw Error(what + " must be a string");
    // "Undefined(ALL_DTYPE)": no dtype given (sum's keeps its input's), the legacy -1.
    if (data.get<std::string>().rfind("Undefined", 0) == 0) return int64_t{-1};
    std::optional<int64_t> code = vartype_code_of_dtype(data.get<std::string>());
    if (!code) throw Error("dtype '" + data.get<std::string>() + "' is not supported");
    return *code;
  }
  if (kind == "1.a_scalar") {
    // [dtype name, value]; complex scalars carry two numbers and have no attribute value here.
    if (!data.is_array() || data.size() != 2 || !data[0].is_string())
      throw Error(what + " must be [dtype, value]");
    const std::string& dtype = data[0].get_ref<const std::string&>();
    if (dtype == "bool") {
      if (!data[1].is_boolean()) throw Error(what + ": a bool scalar must hold true or false");
      return data[1].get<bool>();
    }
    if (dtype == "float16" || dtype == "bfloat16")  // stored as the raw 16 bits
      throw Error(what + ": " + dtype + " scalars are not supported");
    if (dtype.rfind("float", 0) == 0) return as_float(data[1], what);
    if (!element_type_of_dtype(dtype) && dtype != "uint32" && dtype != "uint64")
      throw Error(what + ": scalar dtype '" + dtype + "' is not supported");
    return as_int(data[1], what);
  }
  if (kind == "1.a_intarray") {
    if (!data.is_array()) throw Error(what + " must be a list of integers");
    std::vector<int64_t> out;
    for (const Json& d : data) out.push_back(as_int(d, what + " element"));
    return out;
  }
  if (kind == "0.a_array") {
    try {
      return decode_array(data);
    } catch (const Error& e) {
      throw Error(what + ": " + e.what());
    }
  }
  throw Error("attribute kind '" + kind + "' is not supported");
}

}  // namespace remo::paddle_import
