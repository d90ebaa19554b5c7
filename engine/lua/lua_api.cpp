#include "engine/lua/lua_api.h"

#include "engine/passes/node_signature.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>

#include "engine/graph/error.h"
#include "engine/lua/lua_guard.h"
#include "engine/lua/lua_values.h"
#include "engine/ops/op_registry.h"
#include "engine/passes/node_signature.h"

namespace remo {
namespace {

const char kSessionKey = 0;  // registry keys: their addresses
const char kSinkKey = 0;
constexpr const char* kValueMeta = "remo.Value";
constexpr const char* kNodeMeta = "remo.Node";

struct ValueHandle {
  uint64_t epoch;
  NodeId node;
  uint32_t port;
};

struct NodeHandle {
  uint64_t epoch;
  NodeId node;
};

LuaSession* current_session(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kSessionKey);
  auto* s = static_cast<LuaSession*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return s;
}

LuaSession& session(lua_State* L) {
  LuaSession* s = current_session(L);
  if (!s || !s->graph) throw Error("the graph can only be used while a rule runs, not while its file loads");
  return *s;
}

void push_value(lua_State* L, const LuaSession& s, Value v) {
  auto* h = static_cast<ValueHandle*>(lua_newuserdatauv(L, sizeof(ValueHandle), 0));
  *h = ValueHandle{s.epoch, v.node, v.port};
  luaL_setmetatable(L, kValueMeta);
}

const Node& checked_node(lua_State* L, NodeId id, uint64_t epoch, const char* what) {
  LuaSession& s = session(L);
  if (epoch != s.epoch) throw Error(std::string("stale ") + what + " handle from an earlier conversion");
  const Node* n = s.graph->node(id);
  if (!n) throw Error(std::string(what) + " handle refers to a node that a rewrite removed");
  return *n;
}

const Node& framework_node(lua_State* L, int index) {
  auto* h = static_cast<NodeHandle*>(luaL_checkudata(L, index, kNodeMeta));
  return checked_node(L, h->node, h->epoch, "node");
}

std::string describe(const Graph& g, Value v) {
  const Node& n = g.at(v.node);
  const OutputInfo& o = n.outputs[v.port];
  return "Value(" + n.op() + " '" + n.name + "':" + std::to_string(v.port) + " " +
         std::string(type_name(o.type)) +
         (o.shape.rank_known() ? shape_to_string(o.shape.dims()) : std::string("[...]")) + ")";
}

// ---- Value methods -------------------------------------------------------------------------

int value_shape(lua_State* L) {
  Value v = to_value(L, 1);
  const auto& shape = session(L).graph->output_info(v).shape;
  if (!shape.rank_known()) {
    lua_pushnil(L);
    return 1;
  }
  push_int_list(L, shape.dims());
  return 1;
}

int value_rank(lua_State* L) {
  Value v = to_value(L, 1);
  const auto& shape = session(L).graph->output_info(v).shape;
  if (shape.rank_known()) lua_pushinteger(L, static_cast<lua_Integer>(shape.rank()));
  else lua_pushnil(L);
  return 1;
}

int value_type(lua_State* L) {
  Value v = to_value(L, 1);
  auto name = type_name(session(L).graph->output_info(v).type);
  lua_pushlstring(L, name.data(), name.size());
  return 1;
}

int value_value(lua_State* L) {
  Value v = to_value(L, 1);
  auto t = try_fold(*session(L).graph, v);
  if (!t) {
    lua_pushnil(L);
    return 1;
  }
  push_tensor_values(L, *t);
  return 1;
}

int value_op(lua_State* L) {
  Value v = to_value(L, 1);
  lua_pushstring(L, session(L).graph->at(v.node).op().c_str());
  return 1;
}

int value_tostring(lua_State* L) {
  Value v = to_value(L, 1);
  lua_pushstring(L, describe(*session(L).graph, v).c_str());
  return 1;
}

int value_eq(lua_State* L) {
  lua_pushboolean(L, is_value(L, 1) && is_value(L, 2) && to_value(L, 1) == to_value(L, 2));
  return 1;
}

// ---- framework node methods ----------------------------------------------------------------

int node_index(lua_State* L) {
  const Node& n = framework_node(L, 1);
  std::string key = luaL_checkstring(L, 2);
  if (key == "name") {
    lua_pushstring(L, n.name.c_str());
  } else if (key == "op") {
    lua_pushstring(L, n.op().c_str());
  } else if (key == "type") {
    lua_pushstring(L, n.type().c_str());
  } else if (key == "domain") {
    lua_pushstring(L, n.domain().c_str());
  } else if (key == "opset") {
    // The version of the node's domain that the model imports (ONNX opset), or nil.
    std::string domain = n.domain() == "onnx" ? "ai.onnx" : n.domain();
    const auto& meta = session(L).graph->meta;
    auto it = meta.find("opset:" + domain);
    if (it != meta.end() && std::holds_alternative<int64_t>(it->second))
      lua_pushinteger(L, std::get<int64_t>(it->second));
    else
      lua_pushnil(L);
  } else {
    luaL_getmetafield(L, 1, "methods");
    lua_getfield(L, -1, key.c_str());
  }
  return 1;
}

int node_input(lua_State* L) {
  const Node& n = framework_node(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || static_cast<size_t>(i) > n.inputs().size() || !n.input(i - 1).valid()) {
    lua_pushnil(L);
    return 1;
  }
  push_value(L, session(L), n.input(i - 1));
  return 1;
}

int node_input_count(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(framework_node(L, 1).inputs().size()));
  return 1;
}

