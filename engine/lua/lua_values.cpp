#include "engine/lua/lua_values.h"

#include "engine/lua/lua_body_api.h"

#include <cmath>

#include "engine/graph/error.h"

namespace remo {
namespace {

constexpr const char* kTensorMeta = "remo.Tensor";

const Tensor& check_tensor(lua_State* L, int index) {
  return *static_cast<Tensor*>(luaL_checkudata(L, index, kTensorMeta));
}

void push_tensor(lua_State* L, const Tensor& t) {
  void* mem = lua_newuserdatauv(L, sizeof(Tensor), 0);
  new (mem) Tensor(t);
  luaL_setmetatable(L, kTensorMeta);
}

int tensor_gc(lua_State* L) {
  static_cast<Tensor*>(luaL_checkudata(L, 1, kTensorMeta))->~Tensor();
  return 0;
}

int tensor_type(lua_State* L) {
  auto name = type_name(check_tensor(L, 1).type());
  lua_pushlstring(L, name.data(), name.size());
  return 1;
}

int tensor_shape(lua_State* L) {
  push_int_list(L, check_tensor(L, 1).shape());
  return 1;
}

int tensor_values(lua_State* L) {
  const Tensor& t = check_tensor(L, 1);
  if (t.element_count() > kMaxLuaTensorElements || bit_width(t.type()) < 8)
    return luaL_error(L, "tensor of %d elements is too large (or packed) to read into Lua",
                      static_cast<int>(t.element_count()));
  push_tensor_values(L, t);
  return 1;
}

bool is_integer_list(lua_State* L, int index, lua_Integer n) {
  for (lua_Integer i = 1; i <= n; ++i) {
    lua_geti(L, index, i);
    bool ok = lua_isinteger(L, -1);
    lua_pop(L, 1);
    if (!ok) return false;
  }
  return true;
}

AttrValue attr_from_lua(lua_State* L, int index, const std::string& context) {
  index = lua_absindex(L, index);
  switch (lua_type(L, index)) {
    case LUA_TBOOLEAN: return static_cast<bool>(lua_toboolean(L, index));
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) return static_cast<int64_t>(lua_tointeger(L, index));
      return static_cast<double>(lua_tonumber(L, index));
    case LUA_TSTRING: return std::string(lua_tostring(L, index));
    case LUA_TUSERDATA:
      if (luaL_testudata(L, index, kTensorMeta)) return check_tensor(L, index);
      if (GraphPtr body = to_body_graph(L, index)) return body;
      break;
    case LUA_TTABLE: {
      lua_Integer n = luaL_len(L, index);
      if (n == 0 || is_integer_list(L, index, n)) {
        std::vector<int64_t> out;
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_geti(L, index, i);
          out.push_back(lua_tointeger(L, -1));
          lua_pop(L, 1);
        }
        return out;
      }
      lua_geti(L, index, 1);
      bool strings = lua_type(L, -1) == LUA_TSTRING;
      lua_pop(L, 1);
      if (strings) {
        std::vector<std::string> out;
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_geti(L, index, i);
          if (lua_type(L, -1) != LUA_TSTRING) throw Error(context + ": a list mixes strings and other values");
          out.emplace_back(lua_tostring(L, -1));
          lua_pop(L, 1);
        }
        return out;
      }
      std::vector<double> out;
      for (lua_Integer i = 1; i <= n; ++i) {
        lua_geti(L, index, i);
        if (lua_type(L, -1) != LUA_TNUMBER) throw Error(context + ": a list mixes numbers and other values");
        out.push_back(lua_tonumber(L, -1));
        lua_pop(L, 1);
      }
      return out;
    }
    default: break;
  }
  throw Error(context + ": cannot use a Lua " + luaL_typename(L, index) + " as an attribute");
}

}  // namespace

