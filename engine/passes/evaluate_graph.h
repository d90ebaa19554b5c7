#pragma once
// Runs a graph of opset ops on given input values with the ops' reference evaluators (the
// ones constant folding uses). Slow and for small graphs only: rule tests check with it that a
// rewrite keeps the numbers.
#include <map>
#include <string>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

// The value each Result reads, in graph.results() order. `inputs` maps Parameter node names to
// their values. Throws remo::Error naming the node when an op has no reference evaluator or an
// input is missing.
std::vector<Tensor> evaluate_graph(const Graph& graph, const std::map<std::string, Tensor>& inputs);

}  // namespace remo
