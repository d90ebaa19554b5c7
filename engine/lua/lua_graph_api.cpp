// remo.pass and the graph object a pass works on: query nodes in topological order, follow
// values to their consumers, rewire uses and remove nodes. Node and Value handles are those of
// lua_api.cpp, so a handle to a removed node raises a clear error wherever it is used.
#include "engine/lua/lua_graph_api.h"
#include "engine/lua/lua_values.h"

#include <algorithm>

#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/lua_guard.h"

namespace remo {
namespace {

constexpr const char* kGraphMeta = "remo.Graph";

struct GraphHandle {
  uint64_t epoch;
};

std::string label(const Node& n) { return "node '" + n.name + "' (" + n.op() + ")"; }

Graph& checked_graph(lua_State* L, int index) {
  auto* h = static_cast<GraphHandle*>(luaL_checkudata(L, index, kGraphMeta));
  LuaSession& s = lua_session(L);
  if (h->epoch != s.epoch) throw Error("stale graph handle from an earlier pass or conversion");
  return *s.graph;
}

// {{node = Node, port = input index from 1}, ...}
void push_uses(lua_State* L, const std::vector<Use>& uses) {
  lua_createtable(L, static_cast<int>(uses.size()), 0);
  for (size_t i = 0; i < uses.size(); ++i) {
    lua_createtable(L, 0, 2);
    push_node_handle(L, uses[i].node);
    lua_setfield(L, -2, "node");
    lua_pushinteger(L, static_cast<lua_Integer>(uses[i].port) + 1);
    lua_setfield(L, -2, "port");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

// ---- remo.pass -----------------------------------------------------------------------------

int api_pass(lua_State* L) {
  std::string name = luaL_checkstring(L, 1);
  std::string phase = luaL_checkstring(L, 2);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  LuaRegistrations* sink = lua_registrations(L);
  bool running = true;  // lua_session throws when no rule runs, i.e. while a file loads
  try {
    lua_session(L);
  } catch (const Error&) {
    running = false;
  }
  if (!sink || running) throw Error("remo.pass may only be called while a rule file loads");
  if (name.empty()) throw Error("remo.pass: the name must not be empty");
  if (phase != "front" && phase != "middle" && phase != "back")
    throw Error("remo.pass('" + name + "'): phase '" + phase + "' is not one of front, middle, back");
  lua_pushvalue(L, 3);
  LuaPass pass{name, phase, luaL_ref(L, LUA_REGISTRYINDEX), lua_caller_position(L)};
  auto same = std::find_if(sink->passes.begin(), sink->passes.end(),
                           [&](const LuaPass& p) { return p.name == name; });
  if (same != sink->passes.end()) {
    luaL_unref(L, LUA_REGISTRYINDEX, same->function_ref);
    *same = std::move(pass);
  } else {
    sink->passes.push_back(std::move(pass));
  }
  return 0;
}

// ---- graph methods -------------------------------------------------------------------------

// graph:nodes([op]): live nodes in topological order (ties by creation), optionally of one op.
int graph_nodes(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  const char* op = luaL_optstring(L, 2, nullptr);
  lua_newtable(L);
  lua_Integer k = 0;
  for (NodeId id : g.topological_order()) {
    if (op && g.at(id).op() != op) continue;
    push_node_handle(L, id);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

// graph:node(name): the node of that name, or nil.
int graph_node(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  Node* n = g.find_node(luaL_checkstring(L, 2));
  if (n) push_node_handle(L, n->id());
  else lua_pushnil(L);
  return 1;
}

// graph:option(name): the value of a conversion option that rules act on (e.g. "static_shape"),
// or nil when it is not set. The pipeline stores them in the graph's meta as "option:NAME".
int graph_option(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  auto it = g.meta.find(std::string("option:") + luaL_checkstring(L, 2));
  if (it == g.meta.end()) lua_pushnil(L);
  else push_attr(L, it->second);
  return 1;
}

// graph:inputs() / graph:outputs(): the model's input values (Parameters) and the values its
// Results read, in model order.
int graph_inputs(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  lua_newtable(L);
  lua_Integer k = 0;
  for (NodeId id : g.parameters()) {
    push_value_handle(L, g.at(id).output(0));
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

int graph_outputs(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  lua_newtable(L);
  lua_Integer k = 0;
  for (NodeId id : g.results()) {
    push_value_handle(L, g.at(id).input(0));
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

void check_compatible(const Graph& g, Value from, Value to) {
  const OutputInfo& a = g.output_info(from);
  const OutputInfo& b = g.output_info(to);
  auto fail = [&](const std::string& what) {
    throw Error("graph:replace: " + label(g.at(to.node)) + " output " + std::to_string(to.port + 1) +
                " cannot stand for " + label(g.at(from.node)) + " output " + std::to_string(from.port + 1) +
                ": " + what);
  };
  if (a.type != ElementType::dynamic && b.type != ElementType::dynamic && a.type != b.type)
    fail("element type " + std::string(type_name(b.type)) + " instead of " + std::string(type_name(a.type)));
  if (!a.shape.rank_known() || !b.shape.rank_known()) return;
  bool same = a.shape.rank() == b.shape.rank();
  for (size_t i = 0; same && i < a.shape.rank(); ++i)
    same = a.shape[i] < 0 || b.shape[i] < 0 || a.shape[i] == b.shape[i];
  if (!same) fail("shape " + shape_to_string(b.shape.dims()) + " instead of " + shape_to_string(a.shape.dims()));
}

// graph:replace(old, new): every consumer of `old` reads `new` instead, except the node that
// produces `new` (so `new = f(old)` can be inserted after `old`). Tensor names move to `new`.
int graph_replace(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  Value from = to_value(L, 2);
  Value to = to_value(L, 3);
  if (from == to) return 0;
  check_compatible(g, from, to);
  std::vector<Use> uses = g.at(from.node).uses(from.port);
  for (const Use& u : uses)
    if (u.node != to.node) g.set_input(u.node, u.port, to);
  // A model input's names are how users feed it: they stay on the input.
  if (g.at(from.node).op() == "opset1.Parameter") return 0;
  auto& from_names = g.at(from.node).outputs[from.port].names;
  auto& to_names = g.at(to.node).outputs[to.port].names;
  to_names.insert(to_names.end(), from_names.begin(), from_names.end());
  std::sort(to_names.begin(), to_names.end());
  to_names.erase(std::unique(to_names.begin(), to_names.end()), to_names.end());
  from_names.clear();
  return 0;
}

// graph:remove(node): removes a node nothing reads any more; its handles become stale.
int graph_remove(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  const Node& n = to_node(L, 2);
  if (n.op() == "opset1.Parameter" || n.op() == "opset1.Result")
    throw Error("graph:remove: " + label(n) + " is a model " + (n.op() == "opset1.Result" ? "output" : "input"));
  for (uint32_t p = 0; p < n.outputs.size(); ++p) {
    if (n.uses(p).empty()) continue;
    const Use& u = n.uses(p).front();
    throw Error("graph:remove: " + label(n) + " still has consumers: output " + std::to_string(p + 1) +
                " is read by " + label(g.at(u.node)) + " input " + std::to_string(u.port + 1) + " (and " +
                std::to_string(n.uses(p).size() - 1) + " more); graph:replace its outputs first");
  }
  g.remove_node(n.id());
  return 0;
}

int graph_tostring(lua_State* L) {
  Graph& g = checked_graph(L, 1);
  lua_pushstring(L, ("Graph(" + std::to_string(g.node_count()) + " nodes)").c_str());
  return 1;
}

// ---- node and value methods added to lua_api.cpp's ------------------------------------------

// node:output(i): the i-th output (from 1) as a Value.
int node_output(lua_State* L) {
  const Node& n = to_node(L, 1);
  lua_Integer i = luaL_checkinteger(L, 2);
  if (i < 1 || static_cast<size_t>(i) > n.outputs.size())
    throw Error(label(n) + " has no output " + std::to_string(i) + " (it has " + std::to_string(n.outputs.size()) + ")");
  push_value_handle(L, n.output(static_cast<uint32_t>(i - 1)));
  return 1;
}

// node:consumers([i]): who reads output i (default 1).
int node_consumers(lua_State* L) {
  const Node& n = to_node(L, 1);
  lua_Integer i = luaL_optinteger(L, 2, 1);
  if (i < 1 || static_cast<size_t>(i) > n.outputs.size())
    throw Error(label(n) + " has no output " + std::to_string(i));
  push_uses(L, n.uses(static_cast<uint32_t>(i - 1)));
  return 1;
}

int node_created_by(lua_State* L) {
  lua_pushstring(L, to_node(L, 1).created_by.c_str());
  return 1;
}

int value_consumers(lua_State* L) {
  Value v = to_value(L, 1);
  push_uses(L, lua_session(L).graph->at(v.node).uses(v.port));
  return 1;
}

int value_node(lua_State* L) {
  push_node_handle(L, to_value(L, 1).node);
  return 1;
}

int value_port(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(to_value(L, 1).port) + 1);
  return 1;
}

void add_methods(lua_State* L, const char* meta, const luaL_Reg* methods) {
  luaL_getmetatable(L, meta);
  lua_getfield(L, -1, "methods");
  luaL_setfuncs(L, methods, 0);
  lua_pop(L, 2);
}

}  // namespace

void push_graph_handle(lua_State* L) {
  auto* h = static_cast<GraphHandle*>(lua_newuserdatauv(L, sizeof(GraphHandle), 0));
  *h = GraphHandle{lua_session(L).epoch};
  luaL_setmetatable(L, kGraphMeta);
}

void install_lua_graph_api(LuaSandbox& sandbox, LuaRegistrations* sink) {
  lua_State* L = sandbox.state();
  static const luaL_Reg graph_methods[] = {
      {"nodes", lua_guarded<graph_nodes>},     {"node", lua_guarded<graph_node>},
      {"inputs", lua_guarded<graph_inputs>},   {"outputs", lua_guarded<graph_outputs>},
      {"replace", lua_guarded<graph_replace>}, {"remove", lua_guarded<graph_remove>},
      {"option", lua_guarded<graph_option>},
      {nullptr, nullptr}};
  luaL_newmetatable(L, kGraphMeta);
  lua_newtable(L);
  luaL_setfuncs(L, graph_methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, lua_guarded<graph_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_pushstring(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  static const luaL_Reg node_methods[] = {{"output", lua_guarded<node_output>},
                                         {"consumers", lua_guarded<node_consumers>},
                                         {"created_by", lua_guarded<node_created_by>},
                                         {nullptr, nullptr}};
  add_methods(L, "remo.Node", node_methods);
  static const luaL_Reg value_methods[] = {{"consumers", lua_guarded<value_consumers>},
                                          {"node", lua_guarded<value_node>},
                                          {"port", lua_guarded<value_port>},
                                          {nullptr, nullptr}};
  add_methods(L, "remo.Value", value_methods);

  sandbox.push_globals();
  lua_getfield(L, -1, "remo");
  lua_pushcfunction(L, lua_guarded<api_pass>);
  lua_setfield(L, -2, "pass");
  lua_pop(L, 2);
}

}  // namespace remo
