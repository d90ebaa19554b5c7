#pragma once
// The `remo` table that rule scripts see (documented in docs/lua-api.md), and the C++ side of
// it: what a script registers while loading, and the session a translation runs in.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/lua/sandbox.h"

namespace remo {

// A function a script registered with remo.translate(op, fn).
struct LuaTranslation {
  std::string op;     // qualified framework op: "onnx.Conv", "com.example.MyOp"
  int function_ref;   // registry reference to the Lua function
  std::string where;  // "rules/onnx/conv.lua:12"
};

// What remo.translate calls collect while rule files load.
struct LuaRegistrations {
  std::vector<LuaTranslation> translations;
};

// The graph a script may read and extend during one call, and what it made there.
struct LuaSession {
  Graph* graph = nullptr;
  uint64_t epoch = 0;              // handles from another epoch (another conversion) are stale
  NodeId framework_node = kNoNode; // node being translated, exposed as the function's argument
  std::string rule;                // "rules/onnx/conv.lua:12 (onnx.Conv)" for messages
  std::vector<NodeId> created;     // nodes made through remo.op / remo.const, in order
};

// Installs `remo` into the sandbox globals. Registrations made while loading go to `sink`.
void install_lua_api(LuaSandbox& sandbox, LuaRegistrations* sink);

// Makes `session` the current one for API calls until destroyed.
class LuaSessionScope {
 public:
  LuaSessionScope(lua_State* L, LuaSession& session);
  ~LuaSessionScope();
  LuaSessionScope(const LuaSessionScope&) = delete;
  LuaSessionScope& operator=(const LuaSessionScope&) = delete;

 private:
  lua_State* L_;
};

// Pushes a framework-node handle / reads a Value handle at `index` (throws remo::Error if the
// value there is not a live Value of the current session).
void push_node_handle(lua_State* L, NodeId id);
Value to_value(lua_State* L, int index);
bool is_value(lua_State* L, int index);

}  // namespace remo
