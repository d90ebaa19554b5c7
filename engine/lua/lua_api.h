#pragma once
// The `remo` table that rule scripts see (documented in docs/lua-api.md), and the C++ side of
// it: what a script registers while loading, and the session a translation runs in.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/lua/sandbox.h"
#include "engine/ops/custom_ops.h"

namespace remo {

// A function a script registered with remo.translate(op, fn).
struct LuaTranslation {
  std::string op;     // qualified framework op: "onnx.Conv", "com.example.MyOp"
  int function_ref;   // registry reference to the Lua function
  std::string where;  // "rules/onnx/conv.lua:12"
};

// A whole-graph pass a script registered with remo.pass(name, phase, fn).
struct LuaPass {
  std::string name;   // unique within a rule set; a later pass of the same name replaces it
  std::string phase;  // "front", "middle" or "back"
  int function_ref;   // registry reference to the Lua function
  std::string where;  // "rules/x.lua:3"
};

// A replacement function a script registered with remo.rewrite(name, fn), for pattern rules whose
// "replace" is {"lua": name}.
struct LuaRewrite {
  std::string name;
  int function_ref;   // registry reference to the Lua function
  std::string where;  // "rules/middle/x.lua:3"
};

// What remo.translate, remo.pass, remo.custom_op and remo.rewrite calls collect while rule files load.
struct LuaRegistrations {
  std::vector<LuaTranslation> translations;
  std::vector<LuaRewrite> rewrites;  // in registration order; the last of a name wins
  std::vector<LuaPass> passes;  // in registration order
  CustomOpRegistry custom_ops;
};

// The graph a script may read and extend during one call, and what it made there.
struct LuaSession {
  Graph* graph = nullptr;
  uint64_t epoch = 0;              // handles from another epoch (another conversion) are stale
  NodeId framework_node = kNoNode; // node being translated, exposed as the function's argument
  std::string rule;                // "rules/onnx/conv.lua:12 (onnx.Conv)" for messages
  std::vector<NodeId> created;     // nodes made through remo.op / remo.const, in order
  // Translates a body graph with the same rules (set by the translation driver; empty elsewhere,
  // where body:translate() is refused).
  std::function<void(Graph&)> translate_body;
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
  void* previous_;  // the session of an enclosing rule (a body translated from a translation)
};

// Pushes a framework-node handle / reads a Value handle at `index` (throws remo::Error if the
// value there is not a live Value of the current session).
void push_node_handle(lua_State* L, NodeId id);
Value to_value(lua_State* L, int index);
bool is_value(lua_State* L, int index);

// For the API files beside lua_api.cpp (lua_graph_api.cpp, lua_custom_op_api.cpp).
// The current session; throws remo::Error when no rule runs (e.g. while a file loads).
LuaSession& lua_session(lua_State* L);
// The registrations sink given to install_lua_api.
LuaRegistrations* lua_registrations(lua_State* L);
void push_value_handle(lua_State* L, Value v);
bool is_node_handle(lua_State* L, int index);
// The live node of the node handle at `index`; throws remo::Error for a stale handle.
const Node& to_node(lua_State* L, int index);
// A fresh epoch for a LuaSession: handles made under another epoch are refused as stale.
uint64_t new_lua_epoch();
void install_lua_graph_api(LuaSandbox& sandbox, LuaRegistrations* sink);
void install_lua_custom_op_api(LuaSandbox& sandbox, LuaRegistrations* sink);
void install_lua_replacer_api(LuaSandbox& sandbox, LuaRegistrations* sink);  // lua_replacer_api.cpp
// Adds remo.rewrite(name, fn) (engine/lua/lua_rewrite_api.cpp).
void install_lua_rewrite_api(LuaSandbox& sandbox, LuaRegistrations* sink);
// Adds remo.body and the Body handle (engine/lua/lua_body_api.cpp).
void install_lua_body_api(LuaSandbox& sandbox, LuaRegistrations* sink);
// Adds remo.new_body (engine/lua/lua_new_body_api.cpp).
void install_lua_new_body_api(LuaSandbox& sandbox);

}  // namespace remo
