#pragma once
// The graph object whole-graph passes receive (remo.pass); see docs/lua-api.md.
#include <lua.hpp>

namespace remo {

// Pushes a handle to the current session's graph.
void push_graph_handle(lua_State* L);

}  // namespace remo
