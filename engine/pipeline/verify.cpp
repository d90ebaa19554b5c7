#include "engine/pipeline/verify.h"

#include <cmath>
#include <sstream>

#include "engine/graph/error.h"
#include "engine/passes/evaluate_graph.h"
#include "engine/pipeline/optimize.h"

namespace remo {
namespace {

struct Outputs {
  std::vector<std::string> names;  // of the Results, for messages
  std::vector<Tensor> values;
};

Outputs evaluate(const Graph& g, const std::map<std::string, Tensor>& inputs, const std::string& which) {
  Outputs out;
  for (NodeId id : g.results()) out.names.push_back(g.at(id).name);
  try {
    out.values = evaluate_graph(g, inputs);
  } catch (const Error& e) {
    throw Error("--verify: cannot evaluate the " + which + " graph: " + e.what());
  }
  return out;
}

// The first output that differs beyond tolerance, described; "" when all agree.
std::string first_difference(const Outputs& want, const Outputs& got, double tolerance) {
  if (want.values.size() != got.values.size())
    return "the number of outputs changed from " + std::to_string(want.values.size()) + " to " +
           std::to_string(got.values.size());
  for (size_t k = 0; k < want.values.size(); ++k) {
    const Tensor& a = want.values[k];
    const Tensor& b = got.values[k];
    const std::string name = "output '" + want.names[k] + "'";
    if (a.shape() != b.shape())
      return name + " changed shape from " + shape_to_string(a.shape()) + " to " + shape_to_string(b.shape());
    double worst = 0;
    size_t worst_at = 0;
    for (size_t i = 0; i < a.element_count(); ++i) {
      double x = read_as_double(a.type(), a.bytes(), i), y = read_as_double(b.type(), b.bytes(), i);
      if (std::isnan(x) && std::isnan(y)) continue;
      double excess = std::isnan(x) != std::isnan(y) ? INFINITY : std::abs(x - y) / std::max(1.0, std::abs(x));
      if (excess > worst) worst = excess, worst_at = i;
    }
    if (worst > tolerance) {
      std::ostringstream s;
      s << name << " element " << worst_at << " is " << read_as_double(b.type(), b.bytes(), worst_at)
        << ", was " << read_as_double(a.type(), a.bytes(), worst_at) << " (relative difference " << worst
        << ", tolerance " << tolerance << ")";
      return s.str();
    }
  }
  return "";
}

}  // namespace

std::string verify_rewrites(const std::function<std::unique_ptr<Graph>()>& translated, RuleSet& rules,
                            const VerifyOptions& options) {
  std::unique_ptr<Graph> before = translated();
  const std::map<std::string, Tensor> inputs = generated_inputs(*before);
  const Outputs want = evaluate(*before, inputs, "translated");
  before.reset();

  // Replays the conversion up to `allowed` steps; returns how the outputs differ ("" if not).
  StepLimit steps;
  auto run = [&](size_t allowed) {
    steps = StepLimit{};
    steps.allowed = allowed;
    RewriteOptions rewrite = options.rewrite;
    rewrite.steps = &steps;
    std::unique_ptr<Graph> g = translated();
    optimize_graph(*g, rules, rewrite);
    return first_difference(want, evaluate(*g, inputs, "rewritten"), options.tolerance);
  };
  std::string difference = run(SIZE_MAX);
  const size_t total = steps.taken;
  if (difference.empty())
    return "--verify: the outputs after all " + std::to_string(total) + " rewrite steps match the translated graph's";
  // Bisect: after `good` steps the outputs agree (none: the translated graph), after `bad` not.
  size_t good = 0, bad = total;
  while (bad - good > 1) {
    size_t mid = good + (bad - good) / 2;
    if (run(mid).empty()) good = mid;
    else bad = mid;
  }
  difference = run(bad);
  throw Error("--verify: step " + std::to_string(bad) + " of " + std::to_string(total) + ", " + steps.last +
              ", changed the model's outputs: " + difference);
}

}  // namespace remo
