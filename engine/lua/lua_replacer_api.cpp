// remo.replacer(id, fn) and the `match` object of a transformations-config entry
// (docs/transformations-config.md). Replacers live in a registry table keyed by id, so a later
// file (an --extensions folder) overrides a built-in replacer of the same id.
#include "engine/lua/lua_replacer_api.h"

#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/lua_graph_api.h"
#include "engine/lua/lua_guard.h"

namespace remo {
namespace {

const char kReplacersKey = 0;  // registry keys: their addresses
const char kMatchKey = 0;
constexpr const char* kMatchMeta = "remo.Match";
constexpr int kMaxJsonDepth = 64;

// What a running replacer's match object refers to; valid only during that call.
struct MatchContext {
  Graph* graph;
  const MoConfigEntry* entry;
  const SubgraphMatch* match;
  const std::string* config_path;
  uint64_t serial;
};

struct MatchHandle {
  uint64_t serial;
};

uint64_t next_serial = 1;

MatchContext& checked_match(lua_State* L, int index) {
  auto* h = static_cast<MatchHandle*>(luaL_checkudata(L, index, kMatchMeta));
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kMatchKey);
  auto* ctx = static_cast<MatchContext*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (!ctx || ctx->serial != h->serial) throw Error("a match object can only be used while its replacer runs");
  return *ctx;
}

void push_json(lua_State* L, const nlohmann::json& j, int depth = 0) {
  if (depth > kMaxJsonDepth) throw Error("custom_attributes nest deeper than " + std::to_string(kMaxJsonDepth));
  luaL_checkstack(L, 4, "custom_attributes");
  if (j.is_boolean()) lua_pushboolean(L, j.get<bool>());
  else if (j.is_number_integer()) lua_pushinteger(L, static_cast<lua_Integer>(j.get<int64_t>()));
  else if (j.is_number()) lua_pushnumber(L, j.get<double>());
  else if (j.is_string()) lua_pushstring(L, j.get_ref<const std::string&>().c_str());
  else if (j.is_array()) {
    lua_createtable(L, static_cast<int>(j.size()), 0);
    for (size_t i = 0; i < j.size(); ++i) {
      push_json(L, j[i], depth + 1);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
  } else if (j.is_object()) {
    lua_createtable(L, 0, static_cast<int>(j.size()));
    for (auto it = j.begin(); it != j.end(); ++it) {
      push_json(L, it.value(), depth + 1);
      lua_setfield(L, -2, it.key().c_str());
    }
  } else {
    lua_pushnil(L);  // JSON null
  }
}

// Sub-graph port index from Lua (1-based); nullopt when out of range.
std::optional<size_t> port_index(lua_State* L, int arg, size_t count) {
  lua_Integer i = luaL_checkinteger(L, arg);
  if (i < 1 || static_cast<size_t>(i) > count) return std::nullopt;
  return static_cast<size_t>(i - 1);
}

// ---- remo.replacer --------------------------------------------------------------------------

int api_replacer(lua_State* L) {
  std::string id = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  bool running = true;  // lua_session throws when no rule runs, i.e. while a file loads
  try {
    lua_session(L);
  } catch (const Error&) {
    running = false;
  }
  if (!lua_registrations(L) || running) throw Error("remo.replacer may only be called while a rule file loads");
  if (id.empty()) throw Error("remo.replacer: the id must not be empty");
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kReplacersKey);
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, 2);
  lua_setfield(L, -2, "fn");
  lua_pushstring(L, lua_caller_position(L).c_str());
  lua_setfield(L, -2, "where");
  lua_setfield(L, -2, id.c_str());
  lua_pop(L, 1);
  return 0;
}

// ---- match fields and methods ---------------------------------------------------------------

int match_index(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  std::string key = luaL_checkstring(L, 2);
  if (key == "id") lua_pushstring(L, c.entry->id.c_str());
  else if (key == "kind") lua_pushstring(L, match_kind_name(c.entry->kind));
  else if (key == "scope") {
    if (c.match->scope.empty()) lua_pushnil(L);
    else lua_pushstring(L, c.match->scope.c_str());
  } else if (key == "config") lua_pushstring(L, c.config_path->c_str());
  else if (key == "custom_attributes") push_json(L, c.entry->custom_attributes);
  else if (key == "graph") push_graph_handle(L);
  else {
    luaL_getmetafield(L, 1, "methods");
    lua_getfield(L, -1, key.c_str());
  }
  return 1;
}

