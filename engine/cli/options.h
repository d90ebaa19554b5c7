#pragma once
// Command-line parsing with mo's flag spelling (--flag value or --flag=value).
#include <optional>
#include <string>
#include <vector>

#include "engine/pipeline/convert.h"

namespace remo {

struct CliRequest {
  bool help = false;
  bool version = false;
  ConvertOptions convert;
};

// Throws remo::Error with a message fit for the user on a wrong flag or value.
CliRequest parse_command_line(const std::vector<std::string>& args);
// "[1,3,224,224],[1,10]" or "(1,3,?,?)": mo's --input_shape syntax; -1 or ? is dynamic.
std::vector<PartialShape> parse_shape_list(const std::string& text);
std::string usage_text();

}  // namespace remo
