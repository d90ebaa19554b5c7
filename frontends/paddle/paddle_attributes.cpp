#include "frontends/paddle/paddle_attributes.h"

#include "engine/graph/error.h"

namespace remo::paddle_import {
namespace {

using Attr = paddle_proto::OpDesc::Attr;
using ScalarProto = paddle_proto::Scalar;

void require(bool present, const char* field) {
  if (!present) throw Error(std::string("has no '") + field + "' value");
}

AttrValue scalar_value(const ScalarProto& s) {
  switch (s.type()) {
    case ScalarProto::BOOLEAN: require(s.has_b(), "b"); return s.b();
    case ScalarProto::LONG: require(s.has_i(), "i"); return static_cast<int64_t>(s.i());
    case ScalarProto::FLOAT64: require(s.has_r(), "r"); return s.r();
    default: throw Error("complex scalars are not supported");
  }
}

AttrValue scalars_value(const Attr& a) {
  bool integral = true;
  for (const ScalarProto& s : a.scalars()) {
    if (s.type() == ScalarProto::COMPLEX128) throw Error("complex scalars are not supported");
    if (s.type() == ScalarProto::FLOAT64) integral = false;
  }
  if (integral) {
    std::vector<int64_t> out;
    for (const ScalarProto& s : a.scalars()) {
      AttrValue v = scalar_value(s);
      out.push_back(std::holds_alternative<bool>(v) ? int64_t{std::get<bool>(v)} : std::get<int64_t>(v));
    }
    return out;
  }
  std::vector<double> out;
  for (const ScalarProto& s : a.scalars()) {
    AttrValue v = scalar_value(s);
    if (auto* b = std::get_if<bool>(&v)) out.push_back(*b ? 1.0 : 0.0);
    else if (auto* i = std::get_if<int64_t>(&v)) out.push_back(static_cast<double>(*i));
    else out.push_back(std::get<double>(v));
  }
  return out;
}

AttrValue convert(const Attr& a) {
  switch (a.type()) {
    case paddle_proto::INT: require(a.has_i(), "i"); return static_cast<int64_t>(a.i());
    case paddle_proto::LONG: require(a.has_l(), "l"); return static_cast<int64_t>(a.l());
    case paddle_proto::FLOAT: require(a.has_f(), "f"); return static_cast<double>(a.f());
    case paddle_proto::FLOAT64: require(a.has_float64(), "float64"); return a.float64();
    case paddle_proto::STRING: require(a.has_s(), "s"); return a.s();
    case paddle_proto::BOOLEAN: require(a.has_b(), "b"); return a.b();
    case paddle_proto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case paddle_proto::LONGS: return std::vector<int64_t>(a.longs().begin(), a.longs().end());
    case paddle_proto::BOOLEANS: return std::vector<int64_t>(a.bools().begin(), a.bools().end());
    case paddle_proto::FLOATS: return std::vector<double>(a.floats().begin(), a.floats().end());
    case paddle_proto::FLOAT64S: return std::vector<double>(a.float64s().begin(), a.float64s().end());
    case paddle_proto::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case paddle_proto::BLOCK: require(a.has_block_idx(), "block_idx"); return static_cast<int64_t>(a.block_idx());
    case paddle_proto::BLOCKS: return std::vector<int64_t>(a.blocks_idx().begin(), a.blocks_idx().end());
    case paddle_proto::VAR: require(a.has_var_name(), "var_name"); return a.var_name();
    case paddle_proto::VARS: return std::vector<std::string>(a.vars_name().begin(), a.vars_name().end());
    case paddle_proto::SCALAR: require(a.has_scalar(), "scalar"); return scalar_value(a.scalar());
    case paddle_proto::SCALARS: return scalars_value(a);
  }
  throw Error("has an unknown attribute type " + std::to_string(a.type()));
}

}  // namespace

Attributes convert_attributes(const paddle_proto::OpDesc& op) {
  Attributes attrs;
  for (const Attr& a : op.attrs()) {
    if (a.name() == "op_callstack") continue;
    if (a.name().empty()) throw Error("an attribute has no name");
    if (a.name().find(':') != std::string::npos)
      throw Error("attribute '" + a.name() + "': names with ':' are reserved for the reader's own");
    try {
      if (!attrs.emplace(a.name(), convert(a)).second) throw Error("appears twice");
    } catch (const Error& e) {
      throw Error("attribute '" + a.name() + "' " + e.what());
    }
  }
  return attrs;
}

}  // namespace remo::paddle_import