int node_output_count(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(framework_node(L, 1).outputs.size()));
  return 1;
}

int node_has_attr(lua_State* L) {
  lua_pushboolean(L, framework_node(L, 1).has_attr(luaL_checkstring(L, 2)));
  return 1;
}

// node:attr(name [, default]): the attribute, else the default, else an error naming the node.
int node_attr(lua_State* L) {
  const Node& n = framework_node(L, 1);
  const char* key = luaL_checkstring(L, 2);
  auto it = n.attrs.find(key);
  if (it == n.attrs.end()) {
    if (lua_gettop(L) >= 3) {
      lua_settop(L, 3);
      return 1;
    }
    throw Error("node '" + n.name + "' (" + n.op() + ") has no attribute '" + key + "'");
  }
  push_attr(L, it->second);
  return 1;
}

// node:signature(): equal for two nodes that compute the same thing (same op, attributes and
// inputs), nil for nodes never to be merged. See engine/passes/node_signature.h.
int node_signature_method(lua_State* L) {
  const Node& n = framework_node(L, 1);
  auto signature = node_signature(*current_session(L)->graph, n.id());
  if (signature) lua_pushlstring(L, signature->data(), signature->size());
  else lua_pushnil(L);
  return 1;
}

int node_tostring(lua_State* L) {
  const Node& n = framework_node(L, 1);
  lua_pushstring(L, ("Node(" + n.op() + " '" + n.name + "')").c_str());
  return 1;
}

// ---- remo.* --------------------------------------------------------------------------------

int api_translate(lua_State* L) {
  const char* op = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kSinkKey);
  auto* sink = static_cast<LuaRegistrations*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (!sink || current_session(L)) throw Error("remo.translate may only be called while a rule file loads");
  std::string where = lua_caller_position(L);
  lua_pushvalue(L, 2);
  int ref = luaL_ref(L, LUA_REGISTRYINDEX);
  sink->translations.push_back(LuaTranslation{op, ref, where});
  return 0;
}

// What remo.op's optional 4th argument asks for: {name = "...", fused_from = {node or value, ...}}.
struct OpOptions {
  std::string name;
  std::string fused_base;           // name of the first node fused from, for naming
  std::vector<std::string> fused;   // their fused_names (or names), merged
};

