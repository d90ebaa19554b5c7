#pragma once
// Graph edits shared by the config replacers (Lua and the `op` shortcut).
#include <unordered_set>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

// Makes every consumer of `from` except those in `keep` read `to`, and moves the tensor names of
// `from` to `to`. Skipping the replacement's own nodes lets a replacer wrap the old value
// (to = f(from)) without creating a cycle.
void rewire_uses(Graph& graph, Value from, Value to, const std::unordered_set<NodeId>& keep);
// Removes each seed that no longer has consumers, then its producers that became unused, and so
// on. Model inputs and outputs are never removed.
void remove_unused_from(Graph& graph, const std::vector<NodeId>& seeds);

}  // namespace remo
