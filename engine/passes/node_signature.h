#pragma once
// What makes two nodes compute the same thing: used by the common-subexpression pass
// (rules/middle/common_subexpressions.lua, through node:signature()).
#include <optional>
#include <string>

#include "engine/graph/graph.h"

namespace remo {

// A text equal for two nodes exactly when they have the same op, the same attributes (constant
// tensors compared by type, shape and content) and the same inputs. nullopt for nodes that must
// never be merged: Parameters, Results, and nodes owning sub-graphs.
std::optional<std::string> node_signature(const Graph& g, NodeId id);

}  // namespace remo