OpOptions op_options(lua_State* L, int index, const std::string& op) {
  OpOptions o;
  if (lua_isnoneornil(L, index)) return o;
  luaL_checktype(L, index, LUA_TTABLE);
  if (lua_getfield(L, index, "name") == LUA_TSTRING) o.name = lua_tostring(L, -1);
  lua_pop(L, 1);
  if (lua_getfield(L, index, "fused_from") != LUA_TNIL) {
    if (!lua_istable(L, -1)) throw Error("remo.op('" + op + "'): fused_from must be a list of nodes or values");
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, -1, i);
      const Node& src = is_value(L, -1) ? session(L).graph->at(to_value(L, -1).node) : to_node(L, -1);
      if (o.fused_base.empty()) o.fused_base = src.name;
      if (src.fused_names.empty()) o.fused.push_back(src.name);
      else o.fused.insert(o.fused.end(), src.fused_names.begin(), src.fused_names.end());
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  return o;
}

std::string node_name_for(LuaSession& s, const std::string& op, const OpOptions& o = {}) {
  if (!o.name.empty()) return s.graph->unique_name(o.name);
  std::string type = op.substr(op.rfind('.') + 1);
  const Node* fw = s.framework_node == kNoNode ? nullptr : s.graph->node(s.framework_node);
  std::string base = fw ? fw->name : !o.fused_base.empty() ? o.fused_base : s.rule.empty() ? "rule" : s.rule;
  return s.graph->unique_name(base + "/" + type);
}

void record_created(LuaSession& s, Node& node, const OpOptions& o = {}) {
  node.created_by = s.rule;
  if (s.framework_node != kNoNode)
    if (const Node* fw = s.graph->node(s.framework_node)) node.fused_names = {fw->name};
  for (const std::string& name : o.fused)
    if (std::find(node.fused_names.begin(), node.fused_names.end(), name) == node.fused_names.end())
      node.fused_names.push_back(name);
  s.created.push_back(node.id());
}

// remo.op(type, {inputs...}, {attrs} [, {name=, fused_from=}]) -> every output of the new node
int api_op(lua_State* L) {
  LuaSession& s = session(L);
  std::string op = luaL_checkstring(L, 1);
  std::vector<Value> inputs;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, 2, i);
      if (lua_isnil(L, -1) || (lua_isboolean(L, -1) && !lua_toboolean(L, -1))) inputs.emplace_back();
      else if (is_value(L, -1)) inputs.push_back(to_value(L, -1));
      else throw Error("remo.op('" + op + "'): input " + std::to_string(i) + " is not a Value");
      lua_pop(L, 1);
    }
  }
  Attributes attrs;
  if (!lua_isnoneornil(L, 3)) attrs = attrs_from_table(L, 3, "remo.op('" + op + "')");
  OpOptions options = op_options(L, 4, op);
  LuaRegistrations* sink = lua_registrations(L);
  Node& node = make_op(*s.graph, op, std::move(inputs), std::move(attrs), node_name_for(s, op, options),
                       sink ? &sink->custom_ops : nullptr);
  record_created(s, node, options);
  for (uint32_t p = 0; p < node.outputs.size(); ++p) push_value(L, s, node.output(p));
  return static_cast<int>(node.outputs.size());
}

// remo.const(values, type [, shape]) or remo.const(tensor)
int api_const(lua_State* L) {
  LuaSession& s = session(L);
  Tensor t = tensor_from_lua(L, 1, 2, 3);
  Node& node = make_op(*s.graph, "opset1.Constant", {}, {{"value", t}}, node_name_for(s, "opset1.Constant"));
  record_created(s, node);
  push_value(L, s, node.output(0));
  return 1;
}

// remo.is_value(x): true for Value handles, so rules can tell values from plain Lua data.
int api_is_value(lua_State* L) {
  lua_pushboolean(L, is_value(L, 1));
  return 1;
}

void make_metatable(lua_State* L, const char* name, const luaL_Reg* methods,
                    const luaL_Reg* metamethods) {
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, metamethods, 0);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "methods");
  lua_getfield(L, -1, "__index");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_getfield(L, -1, "methods");
    lua_setfield(L, -2, "__index");
  } else {
    lua_pop(L, 1);
  }
  lua_pushstring(L, "locked");
  lua_setfield(L, -2, "__metatable");  // getmetatable() may not reach the method tables
  lua_pop(L, 1);
}

}  // namespace

bool is_value(lua_State* L, int index) { return luaL_testudata(L, index, kValueMeta) != nullptr; }

LuaSession& lua_session(lua_State* L) { return session(L); }

