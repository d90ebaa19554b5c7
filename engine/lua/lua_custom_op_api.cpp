// remo.custom_op: declares an op that an OpenVINO runtime extension implements, with its shape
// inference written in Lua. The op becomes an OpDef in the rule set's CustomOpRegistry, so that
// remo.op creates it like any opset op and the IR writer writes it as a layer of its own type.
#include <cstdint>
#include <memory>
#include <optional>

#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/lua_guard.h"
#include "engine/lua/lua_values.h"

namespace remo {
namespace {

// Input values a shape function sees (value = {...}) are limited to small constants.
constexpr size_t kMaxInferValueElements = 4096;

struct InputDesc {
  bool present = false;
  ElementType type = ElementType::dynamic;
  PartialShape shape;
  std::optional<Tensor> value;
};

std::vector<InputDesc> describe_inputs(const Graph& g, const std::vector<Value>& inputs) {
  std::vector<InputDesc> out(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].valid()) continue;
    const OutputInfo& info = g.output_info(inputs[i]);
    out[i] = InputDesc{true, info.type, info.shape, try_fold(g, inputs[i])};
  }
  return out;
}

std::vector<InputDesc> describe_inputs(const InferContext& ctx) {
  std::vector<InputDesc> out(ctx.input_count());
  for (size_t i = 0; i < out.size(); ++i)
    if (ctx.has_input(i)) out[i] = InputDesc{true, ctx.input_type(i), ctx.input_shape(i), ctx.input_constant(i)};
  return out;
}

struct LuaInfer {
  LuaSandbox* sandbox;
  int function_ref;
  std::string op;
  std::string where;

  // Calls infer(inputs, attrs) and reads back one {type, shape} per output.
  std::vector<OutputInfo> operator()(const std::vector<InputDesc>& inputs, const Attributes& attrs) const {
    lua_State* L = sandbox->state();
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, function_ref);
    lua_createtable(L, static_cast<int>(inputs.size()), 0);
    for (size_t i = 0; i < inputs.size(); ++i) {
      const InputDesc& in = inputs[i];
      if (!in.present) {
        lua_pushboolean(L, 0);
      } else {
        lua_createtable(L, 0, 3);
        auto name = type_name(in.type);
        lua_pushlstring(L, name.data(), name.size());
        lua_setfield(L, -2, "type");
        if (in.shape.rank_known()) {
          push_int_list(L, in.shape.dims());
          lua_setfield(L, -2, "shape");
        }
        const auto& t = in.value;
        if (t && t->element_count() <= kMaxInferValueElements && bit_width(t->type()) >= 8 &&
            t->type() != ElementType::string) {
          push_tensor_values(L, *t);
          lua_setfield(L, -2, "value");
        }
      }
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    lua_newtable(L);
    for (const auto& [key, value] : attrs) {
      push_attr(L, value);
      lua_setfield(L, -2, key.c_str());
    }
    try {
      sandbox->call(2, 1);
      std::vector<OutputInfo> outs = read_outputs(L);
      lua_settop(L, top);
      return outs;
    } catch (const Error& e) {
      lua_settop(L, top);
      throw Error("shape inference of custom op " + op + " (" + where + "): " + e.what());
    }
  }

  static std::vector<OutputInfo> read_outputs(lua_State* L) {
    if (!lua_istable(L, -1)) throw Error("must return a list of {type = ..., shape = {...}}, one per output");
    std::vector<OutputInfo> outs;
    lua_Integer n = luaL_len(L, -1);
    if (n < 1) throw Error("returned no outputs");
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, -1, i);
      std::string at = "output " + std::to_string(i) + ": ";
      if (!lua_istable(L, -1)) throw Error(at + "expected a table {type = ..., shape = {...}}");
      OutputInfo info;
      lua_getfield(L, -1, "type");
      const char* type = lua_tostring(L, -1);
      auto parsed = type ? parse_element_type(type) : std::nullopt;
      if (!parsed) throw Error(at + "type '" + (type ? type : "nil") + "' is not an element type name");
      info.type = *parsed;
      lua_pop(L, 1);
      if (lua_getfield(L, -1, "shape") == LUA_TTABLE) {
        std::vector<int64_t> dims;
        lua_Integer r = luaL_len(L, -1);
        for (lua_Integer k = 1; k <= r; ++k) {
          lua_geti(L, -1, k);
          if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < -1)
            throw Error(at + "shape[" + std::to_string(k) + "] is not a dimension (an integer, -1 when dynamic)");
          dims.push_back(lua_tointeger(L, -1));
          lua_pop(L, 1);
        }
        info.shape = PartialShape(dims);
      } else if (!lua_isnil(L, -1)) {
        throw Error(at + "shape must be a list of dimensions, or nil for a dynamic rank");
      }
      lua_pop(L, 2);
      outs.push_back(std::move(info));
    }
    return outs;
  }
};

