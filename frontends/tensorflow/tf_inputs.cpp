#include "frontends/tensorflow/tf_inputs.h"

#include <algorithm>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo::tf_import {
namespace {

// The node an --input item names as a whole tensor: "node", or "node:0" (its first output).
Node* named_node(Graph& graph, const std::string& name) {
  if (Node* n = graph.find_node(name)) return n;
  if (name.size() > 2 && name.compare(name.size() - 2, 2, ":0") == 0)
    return graph.find_node(name.substr(0, name.size() - 2));
  return nullptr;
}

Attributes parameter_attrs(const Node& node) {
  auto dtype = node.attrs.find("dtype");
  if (dtype == node.attrs.end() || !std::holds_alternative<ElementType>(dtype->second))
    throw Error("node '" + node.name + "' (tf.PlaceholderWithDefault) has no dtype attribute");
  auto shape = node.attrs.find("shape");
  if (shape == node.attrs.end() || !std::holds_alternative<std::vector<int64_t>>(shape->second))
    return {{"element_type", dtype->second}, {"dynamic_rank", true}};
  return {{"element_type", dtype->second}, {"shape", shape->second}};
}

}  // namespace

size_t feed_named_defaults(Graph& graph, const std::vector<std::string>& input_names) {
  size_t fed = 0;
  for (const std::string& name : input_names) {
    Node* node = named_node(graph, name);
    if (!node || node->op() != "tf.PlaceholderWithDefault") continue;
    const NodeId old_id = node->id();
    const std::string node_name = node->name;
    Node& param = make_op(graph, "opset1.Parameter", {}, parameter_attrs(*node), graph.unique_name(node_name + "/fed"));
    // Every reader of the default now reads the input, which takes the tensor names too.
    graph.replace_uses(Value{old_id, 0}, param.output(), /*move_names=*/true);
    graph.remove_node(old_id);
    graph.remove_dead_nodes();  // the default's own sub-graph, unless something else reads it
    graph.rename(param.id(), node_name);
    ++fed;
  }
  return fed;
}

}  // namespace remo::tf_import
