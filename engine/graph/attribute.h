#pragma once
// Typed attribute values shared by framework ops and opset ops.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "engine/graph/element_type.h"
#include "engine/graph/tensor.h"

namespace remo {

class Graph;
using GraphPtr = std::shared_ptr<Graph>;

using AttrValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>,
                               std::vector<double>, std::vector<std::string>, ElementType, Tensor,
                               GraphPtr, std::vector<GraphPtr>>;

// Ordered by name so that iteration (and everything written from it) is deterministic.
using Attributes = std::map<std::string, AttrValue>;

// "int", "float", "ints", "tensor"... for error messages.
const char* attr_kind_name(const AttrValue& value);

}  // namespace remo
