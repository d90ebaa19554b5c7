#pragma once
// mo's transformations-config files (--transformations_config), read unchanged: a JSON array of
// entries, each with `id`, `match_kind` (scope | points | general), `instances`, optional
// `inputs`/`outputs` (scope), `include_inputs_to_sub_graph`/`include_outputs_to_sub_graph`
// (points, default true), `custom_attributes` (default {}), and the `op` shortcut. Unknown keys
// are accepted, as mo's schema does. See docs/transformations-config.md.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/rules/mo_config/py_regex.h"

namespace remo {

enum class MatchKind { scope, points, general };
const char* match_kind_name(MatchKind kind);

// One (node-name regex, port) item of `inputs` or `outputs`.
struct MoPortPattern {
  std::string node;
  uint32_t port = 0;
};

struct MoConfigEntry {
  size_t index = 0;  // position in the file's array, for messages ("[2]")
  std::string id;
  MatchKind kind = MatchKind::points;
  std::vector<PyRegex> scopes;                 // scope: instance regexes, in file order
  std::vector<std::string> start_points;       // points
  std::vector<std::string> end_points;         // points
  bool include_inputs = true;                  // points; mo's Points class defaults both to true
  bool include_outputs = true;
  std::vector<std::vector<MoPortPattern>> inputs;  // scope: per sub-graph input, its consumers
  std::vector<MoPortPattern> outputs;              // scope: per sub-graph output, its producer
  nlohmann::json custom_attributes = nlohmann::json::object();
  std::optional<std::string> op;               // the `op` shortcut
  nlohmann::json raw;                          // the entry as written (for the config update)

  // "entry [2] 'ObjectDetectionAPIPreprocessorReplacement'" for messages.
  std::string label() const;
};

struct MoConfig {
  std::string path;  // as given by the user; used in every message
  std::vector<MoConfigEntry> entries;
};

// Reads and validates a config. Throws remo::Error naming the file and the JSON path of every
// problem found ("ssd.json: [1].instances.start_points[0]: expected a string"), all at once.
MoConfig load_mo_config(const std::string& path);
// The same from text already read; `path` only names it in messages.
MoConfig parse_mo_config(const std::string& text, const std::string& path);
// Where --transformations_config VALUE points: VALUE if it exists; else, as mo looks in its own
// tree, the built-in configs folder's VALUE, then its file of VALUE's name (so mo's spelling
// "front/tf/ssd_v2_support.json" finds configs/ssd_v2_support.json). Throws if none exists.
std::string resolve_mo_config_path(const std::string& value, const std::string& builtin_configs);

}  // namespace remo
