#include "engine/rules/mo_config/subgraph_match.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "engine/graph/error.h"

namespace remo {
namespace {

// mo joins a description pattern to the scope with exactly one '/'.
std::string join_scope(const std::string& scope, const std::string& pattern) {
  if (scope.empty()) return pattern;
  return scope.back() == '/' ? scope + pattern : scope + "/" + pattern;
}

void finish(SubgraphMatch& m) { m.members.insert(m.nodes.begin(), m.nodes.end()); }

const Node* find_by_name(const Graph& g, const std::string& name) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && n->name == name) return n;
  return nullptr;
}

std::optional<NodeId> find_member(const Graph& g, const SubgraphMatch& m, const std::string& name) {
  for (NodeId id : m.nodes)
    if (g.at(id).name == name) return id;
  return std::nullopt;
}

}  // namespace

bool is_model_output(const Node& node) { return node.op() == "opset1.Result"; }
bool is_model_input(const Node& node) { return node.op() == "opset1.Parameter"; }

std::vector<NodeId> nodes_matching(const Graph& g, const PyRegex& pattern) {
  std::vector<NodeId> out;
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && !is_model_output(*n) && pattern.match(n->name)) out.push_back(id);
  return out;
}

std::optional<NodeId> SubgraphMatch::node_by_pattern(const Graph& g, const std::string& pattern) const {
  std::string joined = join_scope(scope, pattern);
  PyRegex re(joined);
  std::vector<std::string> found;
  std::optional<NodeId> hit;
  for (NodeId id : nodes) {
    const std::string& name = g.at(id).name;
    if (!re.match(name)) continue;
    found.push_back("'" + name + "'");
    hit = id;
  }
  if (found.size() > 1) {
    std::string list;
    for (size_t i = 0; i < found.size() && i < 5; ++i) list += (i ? ", " : "") + found[i];
    throw Error("pattern '" + joined + "' matches " + std::to_string(found.size()) +
                " nodes of the sub-graph (" + list + (found.size() > 5 ? ", ..." : "") + "); it must match one");
  }
  return hit;
}

std::optional<SubgraphMatch> match_scope_instance(const Graph& g, const MoConfigEntry& e, size_t instance) {
  // mo first checks that every input pattern names some node of the whole graph.
  for (const auto& group : e.inputs)
    for (const MoPortPattern& p : group) {
      PyRegex anywhere(".*" + p.node);
      bool exists = false;
      for (NodeId id = 0; id < g.id_limit() && !exists; ++id)
        if (const Node* n = g.node(id)) exists = anywhere.match(n->name);
      if (!exists) return std::nullopt;
    }
  SubgraphMatch m;
  m.scope = e.scopes.at(instance).pattern();
  m.nodes = nodes_matching(g, e.scopes[instance]);
  if (m.nodes.empty()) return std::nullopt;
  finish(m);
  for (const auto& group : e.inputs) {
    std::vector<Use> uses;
    for (const MoPortPattern& p : group)
      if (auto id = m.node_by_pattern(g, p.node)) uses.push_back(Use{*id, p.port});
    m.inputs.push_back(std::move(uses));
  }
  for (const MoPortPattern& p : e.outputs) {
    auto id = m.node_by_pattern(g, p.node);
    m.outputs.push_back(id ? Value{*id, p.port} : Value{});
  }
  return m;
}

std::optional<SubgraphMatch> match_points(const Graph& g, const MoConfigEntry& e) {
  for (const auto* list : {&e.start_points, &e.end_points})
    for (const std::string& name : *list)
      if (!find_by_name(g, name)) return std::nullopt;

  // The internal start/end nodes: the listed points, or their consumers / producers.
  std::vector<NodeId> starts, ends;
  auto add_unique = [](std::vector<NodeId>& v, NodeId id) {
    if (std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
  };
  for (const std::string& name : e.start_points) {
    const Node& n = *find_by_name(g, name);
    if (e.include_inputs) add_unique(starts, n.id());
    else
      for (uint32_t p = 0; p < n.outputs.size(); ++p)
        for (const Use& u : n.uses(p))
          if (!is_model_output(g.at(u.node))) add_unique(starts, u.node);
  }
  for (const std::string& name : e.end_points) {
    const Node& n = *find_by_name(g, name);
    if (e.include_outputs) add_unique(ends, n.id());
    else
      for (Value v : n.inputs())
        if (v.valid()) add_unique(ends, v.node);
  }
  std::unordered_set<NodeId> start_set(starts.begin(), starts.end()), end_set(ends.begin(), ends.end());

  // The closure: forward from every node but the ends, backward from every node but the starts.
  SubgraphMatch m;
  std::unordered_set<NodeId> visited(start_set);
  std::unordered_map<NodeId, NodeId> prev;  // how the walk reached a node, for the Parameter error
  std::deque<NodeId> queue(starts.begin(), starts.end());
  auto visit = [&](NodeId next, NodeId from) {
    if (visited.count(next) || is_model_output(g.at(next))) return;
    visited.insert(next);
    prev[next] = from;
    queue.push_back(next);
  };
  while (!queue.empty()) {
    NodeId cur = queue.front();
    queue.pop_front();
    m.nodes.push_back(cur);
    const Node& n = g.at(cur);
    if (!end_set.count(cur))
      for (uint32_t p = 0; p < n.outputs.size(); ++p)
        for (const Use& u : n.uses(p)) visit(u.node, cur);
    if (!start_set.count(cur))
      for (Value v : n.inputs())
        if (v.valid()) visit(v.node, cur);
  }

  // Every end point must be reachable forward from some start point.
  std::unordered_set<NodeId> reached;
  std::vector<NodeId> stack(starts.begin(), starts.end());
  while (!stack.empty()) {
    NodeId cur = stack.back();
    stack.pop_back();
    if (!reached.insert(cur).second) continue;
    const Node& n = g.at(cur);
    for (uint32_t p = 0; p < n.outputs.size(); ++p)
      for (const Use& u : n.uses(p)) stack.push_back(u.node);
  }
  for (NodeId end : ends)
    if (!reached.count(end)) {
      std::string names;
      for (NodeId s : starts) names += (names.empty() ? "" : ", ") + ("'" + g.at(s).name + "'");
      throw Error("end node '" + g.at(end).name + "' is not reachable from the start nodes " + names);
    }
  for (NodeId id : m.nodes)
    if (is_model_input(g.at(id))) {
      std::string path = "'" + g.at(id).name + "'";
      for (auto it = prev.find(id); it != prev.end(); it = prev.find(it->second)) path += " <- '" + g.at(it->second).name + "'";
      throw Error("the sub-graph between the points contains the model input '" + g.at(id).name +
                  "' (reached by " + path + "); choose start points after the model inputs");
    }
  finish(m);

  // Boundary: input i is start point i at port 0, output i is end point i at port 0 (resolved
  // among the matched nodes, as mo's "^name$" descriptions are).
  for (const std::string& name : e.start_points) {
    auto id = find_member(g, m, name);
    m.inputs.push_back(id ? std::vector<Use>{Use{*id, 0}} : std::vector<Use>{});
  }
  for (const std::string& name : e.end_points) {
    auto id = find_member(g, m, name);
    m.outputs.push_back(id ? Value{*id, 0} : Value{});
  }
  return m;
}

SubgraphMatch match_general(const Graph& g) {
  SubgraphMatch m;
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (g.node(id)) m.nodes.push_back(id);
  finish(m);
  return m;
}

}  // namespace remo
