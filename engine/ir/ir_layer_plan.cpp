#include "engine/ir/ir_layer_plan.h"

#include "engine/graph/error.h"

namespace remo {
namespace {

constexpr const char* kParameter = "opset1.Parameter";
constexpr const char* kResult = "opset1.Result";

std::string label(const Node& node) { return "node '" + node.name + "' (" + node.op() + ")"; }

// Nodes some Result depends on; the IR reader would drop the others anyway.
std::vector<bool> reached_from_results(const Graph& graph) {
  std::vector<bool> reached(graph.id_limit(), false);
  std::vector<NodeId> stack(graph.results().begin(), graph.results().end());
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    if (reached[id]) continue;
    reached[id] = true;
    for (const Value& v : graph.at(id).inputs())
      if (v.valid() && !reached[v.node]) stack.push_back(v.node);
  }
  return reached;
}

void add_layer(IrLayerPlan& plan, const Node& node, const CustomOpRegistry* custom = nullptr) {
  const OpDef* def = find_op(node.op(), custom);
  if (!def) throw Error(label(node) + " is not an OpenVINO opset op");
  check(!plan.layer_of_node.count(node.id()), label(node) + " is listed twice as a model input");
  // Input ports are positional: the IR can leave out trailing inputs but cannot express a gap.
  size_t count = node.inputs().size();
  while (count > 0 && !node.input(count - 1).valid()) --count;
  for (size_t i = 0; i < count; ++i)
    if (!node.input(i).valid())
      throw Error(label(node) + ": input " + std::to_string(i) +
                  " is omitted but a later input is set, which the IR cannot express");
  check(count >= def->min_inputs, label(node) + ": has " + std::to_string(count) +
                                      " inputs, needs at least " + std::to_string(def->min_inputs));
  plan.layer_of_node.emplace(node.id(), plan.layers.size());
  plan.layers.push_back(IrLayer{&node, def, count});
}

}  // namespace

IrLayerPlan plan_ir_layers(const Graph& graph, const CustomOpRegistry* custom) {
  IrLayerPlan plan;
  for (NodeId id : graph.parameters()) {
    const Node& node = graph.at(id);
    check(node.op() == kParameter, label(node) + " is listed as a model input but is not a Parameter");
    add_layer(plan, node);
  }
  std::vector<bool> reached = reached_from_results(graph);
  for (NodeId id : graph.topological_order()) {
    const Node& node = graph.at(id);
    if (!reached[id] || node.op() == kResult) continue;
    if (node.op() == kParameter) {
      check(plan.layer_of_node.count(id) != 0,
            label(node) + " feeds a model output but is not one of the model inputs");
      continue;
    }
    add_layer(plan, node, custom);
  }
  for (NodeId id : graph.results()) add_layer(plan, graph.at(id));
  return plan;
}

}  // namespace remo
