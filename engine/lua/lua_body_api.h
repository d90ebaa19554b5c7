#pragma once
// Body handles: the sub-graphs (If branches, Loop and Scan bodies) a translation turns into the
// bodies of opset sub-graph ops; see docs/lua-api.md.
#include <lua.hpp>

#include "engine/graph/attribute.h"

namespace remo {

// The body graph of the Body handle at `index`, or null when the value there is not one.
GraphPtr to_body_graph(lua_State* L, int index);
// Pushes a Body handle for `graph`; `label` names it in messages ("body made by rule 'r'").
void push_body_handle(lua_State* L, GraphPtr graph, std::string label);

}  // namespace remo