// match:nodes(): the sub-graph's nodes (a general entry: every node).
int match_nodes(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  lua_createtable(L, static_cast<int>(c.match->nodes.size()), 0);
  lua_Integer k = 0;
  for (NodeId id : c.match->nodes) {
    if (!c.graph->node(id)) continue;  // removed by the replacer itself
    push_node_handle(L, id);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

// match:contains(node or name)
int match_contains(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  if (lua_type(L, 2) == LUA_TSTRING) {
    const Node* n = c.graph->find_node(lua_tostring(L, 2));
    lua_pushboolean(L, n && c.match->contains(n->id()));
  } else {
    lua_pushboolean(L, c.match->contains(to_node(L, 2).id()));
  }
  return 1;
}

// match:node_by_pattern(regex): mo's node_by_pattern (the scope joined with the pattern).
int match_node_by_pattern(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  auto id = c.match->node_by_pattern(*c.graph, luaL_checkstring(L, 2));
  if (id && c.graph->node(*id)) push_node_handle(L, *id);
  else lua_pushnil(L);
  return 1;
}

int match_input_count(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(checked_match(L, 1).match->inputs.size()));
  return 1;
}

int match_output_count(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(checked_match(L, 1).match->outputs.size()));
  return 1;
}

// match:input_consumers(i): {{node = Node, port = input index from 1}, ...} inside the sub-graph.
int match_input_consumers(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  lua_newtable(L);
  auto i = port_index(L, 2, c.match->inputs.size());
  if (!i) return 1;
  lua_Integer k = 0;
  for (const Use& u : c.match->inputs[*i]) {
    lua_createtable(L, 0, 2);
    push_node_handle(L, u.node);
    lua_setfield(L, -2, "node");
    lua_pushinteger(L, static_cast<lua_Integer>(u.port) + 1);
    lua_setfield(L, -2, "port");
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

// match:input(i): the Value that feeds sub-graph input i (through its first consumer), or nil.
int match_input(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  auto i = port_index(L, 2, c.match->inputs.size());
  if (!i || c.match->inputs[*i].empty()) {
    lua_pushnil(L);
    return 1;
  }
  const Use& u = c.match->inputs[*i].front();
  const Node* n = c.graph->node(u.node);
  if (!n) throw Error("the consumer of sub-graph input " + std::to_string(*i + 1) + " was removed");
  Value v = n->input(u.port);
  if (!v.valid()) {
    lua_pushnil(L);
    return 1;
  }
  push_value_handle(L, v);
  return 1;
}

// match:output(i): the Value sub-graph output i stands for, or nil.
int match_output(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  auto i = port_index(L, 2, c.match->outputs.size());
  if (!i || !c.match->outputs[*i].valid()) {
    lua_pushnil(L);
    return 1;
  }
  Value v = c.match->outputs[*i];
  const Node* n = c.graph->node(v.node);
  if (!n) throw Error("the producer of sub-graph output " + std::to_string(*i + 1) + " was removed");
  if (v.port >= n->outputs.size())
    throw Error("sub-graph output " + std::to_string(*i + 1) + " names output port " + std::to_string(v.port) +
                " of node '" + n->name + "', which has " + std::to_string(n->outputs.size()) + " outputs");
  push_value_handle(L, v);
  return 1;
}

int match_tostring(lua_State* L) {
  MatchContext& c = checked_match(L, 1);
  std::string s = "Match(" + c.entry->id + ", " + match_kind_name(c.entry->kind) + ", " +
                  std::to_string(c.match->nodes.size()) + " nodes)";
  lua_pushstring(L, s.c_str());
  return 1;
}

// Reads what the replacer returned (several results, or one table) as one action per output.
std::vector<ReplacerOutput> read_outputs(lua_State* L, int top, size_t count) {
  int results = lua_gettop(L) - top;
  bool as_table = results == 1 && lua_istable(L, -1);
  int given = as_table ? static_cast<int>(luaL_len(L, -1)) : results;
  std::vector<ReplacerOutput> outs(count);
  for (int i = 1; i <= given; ++i) {
    if (as_table) lua_geti(L, -1, i);
    else lua_pushvalue(L, top + i);
    if (static_cast<size_t>(i) > count) {
      if (!lua_isnil(L, -1))
        throw Error("the replacer returned " + std::to_string(given) + " values, but the sub-graph has " +
                    std::to_string(count) + " output" + (count == 1 ? "" : "s"));
    } else if (is_value(L, -1)) {
      outs[i - 1] = ReplacerOutput{OutputAction::replace, to_value(L, -1)};
    } else if (lua_isboolean(L, -1) && !lua_toboolean(L, -1)) {
      outs[i - 1].action = OutputAction::drop;
    } else if (!lua_isnil(L, -1)) {
      throw Error("the replacer returned a " + std::string(luaL_typename(L, -1)) + " for output " +
                  std::to_string(i) + "; expected a Value, nil (keep it) or false (drop it)");
    }
    lua_pop(L, 1);
  }
  return outs;
}

}  // namespace

void install_lua_replacer_api(LuaSandbox& sandbox, LuaRegistrations*) {
  lua_State* L = sandbox.state();
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kReplacersKey);

  static const luaL_Reg methods[] = {{"nodes", lua_guarded<match_nodes>},
                                     {"contains", lua_guarded<match_contains>},
                                     {"node_by_pattern", lua_guarded<match_node_by_pattern>},
                                     {"input_count", lua_guarded<match_input_count>},
                                     {"output_count", lua_guarded<match_output_count>},
                                     {"input", lua_guarded<match_input>},
                                     {"input_consumers", lua_guarded<match_input_consumers>},
                                     {"output", lua_guarded<match_output>},
                                     {nullptr, nullptr}};
  luaL_newmetatable(L, kMatchMeta);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "methods");
  lua_pushcfunction(L, lua_guarded<match_index>);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, lua_guarded<match_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_pushstring(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  sandbox.push_globals();
  lua_getfield(L, -1, "remo");
  lua_pushcfunction(L, lua_guarded<api_replacer>);
  lua_setfield(L, -2, "replacer");
  lua_pop(L, 2);
}

