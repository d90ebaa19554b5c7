#pragma once
// Wraps a Lua C function so that a C++ exception becomes a Lua error prefixed with the script
// position ("file:line: message"), instead of crossing Lua frames as an anonymous error.
#include <exception>
#include <string>

#include <lua.hpp>

namespace remo {

template <lua_CFunction F>
int lua_guarded(lua_State* L) {
  try {
    return F(L);
  } catch (const std::exception& e) {
    luaL_where(L, 1);
    lua_pushstring(L, e.what());
    lua_concat(L, 2);
  }
  return lua_error(L);
}

// "rules/x.lua:3" for the function calling the current C function.
inline std::string lua_caller_position(lua_State* L) {
  luaL_where(L, 1);
  std::string where = lua_tostring(L, -1);
  lua_pop(L, 1);
  while (!where.empty() && (where.back() == ' ' || where.back() == ':')) where.pop_back();
  return where;
}

}  // namespace remo
