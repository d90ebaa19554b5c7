#pragma once
// The front phase: every framework op of a graph becomes opset ops through the translations of
// a RuleSet, in topological order, so each translation sees typed, shaped inputs.
#include "engine/graph/graph.h"
#include "engine/rules/rule_set.h"

namespace remo {

// Throws remo::Error listing every framework op without a usable translation (all at once,
// with a hint on adding one), or naming the node and rule whose translation failed.
void translate_graph(Graph& graph, RuleSet& rules);

}  // namespace remo
