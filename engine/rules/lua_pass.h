#pragma once
// Running the whole-graph passes that rule scripts register with remo.pass(name, phase, fn).
// The phase driver (engine/rules/phase_driver.h) calls these for the passes of its phase.
#include <string>

#include "engine/graph/graph.h"
#include "engine/rules/rule_set.h"

namespace remo {

// Calls the pass's function with the graph. Nodes it creates record the pass name in created_by.
// Throws remo::Error "pass 'NAME' (file:line): message" when the pass fails; what it changed
// before failing stays changed.
void run_lua_pass(RuleSet& rules, Graph& graph, const LuaPass& pass);
// Runs every Lua pass of `phase`, in registration order; returns how many ran.
size_t run_lua_passes(RuleSet& rules, Graph& graph, const std::string& phase);

}  // namespace remo
