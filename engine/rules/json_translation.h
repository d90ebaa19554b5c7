#pragma once
// Reads JSON mapping tables: {"translations": {"onnx.Relu": {"op": "opset1.Relu"}, ...}}.
// The format is described in docs/rules.md.
#include <map>
#include <string>

#include "engine/rules/rule_set.h"

namespace remo {

// Parses one JSON rule file; throws remo::Error naming `display` and the JSON path at fault.
std::map<std::string, Translator> parse_json_rule_file(const std::string& path, const std::string& display);

}  // namespace remo
