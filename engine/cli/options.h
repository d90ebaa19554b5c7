#pragma once
// Command-line parsing with mo's flag spelling (--flag value or --flag=value).
#include <optional>
#include <string>
#include <vector>

#include "engine/pipeline/convert.h"

namespace remo {

// mo's --log_level names; INFO and below also print each conversion stage.
enum class LogLevel { notset, debug, info, warning, error, critical };

struct CliRequest {
  bool help = false;
  bool version = false;
  bool silent = false;    // --silent: no warnings, no success lines; errors only
  bool progress = false;  // --progress: a progress line per conversion stage
  LogLevel log_level = LogLevel::error;
  ConvertOptions convert;
};

// Throws remo::Error with a message fit for the user on a wrong flag or value.
CliRequest parse_command_line(const std::vector<std::string>& args);
// "[1,3,224,224],[1,10]" or "(1,3,?,?)": mo's --input_shape syntax; -1 or ? is dynamic.
std::vector<PartialShape> parse_shape_list(const std::string& text);
std::string usage_text();
LogLevel parse_log_level(const std::string& text);
bool is_bool_word(const std::string& word);

}  // namespace remo
