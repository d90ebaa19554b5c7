#include "frontends/tensorflow/tf_inputs.h"

#include <algorithm>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo::tf_import {
namespace {

// Whether an --input item names a whole tensor of a node, "node" or "node:0" (its first output),
// rather than an input port or another output.
bool names_a_node(const InputSpec& input) { return !input.input_port && input.output_port.value_or(0) == 0; }

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

bool names_a_placeholder(const Graph& graph, const InputSpec& input) {
  if (!names_a_node(input)) return false;
  for (NodeId id : graph.parameters())
    if (graph.at(id).name == input.name) return true;
  return false;
}

size_t feed_named_defaults(Graph& graph, const std::vector<InputSpec>& inputs) {
  size_t fed = 0;
  for (const InputSpec& input : inputs) {
    const Node* node = names_a_node(input) ? graph.find_node(input.name) : nullptr;
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
