#include "frontends/tensorflow/tf_layout.h"

#include "engine/ops/op_registry.h"

namespace remo::tf_import {

size_t make_inputs_nchw(Graph& graph) {
  size_t changed = 0;
  for (NodeId id : graph.parameters()) {
    Node& param = graph.at(id);
    if (param.attrs.count("dynamic_rank") && std::get<bool>(param.attrs.at("dynamic_rank"))) continue;
    auto& dims = std::get<std::vector<int64_t>>(param.attrs.at("shape"));
    if (dims.size() != 4) continue;
    const std::vector<Use> uses = param.uses(0);
    dims = {dims[0], dims[3], dims[1], dims[2]};
    infer_node(graph, param);
    Node& order = make_op(graph, "opset1.Constant", {},
                          {{"value", Tensor::from_values<int64_t>(ElementType::i64, {4}, {0, 2, 3, 1})}},
                          graph.unique_name(param.name + "/to_nhwc/order"));
    Node& to_nhwc = make_op(graph, "opset1.Transpose", {param.output(), order.output()}, {},
                            graph.unique_name(param.name + "/to_nhwc"));
    for (const Use& use : uses) graph.set_input(use.node, use.port, to_nhwc.output());
    ++changed;
  }
  return changed;
}

}  // namespace remo::tf_import