void push_int_list(lua_State* L, const std::vector<int64_t>& values) {
  lua_createtable(L, static_cast<int>(values.size()), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    lua_pushinteger(L, values[i]);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

void push_tensor_values(lua_State* L, const Tensor& t) {
  if (t.element_count() > kMaxLuaTensorElements)
    throw Error("tensor of " + std::to_string(t.element_count()) + " elements is too large to read into Lua");
  lua_createtable(L, static_cast<int>(t.element_count()), 0);
  bool integral = is_integral(t.type()) || t.type() == ElementType::boolean;
  for (size_t i = 0; i < t.element_count(); ++i) {
    if (integral) lua_pushinteger(L, read_as_int64(t.type(), t.bytes(), i));
    else lua_pushnumber(L, read_as_double(t.type(), t.bytes(), i));
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

void push_attr(lua_State* L, const AttrValue& value) {
  std::visit(
      [L](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          lua_pushboolean(L, v);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          lua_pushinteger(L, v);
        } else if constexpr (std::is_same_v<T, double>) {
          lua_pushnumber(L, v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          lua_pushlstring(L, v.data(), v.size());
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          push_int_list(L, v);
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          lua_createtable(L, static_cast<int>(v.size()), 0);
          for (size_t i = 0; i < v.size(); ++i) {
            lua_pushnumber(L, v[i]);
            lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
          }
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          lua_createtable(L, static_cast<int>(v.size()), 0);
          for (size_t i = 0; i < v.size(); ++i) {
            lua_pushlstring(L, v[i].data(), v[i].size());
            lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
          }
        } else if constexpr (std::is_same_v<T, ElementType>) {
          auto name = type_name(v);
          lua_pushlstring(L, name.data(), name.size());
        } else if constexpr (std::is_same_v<T, Tensor>) {
          push_tensor(L, v);
        } else {
          throw Error("a graph attribute is read with remo.body(node, name), not node:attr");
        }
      },
      value);
}

Attributes attrs_from_table(lua_State* L, int index, const std::string& context) {
  index = lua_absindex(L, index);
  luaL_checktype(L, index, LUA_TTABLE);
  Attributes attrs;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) throw Error(context + ": attribute names must be strings");
    std::string key = lua_tostring(L, -2);
    attrs[key] = attr_from_lua(L, -1, context + " attribute '" + key + "'");
    lua_pop(L, 1);
  }
  return attrs;
}

Tensor tensor_from_lua(lua_State* L, int values_index, int type_index, int shape_index) {
  if (luaL_testudata(L, values_index, kTensorMeta)) return check_tensor(L, values_index);
  std::vector<double> doubles;
  std::vector<int64_t> ints;
  bool all_integers = true;
  auto take = [&](int idx) {
    if (lua_type(L, idx) != LUA_TNUMBER) throw Error("remo.const: values must be numbers");
    if (lua_isinteger(L, idx)) {
      ints.push_back(lua_tointeger(L, idx));
      doubles.push_back(static_cast<double>(ints.back()));
    } else {
      all_integers = false;
      doubles.push_back(lua_tonumber(L, idx));
      ints.push_back(0);
    }
  };
  Shape shape;
  if (lua_type(L, values_index) == LUA_TTABLE) {
    lua_Integer n = luaL_len(L, values_index);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, values_index, i);
      take(-1);
      lua_pop(L, 1);
    }
    shape = {static_cast<int64_t>(n)};
  } else {
    take(values_index);  // a scalar
  }
  ElementType type = all_integers ? ElementType::i64 : ElementType::f32;
  if (!lua_isnoneornil(L, type_index)) {
    const char* name = luaL_checkstring(L, type_index);
    auto parsed = parse_element_type(name);
    if (!parsed || bit_width(*parsed) < 8) throw Error(std::string("remo.const: unknown element type '") + name + "'");
    type = *parsed;
  }
  if (!lua_isnoneornil(L, shape_index)) {
    luaL_checktype(L, shape_index, LUA_TTABLE);
    shape.clear();
    lua_Integer n = luaL_len(L, shape_index);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, shape_index, i);
      shape.push_back(lua_tointeger(L, -1));
      lua_pop(L, 1);
    }
  }
  size_t count = element_count(shape);
  if (count != doubles.size())
    throw Error("remo.const: " + std::to_string(doubles.size()) + " values do not fill shape " + shape_to_string(shape));
  std::vector<uint8_t> bytes(byte_size(type, count));
  for (size_t i = 0; i < count; ++i) {
    if (is_floating(type)) write_from_double(type, bytes.data(), i, doubles[i]);
    else write_from_int64(type, bytes.data(), i, all_integers ? ints[i] : static_cast<int64_t>(doubles[i]));
  }
  return Tensor::from_bytes(type, std::move(shape), std::move(bytes));
}

void register_tensor_type(lua_State* L) {
  static const luaL_Reg methods[] = {
      {"type", tensor_type}, {"shape", tensor_shape}, {"values", tensor_values}, {nullptr, nullptr}};
  luaL_newmetatable(L, kTensorMeta);
  lua_pushcfunction(L, tensor_gc);
  lua_setfield(L, -2, "__gc");
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, "locked");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

}  // namespace remo
