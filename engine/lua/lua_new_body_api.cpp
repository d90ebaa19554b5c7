// remo.new_body(like, build): a rule makes a body for an opset sub-graph op (If, Loop...) from
// scratch. The body gets one Parameter per Value in `like` (same element type and shape), and
// build(p1, p2, ...) runs with the body as the current graph: the Values it returns become the
// body's Results, in order. Values of the enclosing graph are stale inside build (a body sees
// only its Parameters), and the body's Values are stale outside it.
#include <string>
#include <vector>

#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/lua_body_api.h"
#include "engine/lua/lua_guard.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

Node& make_parameter(Graph& body, const OutputInfo& like, size_t index) {
  Attributes attrs{{"element_type", like.type}};
  if (like.shape.rank_known()) attrs["shape"] = like.shape.dims();
  else attrs["dynamic_rank"] = true;
  return make_op(body, "opset1.Parameter", {}, std::move(attrs), body.unique_name("param" + std::to_string(index)));
}

int api_new_body(lua_State* L) {
  LuaSession& outer = lua_session(L);
  const std::string context = "remo.new_body (" + outer.rule + ")";
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  std::vector<OutputInfo> params;
  const lua_Integer n = luaL_len(L, 1);
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, 1, i);
    if (!is_value(L, -1)) throw Error(context + ": parameter " + std::to_string(i) + " is not a Value");
    params.push_back(outer.graph->output_info(to_value(L, -1)));
    lua_pop(L, 1);
  }

  auto body = std::make_shared<Graph>();
  LuaSession inner{body.get(), new_lua_epoch(), kNoNode, outer.rule, {}};
  {
    LuaSessionScope scope(L, inner);
    lua_pushvalue(L, 2);
    for (size_t i = 0; i < params.size(); ++i) push_value_handle(L, make_parameter(*body, params[i], i).output(0));
    const int base = lua_gettop(L) - static_cast<int>(params.size()) - 1;
    // A protected call, so that the session scope above is restored when build fails.
    if (lua_pcall(L, static_cast<int>(params.size()), LUA_MULTRET, 0) != LUA_OK) {
      std::string message = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error object is not a string";
      lua_settop(L, base);
      throw Error(context + ": " + message);
    }
    const int results = lua_gettop(L) - base;
    if (results == 0) throw Error(context + ": the build function returned no Values");
    for (int r = 1; r <= results; ++r) {
      if (!is_value(L, base + r)) throw Error(context + ": result " + std::to_string(r) + " is not a Value of the body");
      make_op(*body, "opset1.Result", {to_value(L, base + r)}, {}, body->unique_name("result" + std::to_string(r - 1)));
    }
    lua_settop(L, base);
  }
  body->remove_dead_nodes();
  push_body_handle(L, body, "body made by rule '" + outer.rule + "'");
  return 1;
}

}  // namespace

void install_lua_new_body_api(LuaSandbox& sandbox) {
  lua_State* L = sandbox.state();
  sandbox.push_globals();
  lua_getfield(L, -1, "remo");
  lua_pushcfunction(L, lua_guarded<api_new_body>);
  lua_setfield(L, -2, "new_body");
  lua_pop(L, 2);
}

}  // namespace remo
