#include "engine/rules/json_attr.h"

namespace remo {

std::optional<AttrValue> attr_from_json(const nlohmann::json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  if (!j.is_array()) return std::nullopt;
  bool ints = true, numbers = true, strings = true;
  for (const auto& e : j) {
    ints = ints && e.is_number_integer();
    numbers = numbers && e.is_number();
    strings = strings && e.is_string();
  }
  if (ints) return j.get<std::vector<int64_t>>();
  if (numbers) return j.get<std::vector<double>>();
  if (strings) return j.get<std::vector<std::string>>();
  return std::nullopt;
}

}  // namespace remo
