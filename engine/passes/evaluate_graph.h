#pragma once
// Runs a graph of opset ops on given input values with the ops' reference evaluators (the
// ones constant folding uses). Slow and for small graphs only: rule tests check with it that a
// rewrite keeps the numbers.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

// The value each Result reads, in graph.results() order. `inputs` maps Parameter node names to
// their values. Throws remo::Error naming the node when an op has no reference evaluator or an
// input is missing.
std::vector<Tensor> evaluate_graph(const Graph& graph, const std::map<std::string, Tensor>& inputs);

// The next value of a fixed pseudo-random sequence (the same on every run), for `type`: floats
// in [-2, 2] in steps of 0.002, integers in [-5, 5], booleans 0 or 1.
double next_test_value(uint32_t& state, ElementType type);

// A value for every Parameter of `graph` from next_test_value, keyed by Parameter name. Throws
// remo::Error naming the input whose shape is not static.
std::map<std::string, Tensor> generated_inputs(const Graph& graph);

}  // namespace remo
