#include "engine/rules/mo_config/rewire.h"

#include <algorithm>

namespace remo {

void rewire_uses(Graph& g, Value from, Value to, const std::unordered_set<NodeId>& keep) {
  if (from == to) return;
  std::vector<Use> uses = g.at(from.node).uses(from.port);
  for (const Use& u : uses)
    if (!keep.count(u.node)) g.set_input(u.node, u.port, to);
  auto& from_names = g.at(from.node).outputs[from.port].names;
  auto& to_names = g.at(to.node).outputs.at(to.port).names;
  to_names.insert(to_names.end(), from_names.begin(), from_names.end());
  std::sort(to_names.begin(), to_names.end());
  to_names.erase(std::unique(to_names.begin(), to_names.end()), to_names.end());
  from_names.clear();
}

void remove_unused_from(Graph& g, const std::vector<NodeId>& seeds) {
  std::vector<NodeId> work(seeds.rbegin(), seeds.rend());
  while (!work.empty()) {
    NodeId id = work.back();
    work.pop_back();
    const Node* n = g.node(id);
    if (!n || n->op() == "opset1.Parameter" || n->op() == "opset1.Result") continue;
    bool used = false;
    for (uint32_t p = 0; p < n->outputs.size() && !used; ++p) used = !n->uses(p).empty();
    if (used) continue;
    std::vector<Value> inputs = n->inputs();
    g.remove_node(id);
    for (Value v : inputs)
      if (v.valid()) work.push_back(v.node);
  }
}

}  // namespace remo
