#pragma once
// JSON from rule files and configs is parsed with a nesting cap: the parser itself does not
// recurse, but what walks the result (pattern parsing, matching, dumping a config back) does, so a
// file of a million '[' must stop at the parser with a clear error rather than overflow the stack.
#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "engine/limits/limits.h"

namespace remo {

// Parses `input` (a string or stream) like Json::parse (Json: nlohmann::json or ordered_json);
// nesting deeper than REMO_MAX_JSON_DEPTH throws remo::Error naming the limit (callers add the
// file name). Syntax errors still throw nlohmann::json::exception.
template <typename Json = nlohmann::json, typename Input>
Json parse_json_depth_limited(Input&& input) {
  const uint64_t max = limit_value(kMaxJsonDepth);
  return Json::parse(std::forward<Input>(input),
                     [max](int depth, typename Json::parse_event_t, Json&) {
                       if (static_cast<uint64_t>(depth) > max)
                         throw Error(limit_message(kMaxJsonDepth,
                                                   "JSON nested more than " + std::to_string(max) + " levels deep"));
                       return true;
                     });
}

}  // namespace remo
