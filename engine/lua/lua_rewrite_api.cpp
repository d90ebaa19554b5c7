// remo.rewrite(name, fn): registers the replacement function of pattern rules whose "replace" is
// {"lua": name}. fn(match) receives the captures (match.x is a Value, match.nodes.x the node that
// produces it, variadic captures are lists of Values, match.roots the root nodes) and returns one
// Value per root, or nil [, reason] to decline. The phase driver calls it (engine/rules/phase_driver.cpp).
#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/lua_guard.h"

namespace remo {
namespace {

int api_rewrite(lua_State* L) {
  std::string name = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  LuaRegistrations* sink = lua_registrations(L);
  if (!sink) throw Error("remo.rewrite may only be called while a rule file loads");
  if (name.empty()) throw Error("remo.rewrite: the name may not be empty");
  std::string where = lua_caller_position(L);
  lua_pushvalue(L, 2);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  sink->rewrites.push_back(LuaRewrite{name, ref, where});
  return 0;
}

}  // namespace

void install_lua_rewrite_api(LuaSandbox& sandbox, LuaRegistrations* sink) {
  lua_State* L = sandbox.state();
  sandbox.push_globals();
  lua_getfield(L, -1, "remo");
  lua_pushcfunction(L, lua_guarded<api_rewrite>);
  lua_setfield(L, -2, "rewrite");
  lua_pop(L, 2);
}

}  // namespace remo
