#pragma once
// --verify: checks that the rewrites after translation keep the model's outputs. The translated
// graph and the optimized one run on the same generated inputs with the reference evaluators; if
// their outputs differ, the conversion is replayed step by step (bisecting over rule
// applications, Lua passes and foldings) to name the first step that changed them.
#include <functional>
#include <memory>
#include <string>

#include "engine/graph/graph.h"
#include "engine/rules/phase_driver.h"
#include "engine/rules/rule_set.h"

namespace remo {

struct VerifyOptions {
  double tolerance = 1e-4;  // |got - want| <= tolerance * max(1, |want|)
  RewriteOptions rewrite;   // as the conversion uses them (steps is set by the verifier)
};

// `translated` returns a fresh graph, read and translated exactly as the conversion does, each
// time it is called. Returns a one-line summary when the outputs agree; throws remo::Error
// naming the first step that changed an output (and by how much) when they do not, or saying
// why the graph cannot be evaluated.
std::string verify_rewrites(const std::function<std::unique_ptr<Graph>()>& translated, RuleSet& rules,
                            const VerifyOptions& options);

}  // namespace remo
