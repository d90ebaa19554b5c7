#pragma once
// A NodeDef input as written: "name", "name:port" or "^name" (a control input).
#include <charconv>
#include <string>
#include <string_view>

#include "engine/graph/error.h"

namespace remo::tf_import {

struct NodeRef {
  std::string node;
  int port = 0;
  bool control = false;
};

inline NodeRef parse_node_ref(const std::string& text) {
  NodeRef r;
  std::string_view s = text;
  if (!s.empty() && s[0] == '^') {
    r.control = true;
    s.remove_prefix(1);
  }
  if (size_t colon = s.rfind(':'); colon != std::string_view::npos && !r.control) {
    std::string_view digits = s.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), r.port);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || r.port < 0)
      throw Error("input '" + text + "' has no valid output index after ':'");
    s = s.substr(0, colon);
  }
  r.node = std::string(s);
  return r;
}

// "node" for port 0, "node:port" otherwise.
inline std::string node_ref_text(const std::string& node, int port) {
  return port == 0 ? node : node + ":" + std::to_string(port);
}

}  // namespace remo::tf_import
