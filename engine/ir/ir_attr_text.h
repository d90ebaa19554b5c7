#pragma once
// How values are spelled as text in an OpenVINO IR .xml (<data> attributes, port names), in both
// directions. The spellings follow what the OpenVINO IR reader parses; see
// shared/reference/ir-format.md §2.
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph/attribute.h"
#include "engine/ops/op_registry.h"

namespace remo {

// The <data> spelling of `value`, which must hold `kind`: bools true/false, integers in decimal,
// doubles in their shortest exact round-trip form, lists joined with ", ", element types by
// their lowercase names, strings as they are. Throws remo::Error when the value is of another
// kind, of a kind that has no attribute spelling (tensor), or a non-finite double.
std::string format_attr_value(AttrKind kind, const AttrValue& value);

// The inverse of format_attr_value. Throws remo::Error describing what was expected.
AttrValue parse_attr_value(AttrKind kind, std::string_view text);

// Shortest text that reads back as exactly `value`. Throws remo::Error for inf/nan, which the
// OpenVINO reader would silently read as 0.
std::string format_double(double value);

// Dimensions joined with ", " ("" for a scalar), as in Const's shape attribute.
std::string join_dims(const std::vector<int64_t>& dims);

// Tensor names for an output port's `names`: sorted, joined with ",", a comma inside a name
// escaped as "\,".
std::string join_tensor_names(std::vector<std::string> names);
// Splits `names` on commas not preceded by a backslash and unescapes "\,".
std::vector<std::string> split_tensor_names(std::string_view text);

}  // namespace remo
