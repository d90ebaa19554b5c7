#include "engine/rules/lua_pass.h"

#include "engine/graph/error.h"
#include "engine/lua/lua_graph_api.h"

namespace remo {

void run_lua_pass(RuleSet& rules, Graph& graph, const LuaPass& pass) {
  lua_State* L = rules.lua().state();
  LuaSession session{&graph, new_lua_epoch(), kNoNode, pass.name, {}};
  LuaSessionScope scope(L, session);
  int top = lua_gettop(L);
  try {
    lua_rawgeti(L, LUA_REGISTRYINDEX, pass.function_ref);
    push_graph_handle(L);
    rules.lua().call(1, 0);
  } catch (const Error& e) {
    lua_settop(L, top);
    throw Error("pass '" + pass.name + "' (" + pass.where + "): " + e.what());
  }
  lua_settop(L, top);
}

size_t run_lua_passes(RuleSet& rules, Graph& graph, const std::string& phase) {
  size_t count = 0;
  for (const LuaPass& pass : rules.lua_passes()) {
    if (pass.phase != phase) continue;
    run_lua_pass(rules, graph, pass);
    ++count;
  }
  return count;
}

}  // namespace remo
