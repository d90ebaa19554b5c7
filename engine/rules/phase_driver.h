#pragma once
// The phase driver: applies the pattern rules (and Lua passes) of one phase until nothing changes.
// Rules are indexed by their root op and ordered by priority, then by before/after constraints;
// a worklist revisits only the nodes a rewrite touched. See docs/rules.md, "Pattern rules".
#include <cstddef>
#include <string>

#include "engine/graph/graph.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/rule_trace.h"

namespace remo {

struct RewriteOptions { size_t budget = 100000; class RuleTrace* trace = nullptr; };

// Applies the rules of `phase` ("front", "middle" or "back") until nothing changes.
void run_phase(Graph& graph, RuleSet& rules, const std::string& phase, const RewriteOptions& options);

// Why the pattern rule `rule` does (or does not) match with its first root at the node named
// `node`: the deepest partial match and the first failed predicate with its JSON path (or Lua
// line). Never changes the graph. Throws remo::Error if there is no pattern rule of that name.
std::string explain_rule(Graph& graph, RuleSet& rules, const std::string& rule, const std::string& node);

}  // namespace remo
