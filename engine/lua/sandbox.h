#pragma once
// LuaSandbox: one Lua 5.4 state in which rule scripts run with only the base, string, table,
// math and utf8 libraries, a memory cap, and an instruction budget per call. Every failure comes
// back as remo::Error carrying "file:line: message" and a Lua traceback.
#include <cstddef>
#include <cstdint>
#include <string>

#include <lua.hpp>

namespace remo {

struct LuaLimits {
  uint64_t instructions_per_call = 200'000'000;  // generous for real rules, finite for loops
  size_t memory_bytes = 512u << 20;
};

class LuaSandbox {
 public:
  explicit LuaSandbox(LuaLimits limits = {});
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  lua_State* state() const { return L_; }
  const LuaLimits& limits() const { return limits_; }

  // Runs a script file's top-level chunk in an environment of its own whose reads fall back to
  // the sandbox globals. `chunk_name` is how the file is named in messages ("rules/onnx/conv.lua").
  // Binary chunks are refused.
  void run_file(const std::string& path, const std::string& chunk_name);
  // Calls the function below its `nargs` arguments on the stack, leaving `nresults` results
  // (LUA_MULTRET for all). Resets the instruction budget first. Throws remo::Error on failure,
  // with the stack restored to what it was below the function.
  void call(int nargs, int nresults);

  // The globals table every script environment reads through; the API is installed here.
  void push_globals();
  // Pushes a fresh environment for one script file or module: reads fall back to the globals,
  // writes stay in it, `_G` is itself, the standard libraries are read-only views. Must be
  // called from Lua (inside a protected call), as a memory error may be raised.
  void push_new_environment();

 private:
  static void* allocate(void* ud, void* ptr, size_t osize, size_t nsize);
  static void count_hook(lua_State* L, lua_Debug* ar);
  void protected_call(int nargs, int nresults, const std::string& what);

  lua_State* L_ = nullptr;
  LuaLimits limits_;
  size_t allocated_ = 0;
  uint64_t instructions_ = 0;
  int globals_ref_ = LUA_NOREF;
  int env_factory_ref_ = LUA_NOREF;
};

// The sandbox that owns this state (set at creation).
LuaSandbox& sandbox_of(lua_State* L);

}  // namespace remo
