#pragma once
// Sub-graph selection for mo transformations-config entries, with mo's semantics
// (front/subgraph_matcher.py, utils/graph.py::sub_graph_between_nodes):
//  - scope: one match per instance regex: every node whose name re.match()es it. Before that,
//    every `inputs` pattern must match some node as '.*' + pattern, else the instance is skipped.
//    Boundary patterns are joined to the scope with '/' and looked up among the matched nodes.
//  - points: the closure between start and end points (forward from the starts, stopping at the
//    ends; backward from every non-start node); all end points reachable; no Parameter inside.
//    Sub-graph input i is start_points[i] at port 0, output i is end_points[i] at port 0.
//  - general: the whole graph, no boundary.
// Model outputs (opset1.Result nodes) never belong to a sub-graph: they are the consumers that
// replaced outputs are rewired to.
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/rules/mo_config/mo_config.h"

namespace remo {

struct SubgraphMatch {
  std::string scope;          // the scope instance regex; empty for points and general
  std::vector<NodeId> nodes;  // scope: graph order; points: the closure's visiting order
  // inputs[i]: the consumers inside the sub-graph of external input i, as described; empty when
  // no description item resolved. outputs[i]: the producer of output i, invalid if unresolved.
  std::vector<std::vector<Use>> inputs;
  std::vector<Value> outputs;
  std::unordered_set<NodeId> members;

  bool contains(NodeId id) const { return members.count(id) != 0; }
  // mo's SubgraphMatch.node_by_pattern: the matched node whose name re.match()es the scope
  // joined with `pattern`; nullopt if none; throws remo::Error if several do.
  std::optional<NodeId> node_by_pattern(const Graph& graph, const std::string& pattern) const;
};

// The match of scope instance `instance` of `entry`, or nullopt when mo would skip it.
std::optional<SubgraphMatch> match_scope_instance(const Graph& graph, const MoConfigEntry& entry, size_t instance);
// The match of a points entry, or nullopt when a start or end point is missing. Throws
// remo::Error for an unreachable end point or a Parameter inside (mo's errors).
std::optional<SubgraphMatch> match_points(const Graph& graph, const MoConfigEntry& entry);
// A general entry's "match": every live node.
SubgraphMatch match_general(const Graph& graph);

// Nodes whose name re.match()es `pattern`, model outputs excluded, in graph order.
std::vector<NodeId> nodes_matching(const Graph& graph, const PyRegex& pattern);
bool is_model_output(const Node& node);
bool is_model_input(const Node& node);

}  // namespace remo
