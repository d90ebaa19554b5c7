#include "engine/graph/attribute.h"

namespace remo {

const char* attr_kind_name(const AttrValue& value) {
  static const char* const kNames[] = {"bool",    "int",    "float",        "string", "ints",
                                       "floats",  "strings", "element type", "tensor", "graph",
                                       "graphs"};
  return kNames[value.index()];
}

}  // namespace remo
