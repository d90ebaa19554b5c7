#pragma once
// Lua's pattern matcher (string.find/match/gmatch/gsub) runs in C, where the sandbox's
// instruction budget cannot interrupt it, and it backtracks: string.rep("a?", 30) .. string.rep("a", 30)
// against 30 a's takes 2^30 steps. The guard estimates the cost before a match runs, as
// (subject length + 1) ^ (repetitions in the pattern), and refuses a match whose estimate exceeds
// the instruction budget, with an error that says so. Rule code matches short names, far below
// the bound; one repetition over a long string (s:gsub("%s+", "")) stays allowed.
#include <cstdint>

#include <lua.hpp>

namespace remo {

// Wraps the string library's matching functions in place (so method calls on strings are guarded
// too). `budget` is the sandbox's instructions_per_call.
void install_pattern_guard(lua_State* L, uint64_t budget);

}  // namespace remo
