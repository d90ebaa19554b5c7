#pragma once
// OpDesc attributes as remo attributes. Every Paddle AttrType has a form:
//   INT, LONG -> int; FLOAT, FLOAT64 -> float; STRING -> string; BOOLEAN -> bool;
//   INTS, LONGS, BOOLEANS (0/1) -> ints; FLOATS, FLOAT64S -> floats; STRINGS -> strings;
//   BLOCK -> int (the block's index), BLOCKS -> ints; VAR -> string (the variable's name),
//   VARS -> strings; SCALAR -> bool, int or float by its kind; SCALARS -> ints when every
//   element is a bool or an int, else floats. Complex scalars are refused.
// The debugging attribute "op_callstack" (Python stack traces) is dropped.
#include "engine/graph/attribute.h"
#include "frontends/paddle/proto/framework.pb.h"

namespace remo::paddle_import {

// Throws remo::Error naming the attribute that is malformed or unsupported.
Attributes convert_attributes(const paddle_proto::OpDesc& op);

}  // namespace remo::paddle_import
