#pragma once
// The rewriting half of a conversion, after translation: the front, middle and back phases of
// the rules, each followed by constant folding and dead-node removal.
#include <functional>

#include "engine/graph/graph.h"
#include "engine/rules/phase_driver.h"
#include "engine/rules/rule_set.h"

namespace remo {

// Stops early, leaving the graph as it is, when options.steps runs out (each folding counts as a
// step too). `before_phase`, when given, is called with each phase's name (progress reports).
void optimize_graph(Graph& graph, RuleSet& rules, const RewriteOptions& options,
                    const std::function<void(const char*)>& before_phase = {});

}  // namespace remo
