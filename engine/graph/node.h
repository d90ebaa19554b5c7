#pragma once
// Node: one operation in a Graph. Its op is a qualified name: "onnx.Conv", "opset1.Convolution",
// or a custom "myext.MyLayer". Inputs refer to outputs of other nodes; outputs carry the inferred
// element type, shape and tensor names.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "engine/graph/attribute.h"
#include "engine/graph/shape.h"

namespace remo {

using NodeId = uint32_t;
constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();

// One output of one node. An invalid Value stands for an omitted optional input.
struct Value {
  NodeId node = kNoNode;
  uint32_t port = 0;
  bool valid() const { return node != kNoNode; }
  auto operator<=>(const Value&) const = default;
};

// One consumer of a Value: input `port` of `node`.
struct Use {
  NodeId node;
  uint32_t port;
  auto operator<=>(const Use&) const = default;
};

struct OutputInfo {
  ElementType type = ElementType::dynamic;
  PartialShape shape = PartialShape::dynamic_rank();
  std::vector<std::string> names;  // tensor names, kept sorted and unique
};

class Node {
 public:
  NodeId id() const { return id_; }
  const std::string& op() const { return op_; }
  // "onnx" for "onnx.Conv"; the part before the last dot.
  std::string domain() const;
  // "Conv" for "onnx.Conv"; the part after the last dot.
  std::string type() const;

  std::string name;
  Attributes attrs;
  std::vector<OutputInfo> outputs;
  // Names of the source-model nodes this node stands for (IR rt_info fused_names).
  std::vector<std::string> fused_names;
  // The rule that created this node; empty for nodes made by a frontend.
  std::string created_by;
  // Runtime info written to the IR besides fused_names: "decompression" -> "" marks a Convert
  // that decompresses an f16 weight; "layout" -> "[N,C,H,W]" is the layout of output 0 (a model
  // input's, or a model output's on its producer), "layout:K" that of output K.
  std::map<std::string, std::string> rt_info;

  const std::vector<Value>& inputs() const { return inputs_; }
  Value input(size_t i) const { return i < inputs_.size() ? inputs_[i] : Value{}; }
  Value output(uint32_t port = 0) const { return Value{id_, port}; }
  // Consumers of output `port`, in the order they were connected.
  const std::vector<Use>& uses(uint32_t port) const { return uses_[port]; }

  // Attribute lookup; throws remo::Error naming the node if missing or of another kind.
  template <typename T>
  const T& attr(const std::string& key) const;
  template <typename T>
  T attr_or(const std::string& key, T fallback) const {
    auto it = attrs.find(key);
    if (it == attrs.end()) return fallback;
    return attr<T>(key);
  }
  bool has_attr(const std::string& key) const { return attrs.count(key) != 0; }

 private:
  friend class Graph;
  NodeId id_ = kNoNode;
  std::string op_;
  std::vector<Value> inputs_;
  std::vector<std::vector<Use>> uses_;
};

[[noreturn]] void throw_attr_error(const Node& node, const std::string& key, const char* wanted);

template <typename T>
const T& Node::attr(const std::string& key) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) throw_attr_error(*this, key, nullptr);
  if (const T* v = std::get_if<T>(&it->second)) return *v;
  throw_attr_error(*this, key, attr_kind_name(AttrValue(T{})));
}

}  // namespace remo
