#include "engine/pipeline/optimize.h"

#include "engine/passes/constant_folding.h"

namespace remo {

void optimize_graph(Graph& graph, RuleSet& rules, const RewriteOptions& options,
                    const std::function<void(const char*)>& before_phase) {
  StepLimit* steps = options.steps;
  for (const char* phase : {"front", "middle", "back"}) {
    if (before_phase) before_phase(phase);
    run_phase(graph, rules, phase, options);
    if (steps && steps->exhausted()) return;
    fold_constants(graph);
    graph.remove_dead_nodes();
    if (steps) steps->take(std::string("constant folding after the ") + phase + " phase");
  }
}

}  // namespace remo
