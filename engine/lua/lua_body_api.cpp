// remo.body(node, attr) and the Body handle's methods: read a framework node's sub-graph, bind its
// parameters, translate it with the same rules, and adapt its parameters and results to the
// port-map conventions of the opset sub-graph ops (engine/ops/body_ports.h).
#include "engine/lua/lua_body_api.h"

#include <new>

#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/lua_guard.h"
#include "engine/lua/lua_values.h"
#include "engine/ops/body_ports.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

constexpr const char* kBodyMeta = "remo.Body";

struct BodyHandle {
  GraphPtr graph;
  std::string label;             // "body of node 'x'" for messages
  std::vector<Value> captured;   // outer values bound to the body's last Parameters
};

BodyHandle& check_body(lua_State* L, int index) {
  return *static_cast<BodyHandle*>(luaL_checkudata(L, index, kBodyMeta));
}

// The outer inputs the frontend appended for the captures of `key`: after the node's own inputs
// come the capture lists of every "...:captures" attribute, in attribute (key) order.
std::vector<Value> captured_inputs(const Node& node, const std::string& key) {
  const std::string suffix = ":captures";
  size_t total = 0, offset = 0;
  const std::vector<std::string>* mine = nullptr;
  for (const auto& [name, value] : node.attrs) {
    if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    const auto* list = std::get_if<std::vector<std::string>>(&value);
    if (!list) continue;
    if (name == key + suffix) {
      mine = list;
      offset = total;
    }
    total += list->size();
  }
  if (!mine || mine->empty()) return {};
  check(total <= node.inputs().size(), "node '" + node.name + "' has fewer inputs than captured values");
  size_t base = node.inputs().size() - total + offset;
  return std::vector<Value>(node.inputs().begin() + static_cast<std::ptrdiff_t>(base),
                            node.inputs().begin() + static_cast<std::ptrdiff_t>(base + mine->size()));
}

size_t checked_index(lua_State* L, int arg, size_t count, const BodyHandle& b, const char* what) {
  lua_Integer i = luaL_checkinteger(L, arg);
  if (i < 1 || static_cast<size_t>(i) > count)
    throw Error(b.label + ": no " + what + " " + std::to_string(i) + " (it has " + std::to_string(count) + ")");
  return static_cast<size_t>(i - 1);
}

const OutputInfo& param_info(lua_State* L, BodyHandle& b) {
  size_t i = checked_index(L, 2, b.graph->parameters().size(), b, "parameter");
  return b.graph->at(b.graph->parameters()[i]).outputs[0];
}

const OutputInfo& result_info(lua_State* L, BodyHandle& b) {
  size_t i = checked_index(L, 2, b.graph->results().size(), b, "result");
  return b.graph->output_info(b.graph->at(b.graph->results()[i]).input(0));
}

void push_shape(lua_State* L, const PartialShape& shape) {
  if (shape.rank_known()) push_int_list(L, shape.dims());
  else lua_pushnil(L);
}

void push_type(lua_State* L, ElementType t) {
  auto name = type_name(t);
  lua_pushlstring(L, name.data(), name.size());
}

// A binding: a Value (its type and shape), or {type = "f32", shape = {2, -1}} (no shape: any rank).
ParamBinding binding_from_lua(lua_State* L, int index, const std::string& context) {
  index = lua_absindex(L, index);
  if (is_value(L, index)) {
    const OutputInfo& o = lua_session(L).graph->output_info(to_value(L, index));
    return ParamBinding{o.type, o.shape};
  }
  if (!lua_istable(L, index)) throw Error(context + ": expected a Value or {type=, shape=}");
  ParamBinding b;
  if (lua_getfield(L, index, "type") == LUA_TSTRING) {
    auto t = parse_element_type(lua_tostring(L, -1));
    if (!t) throw Error(context + ": unknown element type '" + std::string(lua_tostring(L, -1)) + "'");
    b.type = *t;
  }
  lua_pop(L, 1);
  if (lua_getfield(L, index, "shape") == LUA_TTABLE) {
    std::vector<int64_t> dims;
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, -1, i);
      if (!lua_isinteger(L, -1)) throw Error(context + ": shape entries must be integers");
      dims.push_back(lua_tointeger(L, -1) < 0 ? kDynamicDim : lua_tointeger(L, -1));
      lua_pop(L, 1);
    }
    b.shape = PartialShape(dims);
  }
  lua_pop(L, 1);
  return b;
}

