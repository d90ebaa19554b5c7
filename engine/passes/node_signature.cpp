#include "engine/passes/node_signature.h"

#include <cstdio>
#include <functional>
#include <string_view>
#include <type_traits>

namespace remo {
namespace {

// Two independent 64-bit hashes of the bytes: merging two different constants would silently
// change the model's numbers, so one 64-bit hash is not trusted alone.
std::string content_digest(const Tensor& t) {
  const uint8_t* data = t.bytes();
  const size_t size = t.byte_count();
  uint64_t fnv = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i) fnv = (fnv ^ data[i]) * 1099511628211ull;
  size_t other = size ? std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(data), size)) : 0;
  char text[64];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(fnv),
                static_cast<unsigned long long>(other));
  return text;
}

// Exact text of a double: "%a" prints every bit, so 0.1 and 0.1000000001 differ.
std::string exact(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%a", v);
  return text;
}

// Appends the value's text; false for values that cannot be compared (sub-graphs).
bool append_value(std::string& out, const AttrValue& value) {
  return std::visit(
      [&out](const auto& v) -> bool {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          out += std::to_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          out += exact(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          out += std::to_string(v.size()) + ":" + v;
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          for (int64_t x : v) out += std::to_string(x) + ",";
        } else if constexpr (std::is_same_v<T, std::vector<double>>) {
          for (double x : v) out += exact(x) + ",";
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          for (const auto& s : v) out += std::to_string(s.size()) + ":" + s + ",";
        } else if constexpr (std::is_same_v<T, ElementType>) {
          out += type_name(v);
        } else if constexpr (std::is_same_v<T, Tensor>) {
          out += std::string(type_name(v.type())) + "[";
          for (int64_t d : v.shape()) out += std::to_string(d) + ",";
          out += "]" + content_digest(v);
        } else {
          return false;  // a sub-graph
        }
        return true;
      },
      value);
}

}  // namespace

std::optional<std::string> node_signature(const Graph& g, NodeId id) {
  const Node& n = g.at(id);
  if (n.op() == "opset1.Parameter" || n.op() == "opset1.Result") return std::nullopt;
  std::string out = n.op() + "\n";
  for (const auto& [name, value] : n.attrs) {  // a std::map: sorted by name
    out += name + "=";
    if (!append_value(out, value)) return std::nullopt;
    out += "\n";
  }
  for (const Value& v : n.inputs())
    out += v.valid() ? "<" + std::to_string(v.node) + ":" + std::to_string(v.port) + ">" : "<none>";
  return out;
}

}  // namespace remo
