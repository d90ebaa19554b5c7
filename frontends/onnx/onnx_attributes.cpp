#include "frontends/onnx/onnx_attributes.h"

#include <google/protobuf/unknown_field_set.h>

#include "engine/graph/error.h"
#include "frontends/onnx/onnx_limits.h"
#include "frontends/onnx/onnx_tensor.h"

namespace remo::onnx_import {
namespace {

using AttrProto = onnx::AttributeProto;

// IR version 1 files have no `type` field; the kind is whichever value field is set.
AttrProto::AttributeType kind_of(const AttrProto& a) {
  if (a.type() != AttrProto::UNDEFINED) return a.type();
  // A type number this onnx version does not know lands among the unknown fields (field 20);
  // guessing the kind from the value fields would silently read it as something else.
  const google::protobuf::UnknownFieldSet& unknown = a.unknown_fields();
  for (int i = 0; i < unknown.field_count(); ++i)
    if (unknown.field(i).number() == AttrProto::kTypeFieldNumber &&
        unknown.field(i).type() == google::protobuf::UnknownField::TYPE_VARINT)
      throw Error("unknown attribute type " + std::to_string(unknown.field(i).varint()) +
                  " (expected one of onnx.AttributeProto.AttributeType: FLOAT, INT, STRING, TENSOR, GRAPH, ...)");
  if (a.has_f()) return AttrProto::FLOAT;
  if (a.has_i()) return AttrProto::INT;
  if (a.has_s()) return AttrProto::STRING;
  if (a.has_t()) return AttrProto::TENSOR;
  if (a.has_g()) return AttrProto::GRAPH;
  if (a.has_sparse_tensor()) return AttrProto::SPARSE_TENSOR;
  if (a.has_tp()) return AttrProto::TYPE_PROTO;
  if (a.floats_size()) return AttrProto::FLOATS;
  if (a.ints_size()) return AttrProto::INTS;
  if (a.strings_size()) return AttrProto::STRINGS;
  if (a.tensors_size()) return AttrProto::TENSORS;
  if (a.graphs_size()) return AttrProto::GRAPHS;
  if (a.sparse_tensors_size()) return AttrProto::SPARSE_TENSORS;
  if (a.type_protos_size()) return AttrProto::TYPE_PROTOS;
  return AttrProto::UNDEFINED;
}

void add(Attributes& attrs, const std::string& key, AttrValue value) {
  if (!attrs.emplace(key, std::move(value)).second)
    throw Error("the node has two attributes named '" + key + "'");
}

// Adds the value of `a` (and, for graphs, the captured names) to `attrs`.
void convert(const AttrProto& a, ExternalData& external, const SubgraphReader& read_subgraph,
             Attributes& attrs) {
  if (!a.ref_attr_name().empty())
    throw Error("refers to function attribute '" + a.ref_attr_name() +
                "', which is only allowed inside function bodies");
  switch (kind_of(a)) {
    case AttrProto::FLOAT: return add(attrs, a.name(), static_cast<double>(a.f()));
    case AttrProto::INT: return add(attrs, a.name(), a.i());
    case AttrProto::STRING: check_string(a.s(), "string value"); return add(attrs, a.name(), a.s());
    case AttrProto::FLOATS:
      return add(attrs, a.name(), std::vector<double>(a.floats().begin(), a.floats().end()));
    case AttrProto::INTS:
      return add(attrs, a.name(), std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case AttrProto::STRINGS:
      for (const std::string& text : a.strings()) check_string(text, "string value");
      return add(attrs, a.name(), std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case AttrProto::TENSOR: return add(attrs, a.name(), tensor_from_onnx(a.t(), nullptr, external));
    case AttrProto::GRAPH: {
      std::vector<std::string> captures;
      add(attrs, a.name(), read_subgraph(a.g(), captures));
      return add(attrs, a.name() + kCapturesSuffix, std::move(captures));
    }
    case AttrProto::GRAPHS: {
      std::vector<GraphPtr> graphs;
      for (int i = 0; i < a.graphs_size(); ++i) {
        std::vector<std::string> captures;
        graphs.push_back(read_subgraph(a.graphs(i), captures));
        add(attrs, a.name() + ":" + std::to_string(i) + kCapturesSuffix, std::move(captures));
      }
      return add(attrs, a.name(), std::move(graphs));
    }
    case AttrProto::SPARSE_TENSOR: case AttrProto::SPARSE_TENSORS:
      throw Error("sparse tensor attributes are not supported");
    case AttrProto::TYPE_PROTO: case AttrProto::TYPE_PROTOS:
      throw Error("type attributes are not supported");
    case AttrProto::TENSORS:
      throw Error("tensor list attributes are not supported");
    default:
      throw Error("has no value (attribute type " + std::to_string(a.type()) + ")");
  }
}

}  // namespace

Attributes convert_attributes(const onnx::NodeProto& node, ExternalData& external,
                              const SubgraphReader& read_subgraph) {
  Attributes attrs;
  for (const AttrProto& a : node.attribute()) {
    if (a.name().empty()) throw Error("an attribute has no name");
    check_string(a.name(), "attribute name");
    // The reader adds these itself; one coming from the file would be taken for a capture list.
    if (a.name().find(':') != std::string::npos)
      throw Error("attribute '" + a.name() + "': names with ':' are reserved for capture lists");
    try {
      convert(a, external, read_subgraph, attrs);
    } catch (const Error& e) {
      throw Error("attribute '" + a.name() + "': " + e.what());
    }
  }
  return attrs;
}

}  // namespace remo::onnx_import