std::string string_field(lua_State* L, const char* key, const std::string& fallback) {
  std::string out = fallback;
  int t = lua_getfield(L, 1, key);
  if (t == LUA_TSTRING) out = lua_tostring(L, -1);
  else if (t != LUA_TNIL) throw Error(std::string("remo.custom_op: '") + key + "' must be a string");
  lua_pop(L, 1);
  return out;
}

// remo.custom_op{op = "myext.MyLayer", infer = fn, ir_type = "MyLayer", ir_version = "extension",
//                inputs = n | {min, max}}
int api_custom_op(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  LuaRegistrations* sink = lua_registrations(L);
  bool running = true;
  try {
    lua_session(L);
  } catch (const Error&) {
    running = false;
  }
  if (!sink || running) throw Error("remo.custom_op may only be called while a rule file loads");
  std::string op = string_field(L, "op", "");
  if (op.find('.') == std::string::npos || op.front() == '.' || op.back() == '.')
    throw Error("remo.custom_op: op '" + op + "' must be a qualified name such as \"myext.MyLayer\"");
  if (op.rfind("opset", 0) == 0 || OpRegistry::instance().find(op))
    throw Error("remo.custom_op: '" + op + "' is an opset name; custom ops use a domain of their own");
  OpDef def;
  def.name = op;
  def.ir_type = string_field(L, "ir_type", op.substr(op.rfind('.') + 1));
  def.ir_version = string_field(L, "ir_version", "extension");
  def.min_inputs = 0;
  def.max_inputs = SIZE_MAX;
  int t = lua_getfield(L, 1, "inputs");
  if (t == LUA_TNUMBER) {
    def.min_inputs = def.max_inputs = static_cast<size_t>(luaL_checkinteger(L, -1));
  } else if (t == LUA_TTABLE) {
    lua_geti(L, -1, 1);
    lua_geti(L, -2, 2);
    def.min_inputs = static_cast<size_t>(luaL_checkinteger(L, -2));
    def.max_inputs = lua_isnil(L, -1) ? SIZE_MAX : static_cast<size_t>(luaL_checkinteger(L, -1));
    lua_pop(L, 2);
  } else if (t != LUA_TNIL) {
    throw Error("remo.custom_op('" + op + "'): inputs must be a count or {min, max}");
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "infer") != LUA_TFUNCTION)
    throw Error("remo.custom_op('" + op + "'): infer must be a function(inputs, attrs) returning the outputs");
  LuaInfer infer{&sandbox_of(L), luaL_ref(L, LUA_REGISTRYINDEX), op, lua_caller_position(L)};

  // make_op asks for the output count before it creates the node, then infers: the Lua function
  // runs once, for the count, and its answer is kept for the inference that follows.
  auto pending = std::make_shared<std::optional<std::vector<OutputInfo>>>();
  def.output_count_from_inputs = [infer, pending](const Graph& g, const std::vector<Value>& inputs,
                                                  const Attributes& attrs) {
    *pending = infer(describe_inputs(g, inputs), attrs);
    return (*pending)->size();
  };
  def.infer = [infer, pending](InferContext& ctx) {
    std::vector<OutputInfo> outs;
    if (*pending) {
      outs = std::move(**pending);
      pending->reset();
    } else {  // re-inference of an existing node (infer_node)
      outs = infer(describe_inputs(ctx), ctx.node().attrs);
    }
    if (outs.size() != ctx.node().outputs.size())
      ctx.fail("shape inference returned " + std::to_string(outs.size()) + " outputs, expected " +
               std::to_string(ctx.node().outputs.size()));
    for (size_t i = 0; i < outs.size(); ++i) ctx.set_output(i, outs[i].type, outs[i].shape);
  };
  sink->custom_ops.add(std::move(def));
  return 0;
}

}  // namespace

void install_lua_custom_op_api(LuaSandbox& sandbox, LuaRegistrations* sink) {
  lua_State* L = sandbox.state();
  sandbox.push_globals();
  lua_getfield(L, -1, "remo");
  lua_pushcfunction(L, lua_guarded<api_custom_op>);
  lua_setfield(L, -2, "custom_op");
  lua_pop(L, 2);
}

}  // namespace remo
