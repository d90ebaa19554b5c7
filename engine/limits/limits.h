#pragma once
// Limits on what a model or rule file may ask of remo, so that a hostile or broken file gets a
// clear error instead of exhausting the stack, memory or time. Each limit has a default that real
// models stay far below, and an environment variable that raises (or lowers) it; an error for a
// limit that was hit names the limit, its value and that variable. See docs/reliability.md.
#include <cstdint>
#include <cstdlib>
#include <string>

namespace remo {

struct Limit {
  const char* variable;    // environment variable that sets it, e.g. "REMO_MAX_GRAPH_DEPTH"
  uint64_t default_value;
  const char* unit;        // "levels", "elements", "bytes"
};

// If-/Loop-/Scan-body (sub-graph) and function nesting depth of a model.
inline constexpr Limit kMaxGraphDepth{"REMO_MAX_GRAPH_DEPTH", 64, "levels"};
// Elements of one tensor (weights, constants, folded values).
inline constexpr Limit kMaxTensorElements{"REMO_MAX_TENSOR_ELEMENTS", uint64_t{1} << 34, "elements"};
// Nesting of arrays and objects in a rule file or transformations config.
inline constexpr Limit kMaxJsonDepth{"REMO_MAX_JSON_DEPTH", 256, "levels"};
// Bytes of one name or string attribute read from a model.
inline constexpr Limit kMaxStringBytes{"REMO_MAX_STRING_BYTES", 1u << 20, "bytes"};

// The limit's value: its environment variable when set, else the default. Throws remo::Error if
// the variable is set to anything but a positive decimal integer.
uint64_t limit_value(const Limit& limit);

// Throws remo::Error("<what> has <value> <unit>, more than N (limit VAR=N; raise it by setting
// that environment variable, e.g. VAR=2N)") when value exceeds the limit.
void check_limit(const Limit& limit, uint64_t value, const std::string& what);

// `what_happened` followed by the limit's "(limit VAR=N; raise it ...)" note, for callers that
// detect the excess another way.
std::string limit_message(const Limit& limit, const std::string& what_happened);

}  // namespace remo
