#pragma once
// Reference evaluators of If-8, Loop-5 and TensorIterator-1: they run the bodies with
// evaluate_graph, so constant folding and rule tests can compute through them. A Loop that runs
// more than 2^16 iterations returns no outputs: it declines, and stays in the graph.
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

std::vector<Tensor> evaluate_if(const Node& node, const std::vector<Tensor>& inputs);
std::vector<Tensor> evaluate_loop(const Node& node, const std::vector<Tensor>& inputs);
std::vector<Tensor> evaluate_tensor_iterator(const Node& node, const std::vector<Tensor>& inputs);

}  // namespace remo
