#include "engine/rules/json_translation.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "engine/rules/json_attr.h"
#include "engine/rules/json_depth.h"

namespace remo {
namespace {

using nlohmann::json;

AttrValue attr_from_json(const json& j, const std::string& where) {
  if (auto value = remo::attr_from_json(j)) return *value;
  throw Error(where + ": expected a number, string, boolean or a list of one of them");
}

JsonTranslation parse_entry(const json& j, const std::string& where) {
  if (!j.is_object()) throw Error(where + ": expected an object with \"op\"");
  JsonTranslation t;
  for (const auto& [key, value] : j.items()) {
    std::string at = where + "." + key;
    if (key == "op") {
      if (!value.is_string()) throw Error(at + ": expected an opset op name such as \"opset1.Relu\"");
      t.op = value.get<std::string>();
    } else if (key == "inputs") {
      if (!value.is_array()) throw Error(at + ": expected a list of framework input indices");
      std::vector<int> inputs;
      for (const auto& e : value) {
        if (!e.is_number_integer() || e.get<int>() < 0) throw Error(at + ": indices are integers from 0");
        inputs.push_back(e.get<int>());
      }
      t.inputs = inputs;
    } else if (key == "opset") {
      if (!value.is_array() || value.empty() || value.size() > 2 || !value[0].is_number_integer() ||
          (value.size() == 2 && !value[1].is_number_integer()))
        throw Error(at + ": expected [first] or [first, last] opset versions");
      t.min_opset = value[0].get<int64_t>();
      if (value.size() == 2) t.max_opset = value[1].get<int64_t>();
    } else if (key == "attrs") {
      if (!value.is_object()) throw Error(at + ": expected an object of attributes");
      for (const auto& [name, spec] : value.items()) {
        std::string attr_at = at + "." + name;
        JsonAttr a;
        if (spec.is_object()) {
          if (!spec.contains("from") || !spec["from"].is_string())
            throw Error(attr_at + ": expected {\"from\": \"framework attribute\"[, \"default\": value]}");
          a.from = spec["from"].get<std::string>();
          if (spec.contains("default")) a.default_value = attr_from_json(spec["default"], attr_at + ".default");
        } else {
          a.fixed = attr_from_json(spec, attr_at);
        }
        t.attrs.emplace(name, std::move(a));
      }
    } else if (key != "comment") {
      throw Error(at + ": unknown key (expected op, inputs, attrs, opset or comment)");
    }
  }
  if (t.op.empty()) throw Error(where + ": missing \"op\"");
  return t;
}

}  // namespace

std::map<std::string, Translator> parse_json_rule_file(const std::string& path, const std::string& display) {
  std::ifstream in(path);
  if (!in) throw Error(display + ": cannot read the file");
  json root;
  try {
    root = parse_json_depth_limited(in);
  } catch (const json::exception& e) {  // syntax errors, and numbers too large for a double
    throw Error(display + ": invalid JSON: " + e.what());
  } catch (const Error& e) {  // nested deeper than REMO_MAX_JSON_DEPTH
    throw Error(display + ": " + e.what());
  }
  std::map<std::string, Translator> out;
  if (!root.is_object()) throw Error(display + ": expected a JSON object at the top");
  for (const auto& [key, value] : root.items()) {
    if (key == "comment" || key == "patterns") continue;  // patterns: engine/rules/pattern.h
    if (key != "translations")
      throw Error(display + ": unknown top-level key '" + key + "' (expected \"translations\" or \"patterns\")");
    if (!value.is_object()) throw Error(display + ": \"translations\" must map framework ops to entries");
    for (const auto& [op, entry] : value.items()) {
      std::string where = display + ": translations." + op;
      Translator t;
      t.op = op;
      t.where = display;
      if (entry.is_array()) {
        for (size_t i = 0; i < entry.size(); ++i)
          t.json.push_back(parse_entry(entry[i], where + "[" + std::to_string(i) + "]"));
      } else {
        t.json.push_back(parse_entry(entry, where));
      }
      if (t.json.empty()) throw Error(where + ": empty list of translations");
      out[op] = std::move(t);
    }
  }
  return out;
}

}  // namespace remo