Value axes_constant(Graph& g, int64_t axis, const std::string& base) {
  Tensor t = Tensor::from_bytes(ElementType::i64, {1}, std::vector<uint8_t>(8));
  write_from_int64(ElementType::i64, const_cast<uint8_t*>(t.bytes()), 0, axis);
  return make_op(g, "opset1.Constant", {}, {{"value", t}}, g.unique_name(base + "/axes")).output();
}

// ---- remo.body ------------------------------------------------------------------------------

// remo.body(node, attr) -> Body, {captured outer Values}
int api_body(lua_State* L) {
  const Node& node = to_node(L, 1);
  std::string key = luaL_checkstring(L, 2);
  auto it = node.attrs.find(key);
  const GraphPtr* graph = it == node.attrs.end() ? nullptr : std::get_if<GraphPtr>(&it->second);
  if (!graph || !*graph) throw Error("node '" + node.name + "' (" + node.op() + ") has no graph attribute '" + key + "'");
  std::vector<Value> captured = captured_inputs(node, key);
  if (captured.size() > (*graph)->parameters().size())
    throw Error("node '" + node.name + "': " + key + " captures more values than it has parameters");
  auto* h = static_cast<BodyHandle*>(lua_newuserdatauv(L, sizeof(BodyHandle), 0));
  new (h) BodyHandle{*graph, key + " of node '" + node.name + "'", captured};
  luaL_setmetatable(L, kBodyMeta);
  lua_createtable(L, static_cast<int>(captured.size()), 0);
  for (size_t i = 0; i < captured.size(); ++i) {
    push_value_handle(L, captured[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 2;
}

// ---- Body methods ---------------------------------------------------------------------------

int body_gc(lua_State* L) {
  static_cast<BodyHandle*>(luaL_checkudata(L, 1, kBodyMeta))->~BodyHandle();
  return 0;
}

int body_param_count(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_body(L, 1).graph->parameters().size()));
  return 1;
}

int body_result_count(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_body(L, 1).graph->results().size()));
  return 1;
}

int body_param_type(lua_State* L) {
  push_type(L, param_info(L, check_body(L, 1)).type);
  return 1;
}

int body_param_shape(lua_State* L) {
  push_shape(L, param_info(L, check_body(L, 1)).shape);
  return 1;
}

int body_result_type(lua_State* L) {
  push_type(L, result_info(L, check_body(L, 1)).type);
  return 1;
}

int body_result_shape(lua_State* L) {
  push_shape(L, result_info(L, check_body(L, 1)).shape);
  return 1;
}

// b:translate({binding or false, ...}): binds the body's own parameters (its captured ones are
// bound to the captured values), then translates every framework op of the body.
int body_translate(lua_State* L) {
  BodyHandle& b = check_body(L, 1);
  LuaSession& s = lua_session(L);
  if (!s.translate_body) throw Error(b.label + ": bodies can only be translated from a translation");
  const size_t params = b.graph->parameters().size();
  const size_t own = params - b.captured.size();
  std::vector<std::optional<ParamBinding>> bindings(params);
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    if (static_cast<size_t>(n) > own)
      throw Error(b.label + ": " + std::to_string(n) + " bindings for " + std::to_string(own) + " parameters");
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, 2, i);
      if (!lua_isnil(L, -1) && !(lua_isboolean(L, -1) && !lua_toboolean(L, -1)))
        bindings[i - 1] = binding_from_lua(L, -1, b.label + " binding " + std::to_string(i));
      lua_pop(L, 1);
    }
  }
  for (size_t c = 0; c < b.captured.size(); ++c) {
    const OutputInfo& o = s.graph->output_info(b.captured[c]);
    bindings[own + c] = ParamBinding{o.type, o.shape};
  }
  infer_body(*b.graph, bindings);
  try {
    s.translate_body(*b.graph);
  } catch (const Error& e) {
    throw Error(b.label + ": " + e.what());
  }
  b.graph->remove_dead_nodes();
  return 0;
}

// b:squeeze_param(i, axis): the parameter gains a dimension of 1 at `axis` and its consumers read
// it with that dimension squeezed away (a sliced input seen one slice at a time).
int body_squeeze_param(lua_State* L) {
  BodyHandle& b = check_body(L, 1);
  Graph& g = *b.graph;
  size_t i = checked_index(L, 2, g.parameters().size(), b, "parameter");
  int64_t axis = luaL_checkinteger(L, 3);
  Node& param = g.at(g.parameters()[i]);
  PartialShape shape = param.outputs[0].shape;
  if (shape.rank_known()) {
    int64_t rank = static_cast<int64_t>(shape.rank()) + 1;
    if (axis < -rank || axis >= rank) throw Error(b.label + ": axis " + std::to_string(axis) + " out of range");
    std::vector<int64_t> dims = shape.dims();
    dims.insert(dims.begin() + (axis < 0 ? axis + rank : axis), 1);
    param.attrs["shape"] = dims;
    infer_node(g, param);
  }
  Value axes = axes_constant(g, axis, param.name);
  Node& squeeze = make_op(g, "opset1.Squeeze", {param.output(), axes}, {}, g.unique_name(param.name + "/squeeze"));
  g.replace_uses(param.output(), squeeze.output(), false);
  g.set_input(squeeze.id(), 0, param.output());
  infer_body(g, {});
  return 0;
}

