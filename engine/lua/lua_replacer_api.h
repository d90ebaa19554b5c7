#pragma once
// remo.replacer(id, fn): the sub-graph replacers that mo transformations configs name by `id`
// (docs/transformations-config.md), and the `match` object a replacer receives.
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/lua/sandbox.h"
#include "engine/rules/mo_config/mo_config.h"
#include "engine/rules/mo_config/subgraph_match.h"

namespace remo {

// install_lua_replacer_api (declared in lua_api.h) adds remo.replacer to the `remo` table.

// Where the replacer registered under `id` was defined ("scripts/replacers/x.lua:3"), or
// nullopt. A later registration of the same id replaces an earlier one.
std::optional<std::string> find_lua_replacer(LuaSandbox& sandbox, const std::string& id);

// What the replacer asked for one sub-graph output: nil keeps it, a Value replaces it, false
// drops it (its model outputs go away).
enum class OutputAction { keep, replace, drop };
struct ReplacerOutput {
  OutputAction action = OutputAction::keep;
  Value value;
};

struct ReplacerResult {
  std::vector<ReplacerOutput> outputs;  // one per sub-graph output
  std::vector<NodeId> created;          // nodes the replacer made, in order
};

// Calls the replacer registered for entry.id on one match. Throws remo::Error carrying the
// script position ("scripts/replacers/x.lua:7: ...") when it fails.
ReplacerResult run_lua_replacer(LuaSandbox& sandbox, Graph& graph, const MoConfigEntry& entry,
                                const SubgraphMatch& match, const std::string& config_path);

}  // namespace remo
