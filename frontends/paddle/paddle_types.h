#pragma once
// Paddle's VarType element types as remo element types.
#include <optional>
#include <string>

#include "engine/graph/element_type.h"
#include "frontends/paddle/proto/framework.pb.h"

namespace remo::paddle_import {

// nullopt for a kind that is not an element type (DENSE_TENSOR...) or that remo has no type for
// (complex, fp8, size_t).
std::optional<ElementType> element_type_from_paddle(int type);
// "FP32", "COMPLEX64", or the number when the enum has no such value, for messages.
std::string paddle_type_name(int type);

}  // namespace remo::paddle_import