std::optional<std::string> find_lua_replacer(LuaSandbox& sandbox, const std::string& id) {
  lua_State* L = sandbox.state();
  int top = lua_gettop(L);
  std::optional<std::string> where;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kReplacersKey);
  if (lua_istable(L, -1) && lua_getfield(L, -1, id.c_str()) == LUA_TTABLE) {
    lua_getfield(L, -1, "where");
    where = lua_tostring(L, -1) ? lua_tostring(L, -1) : "";
  }
  lua_settop(L, top);
  return where;
}

ReplacerResult run_lua_replacer(LuaSandbox& sandbox, Graph& graph, const MoConfigEntry& entry,
                                const SubgraphMatch& match, const std::string& config_path) {
  std::optional<std::string> where = find_lua_replacer(sandbox, entry.id);
  if (!where) throw Error("no replacer registered under id '" + entry.id + "'");
  lua_State* L = sandbox.state();
  LuaSession session{&graph, new_lua_epoch(), kNoNode, *where + " (replacer " + entry.id + ")", {}};
  LuaSessionScope scope(L, session);
  MatchContext ctx{&graph, &entry, &match, &config_path, next_serial++};
  lua_pushlightuserdata(L, &ctx);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kMatchKey);
  int top = lua_gettop(L);
  ReplacerResult result;
  try {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kReplacersKey);
    lua_getfield(L, -1, entry.id.c_str());
    lua_getfield(L, -1, "fn");
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
    auto* h = static_cast<MatchHandle*>(lua_newuserdatauv(L, sizeof(MatchHandle), 0));
    h->serial = ctx.serial;
    luaL_setmetatable(L, kMatchMeta);
    sandbox.call(1, LUA_MULTRET);
    result.outputs = read_outputs(L, top, match.outputs.size());
  } catch (...) {
    lua_settop(L, top);
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kMatchKey);
    throw;
  }
  lua_settop(L, top);
  lua_pushnil(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kMatchKey);
  result.created = session.created;
  return result;
}

}  // namespace remo
