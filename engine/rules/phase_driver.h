#pragma once
// The phase driver: applies the pattern rules (and Lua passes) of one phase until nothing changes.
// Rules are indexed by their root op and ordered by priority, then by before/after constraints;
// a worklist revisits only the nodes a rewrite touched. See docs/rules.md, "Pattern rules".
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/graph/graph.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/rule_trace.h"

namespace remo {

// Counts the steps of a conversion (each Lua pass run and each rule application) and stops it
// after `allowed` of them: --verify replays a conversion step by step to find the first one
// that changes the model's outputs. `last` describes the last step taken.
struct StepLimit {
  size_t allowed = SIZE_MAX;
  size_t taken = 0;
  std::string last;
  bool exhausted() const { return taken >= allowed; }
  void take(std::string description) {
    ++taken;
    last = std::move(description);
  }
};

struct RewriteOptions {
  size_t budget = 100000;
  class RuleTrace* trace = nullptr;
  StepLimit* steps = nullptr;  // none: no limit, nothing counted
};

// Applies the rules of `phase` ("front", "middle" or "back") until nothing changes, or until
// options.steps is exhausted.
void run_phase(Graph& graph, RuleSet& rules, const std::string& phase, const RewriteOptions& options);

// Why the pattern rule `rule` does (or does not) match with its first root at the node named
// `node`: the deepest partial match and the first failed predicate with its JSON path (or Lua
// line). Never changes the graph. Throws remo::Error if there is no pattern rule of that name.
std::string explain_rule(Graph& graph, RuleSet& rules, const std::string& rule, const std::string& node);

}  // namespace remo