LuaRegistrations* lua_registrations(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kSinkKey);
  auto* sink = static_cast<LuaRegistrations*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return sink;
}

void push_value_handle(lua_State* L, Value v) { push_value(L, session(L), v); }

bool is_node_handle(lua_State* L, int index) { return luaL_testudata(L, index, kNodeMeta) != nullptr; }

const Node& to_node(lua_State* L, int index) {
  auto* h = static_cast<NodeHandle*>(luaL_testudata(L, index, kNodeMeta));
  if (!h) throw Error(std::string("expected a Node, got ") + luaL_typename(L, index));
  return checked_node(L, h->node, h->epoch, "node");
}

uint64_t new_lua_epoch() {
  static std::atomic<uint64_t> next{1};
  return next++;
}

Value to_value(lua_State* L, int index) {
  auto* h = static_cast<ValueHandle*>(luaL_testudata(L, index, kValueMeta));
  if (!h) throw Error(std::string("expected a Value, got ") + luaL_typename(L, index));
  const Node& n = checked_node(L, h->node, h->epoch, "value");
  if (h->port >= n.outputs.size()) throw Error("value handle refers to a missing output");
  return Value{h->node, h->port};
}

void push_node_handle(lua_State* L, NodeId id) {
  auto* h = static_cast<NodeHandle*>(lua_newuserdatauv(L, sizeof(NodeHandle), 0));
  *h = NodeHandle{session(L).epoch, id};
  luaL_setmetatable(L, kNodeMeta);
}

void install_lua_api(LuaSandbox& sandbox, LuaRegistrations* sink) {
  lua_State* L = sandbox.state();
  lua_pushlightuserdata(L, sink);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kSinkKey);

  static const luaL_Reg value_methods[] = {
      {"shape", lua_guarded<value_shape>}, {"rank", lua_guarded<value_rank>},
      {"type", lua_guarded<value_type>},   {"value", lua_guarded<value_value>},
      {"op", lua_guarded<value_op>},       {nullptr, nullptr}};
  static const luaL_Reg value_meta[] = {
      {"__tostring", lua_guarded<value_tostring>}, {"__eq", lua_guarded<value_eq>}, {nullptr, nullptr}};
  make_metatable(L, kValueMeta, value_methods, value_meta);

  static const luaL_Reg node_methods[] = {
      {"input", lua_guarded<node_input>},         {"input_count", lua_guarded<node_input_count>},
      {"output_count", lua_guarded<node_output_count>}, {"attr", lua_guarded<node_attr>},
      {"has_attr", lua_guarded<node_has_attr>},   {"signature", lua_guarded<node_signature_method>},
      {nullptr, nullptr}};
  static const luaL_Reg node_meta[] = {
      {"__index", lua_guarded<node_index>}, {"__tostring", lua_guarded<node_tostring>}, {nullptr, nullptr}};
  make_metatable(L, kNodeMeta, node_methods, node_meta);
  register_tensor_type(L);

  static const luaL_Reg api[] = {{"translate", lua_guarded<api_translate>},
                                 {"op", lua_guarded<api_op>},
                                 {"const", lua_guarded<api_const>},
                                 {"is_value", lua_guarded<api_is_value>},
                                 {nullptr, nullptr}};
  sandbox.push_globals();
  luaL_newlib(L, api);
  lua_setfield(L, -2, "remo");
  lua_pop(L, 1);
  install_lua_graph_api(sandbox, sink);
  install_lua_custom_op_api(sandbox, sink);
  install_lua_replacer_api(sandbox, sink);
  install_lua_rewrite_api(sandbox, sink);
  install_lua_body_api(sandbox, sink);
  install_lua_new_body_api(sandbox);
}

LuaSessionScope::LuaSessionScope(lua_State* L, LuaSession& session) : L_(L), previous_(current_session(L)) {
  lua_pushlightuserdata(L, &session);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kSessionKey);
}

LuaSessionScope::~LuaSessionScope() {
  if (previous_) lua_pushlightuserdata(L_, previous_);
  else lua_pushnil(L_);
  lua_rawsetp(L_, LUA_REGISTRYINDEX, &kSessionKey);
}

}  // namespace remo
