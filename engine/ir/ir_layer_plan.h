#pragma once
// Decides which nodes become IR layers, in which order (hence their ids), and how many input
// ports each has, checking on the way that every such node can be written.
#include <cstddef>
#include <unordered_map>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/ops/custom_ops.h"
#include "engine/ops/op_registry.h"

namespace remo {

struct IrLayer {
  const Node* node;
  const OpDef* def;
  // Inputs written as ports 0..input_count-1; trailing omitted optional inputs are not written.
  size_t input_count;
};

struct IrLayerPlan {
  // Layer id = index: Parameters in graph.parameters() order, then the other nodes that some
  // Result reaches in Graph::topological_order(), then Results in graph.results() order.
  std::vector<IrLayer> layers;
  std::unordered_map<NodeId, size_t> layer_of_node;

  // The output port id of `v` on its layer: outputs are numbered after the inputs.
  size_t output_port(Value v) const {
    return layers[layer_of_node.at(v.node)].input_count + v.port;
  }
};

// Throws remo::Error naming the node when a node to write is not an opset op known to
// OpRegistry (nor in `custom`, when given), has an omitted input followed by a present one, or
// is a Parameter that is not a model input.
IrLayerPlan plan_ir_layers(const Graph& graph, const CustomOpRegistry* custom = nullptr);

}  // namespace remo
