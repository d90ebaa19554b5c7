#pragma once
// Conversions between Lua values and remo attribute values and tensors.
#include <string>
#include <vector>

#include <lua.hpp>

#include "engine/graph/attribute.h"

namespace remo {

// The largest tensor whose values a script may read into a Lua table.
constexpr size_t kMaxLuaTensorElements = size_t{1} << 20;

void push_int_list(lua_State* L, const std::vector<int64_t>& values);
// Pushes a tensor's values as a flat table of numbers (integers for integral types).
// Throws remo::Error above kMaxLuaTensorElements.
void push_tensor_values(lua_State* L, const Tensor& t);
// Pushes an attribute: booleans, integers, numbers, strings, lists as tables, element types as
// their names, tensors as remo.Tensor handles. Graph attributes are refused.
void push_attr(lua_State* L, const AttrValue& value);
// Reads a table {name = value} into attributes; `context` prefixes error messages.
Attributes attrs_from_table(lua_State* L, int index, const std::string& context);
// Reads remo.const's arguments: either a remo.Tensor at `values_index`, or values (a number or
// a flat table) with an element type name at `type_index` and an optional shape table.
Tensor tensor_from_lua(lua_State* L, int values_index, int type_index, int shape_index);
void register_tensor_type(lua_State* L);

}  // namespace remo
