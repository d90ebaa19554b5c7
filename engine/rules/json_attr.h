#pragma once
// Attribute values written in JSON rule files and configs.
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/graph/attribute.h"

namespace remo {

// A JSON boolean, integer, number, string, or flat list of one of those, as an attribute value
// (an empty list is an empty integer list); nullopt for objects, null, nested or mixed lists.
std::optional<AttrValue> attr_from_json(const nlohmann::json& j);

}  // namespace remo