// b:unsqueeze_result(i, axis): result i receives its value with a dimension of 1 inserted at
// `axis` (one slice of a concatenated output).
int body_unsqueeze_result(lua_State* L) {
  BodyHandle& b = check_body(L, 1);
  Graph& g = *b.graph;
  size_t i = checked_index(L, 2, g.results().size(), b, "result");
  int64_t axis = luaL_checkinteger(L, 3);
  Node& result = g.at(g.results()[i]);
  Value axes = axes_constant(g, axis, result.name);
  Node& unsqueeze = make_op(g, "opset1.Unsqueeze", {result.input(0), axes}, {}, g.unique_name(result.name + "/unsqueeze"));
  g.set_input(result.id(), 0, unsqueeze.output());
  infer_body(g, {});
  return 0;
}

// b:constant_param(i, values, type [, shape]): parameter i is removed and its consumers read a
// Constant instead; later parameters move down by one. A captured parameter may be replaced too
// (a captured value known at conversion time); it then leaves the captured list.
int body_constant_param(lua_State* L) {
  BodyHandle& b = check_body(L, 1);
  Graph& g = *b.graph;
  size_t i = checked_index(L, 2, g.parameters().size(), b, "parameter");
  const size_t own = g.parameters().size() - b.captured.size();
  Tensor t = tensor_from_lua(L, 3, 4, 5);
  if (i >= own) b.captured.erase(b.captured.begin() + static_cast<std::ptrdiff_t>(i - own));
  NodeId param = g.parameters()[i];
  Node& c = make_op(g, "opset1.Constant", {}, {{"value", t}}, g.unique_name(g.at(param).name + "/value"));
  g.replace_uses(g.at(param).output(), c.output(), false);
  g.remove_node(param);
  infer_body(g, {});
  return 0;
}

int body_tostring(lua_State* L) {
  BodyHandle& b = check_body(L, 1);
  lua_pushstring(L, ("Body(" + b.label + ", " + std::to_string(b.graph->parameters().size()) + " parameters, " +
                     std::to_string(b.graph->results().size()) + " results)").c_str());
  return 1;
}

}  // namespace

void push_body_handle(lua_State* L, GraphPtr graph, std::string label) {
  auto* h = static_cast<BodyHandle*>(lua_newuserdatauv(L, sizeof(BodyHandle), 0));
  new (h) BodyHandle{std::move(graph), std::move(label), {}};
  luaL_setmetatable(L, kBodyMeta);
}

GraphPtr to_body_graph(lua_State* L, int index) {
  auto* h = static_cast<BodyHandle*>(luaL_testudata(L, index, kBodyMeta));
  return h ? h->graph : nullptr;
}

void install_lua_body_api(LuaSandbox& sandbox, LuaRegistrations*) {
  lua_State* L = sandbox.state();
  static const luaL_Reg methods[] = {{"param_count", lua_guarded<body_param_count>},
                                     {"result_count", lua_guarded<body_result_count>},
                                     {"param_type", lua_guarded<body_param_type>},
                                     {"param_shape", lua_guarded<body_param_shape>},
                                     {"result_type", lua_guarded<body_result_type>},
                                     {"result_shape", lua_guarded<body_result_shape>},
                                     {"translate", lua_guarded<body_translate>},
                                     {"squeeze_param", lua_guarded<body_squeeze_param>},
                                     {"unsqueeze_result", lua_guarded<body_unsqueeze_result>},
                                     {"constant_param", lua_guarded<body_constant_param>},
                                     {nullptr, nullptr}};
  luaL_newmetatable(L, kBodyMeta);
  lua_pushcfunction(L, body_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, lua_guarded<body_tostring>);
  lua_setfield(L, -2, "__tostring");
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
  sandbox.push_globals();
  lua_getfield(L, -1, "remo");
  lua_pushcfunction(L, lua_guarded<api_body>);
  lua_setfield(L, -2, "body");
  lua_pop(L, 2);
}

}  // namespace remo
