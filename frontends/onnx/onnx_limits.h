#pragma once
// Limits that keep a hostile .onnx file from exhausting the stack or memory; the values come
// from engine/limits (defaults, or the REMO_MAX_* environment variables).
#include <algorithm>
#include <cstdint>
#include <string>

#include "engine/limits/limits.h"

namespace remo::onnx_import {

// Sub-graphs (If/Loop/Scan bodies) may nest this deep; each level is read recursively.
inline int max_graph_depth() { return static_cast<int>(std::min<uint64_t>(limit_value(kMaxGraphDepth), 1 << 20)); }

// Protobuf's own nesting budget for the messages we let it parse. One sub-graph level costs three
// message levels (GraphProto > NodeProto > AttributeProto), so the default budget of 100 would
// reject legitimate nesting long before max_graph_depth(); the slack covers value types.
inline int protobuf_recursion_limit() { return max_graph_depth() * 3 + 64; }

// Names and string attributes are at most kMaxStringBytes long; `what` says what the string is
// ("tensor name"), the message quotes its start.
inline void check_string(const std::string& text, const std::string& what) {
  if (text.size() > 64 && text.size() > limit_value(kMaxStringBytes))
    check_limit(kMaxStringBytes, text.size(), what + " '" + text.substr(0, 32) + "...'");
}

}  // namespace remo::onnx_import
