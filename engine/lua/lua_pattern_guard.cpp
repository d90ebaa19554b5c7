#include "engine/lua/lua_pattern_guard.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace remo {
namespace {

// Quantifiers of a Lua pattern (* + - ?) outside %-escapes and [sets]; each may backtrack over
// the whole subject. %b and %f count as one too (they scan).
int repetitions(const char* p, size_t len) {
  int count = 0;
  for (size_t i = 0; i < len; ++i) {
    const char c = p[i];
    if (c == '%') {
      if (i + 1 < len && (p[i + 1] == 'b' || p[i + 1] == 'f')) ++count;
      ++i;  // the escaped character
    } else if (c == '[') {
      ++i;
      if (i < len && p[i] == '^') ++i;
      if (i < len && p[i] == ']') ++i;  // a leading ']' is literal
      for (; i < len && p[i] != ']'; ++i)
        if (p[i] == '%') ++i;
    } else if (c == '*' || c == '+' || c == '-' || c == '?') {
      ++count;
    }
  }
  return count;
}

// Upvalue 1: the original function; upvalue 2: its name; upvalue 3: the budget (as a number).
int guarded_match(lua_State* L) {
  size_t subject_len = 0, pattern_len = 0;
  const bool plain = lua_tostring(L, lua_upvalueindex(2)) == std::string("find") && lua_toboolean(L, 4);
  if (!plain && lua_type(L, 1) != LUA_TNONE && lua_type(L, 2) != LUA_TNONE && lua_isstring(L, 1) &&
      lua_isstring(L, 2)) {
    lua_tolstring(L, 1, &subject_len);
    const char* pattern = lua_tolstring(L, 2, &pattern_len);
    const int reps = repetitions(pattern, pattern_len);
    const double budget = lua_tonumber(L, lua_upvalueindex(3));
    const double estimate = std::pow(static_cast<double>(subject_len) + 1, reps);
    if (reps > 0 && estimate > budget) {
      // lua_pushfstring knows no precision, so the message is formatted here.
      char message[320];
      std::snprintf(message, sizeof message,
                    "string.%s: a pattern with %d repetitions over a %zu-byte string may take about %.3g steps, "
                    "more than the instruction budget of %.0f; use fewer repetitions or a shorter string",
                    lua_tostring(L, lua_upvalueindex(2)), reps, subject_len, estimate, budget);
      return luaL_error(L, "%s", message);
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

}  // namespace

void install_pattern_guard(lua_State* L, uint64_t budget) {
  lua_getglobal(L, "string");
  for (const char* name : {"find", "match", "gmatch", "gsub"}) {
    lua_getfield(L, -1, name);
    lua_pushstring(L, name);
    lua_pushnumber(L, static_cast<lua_Number>(budget));
    lua_pushcclosure(L, guarded_match, 3);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);
}

}  // namespace remo
