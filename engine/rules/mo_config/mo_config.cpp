#include "engine/rules/mo_config/mo_config.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "engine/graph/error.h"
#include "engine/rules/json_depth.h"

namespace remo {
namespace {

using json = nlohmann::json;

// Collects every problem of a file, each prefixed with its JSON path.
class Problems {
 public:
  void add(const std::string& path, const std::string& message) { list_.push_back(path + ": " + message); }
  bool empty() const { return list_.empty(); }
  std::string text() const {
    std::string out;
    for (const auto& p : list_) out += "\n  " + p;
    return out;
  }

 private:
  std::vector<std::string> list_;
};

// "path[i]", built by appending (GCC 12 warns, wrongly, about "[" + std::to_string(i)).
std::string indexed(std::string path, size_t i) {
  path += '[';
  path += std::to_string(i);
  path += ']';
  return path;
}

const char* json_kind(const json& j) { return j.type_name(); }

bool read_string(const json& j, const std::string& path, Problems& problems, std::string& out) {
  if (!j.is_string()) {
    problems.add(path, std::string("expected a string, got ") + json_kind(j));
    return false;
  }
  out = j.get<std::string>();
  return true;
}

// A regex item: also checked to compile, so that typos are reported before any matching.
bool read_pattern(const json& j, const std::string& path, Problems& problems, std::string& out) {
  if (!read_string(j, path, problems, out)) return false;
  try {
    PyRegex check(out);
  } catch (const Error& e) {
    problems.add(path, e.what());
    return false;
  }
  return true;
}

bool read_port_pattern(const json& j, const std::string& path, Problems& problems, MoPortPattern& out) {
  if (!j.is_object()) {
    problems.add(path, std::string("expected an object {\"node\": regex, \"port\": int}, got ") + json_kind(j));
    return false;
  }
  bool ok = true;
  if (!j.contains("node")) {
    problems.add(path, "missing \"node\"");
    ok = false;
  } else {
    ok = read_pattern(j["node"], path + ".node", problems, out.node) && ok;
  }
  if (!j.contains("port")) {
    problems.add(path, "missing \"port\"");
    return false;
  }
  const json& port = j["port"];
  if (!port.is_number_integer() || port.get<int64_t>() < 0 ||
      port.get<int64_t>() > std::numeric_limits<uint32_t>::max()) {
    problems.add(path + ".port", "expected a port number (an integer >= 0), got " + port.dump());
    return false;
  }
  out.port = static_cast<uint32_t>(port.get<int64_t>());
  return ok;
}

void read_string_list(const json& j, const std::string& path, Problems& problems, std::vector<std::string>& out) {
  if (!j.is_array()) {
    problems.add(path, std::string("expected a list of node names, got ") + json_kind(j));
    return;
  }
  for (size_t i = 0; i < j.size(); ++i) {
    std::string s;
    if (read_string(j[i], indexed(path, i), problems, s)) out.push_back(s);
  }
}

void read_bool(const json& entry, const char* key, const std::string& path, Problems& problems, bool& out) {
  if (!entry.contains(key)) return;
  if (!entry[key].is_boolean()) {
    problems.add(path + "." + key, std::string("expected true or false, got ") + json_kind(entry[key]));
    return;
  }
  out = entry[key].get<bool>();
}

void read_instances(const json& j, MoConfigEntry& e, const std::string& path, Problems& problems) {
  const std::string p = path + ".instances";
  if (e.kind == MatchKind::general) return;  // mo ignores them for general entries
  if (!j.contains("instances") || (j["instances"].is_string() && j["instances"].get<std::string>().empty())) {
    problems.add(p, std::string("missing: a ") + match_kind_name(e.kind) + " entry needs \"instances\"");
    return;
  }
  const json& inst = j["instances"];
  if (e.kind == MatchKind::scope) {
    if (!inst.is_array()) {
      problems.add(p, std::string("expected a list of scope regexes, got ") + json_kind(inst));
      return;
    }
    for (size_t i = 0; i < inst.size(); ++i) {
      std::string s;
      if (read_pattern(inst[i], indexed(p, i), problems, s)) e.scopes.emplace_back(s);
    }
    return;
  }
  if (!inst.is_object()) {
    problems.add(p, std::string("expected {\"start_points\": [...], \"end_points\": [...]}, got ") + json_kind(inst));
    return;
  }
  for (const char* key : {"start_points", "end_points"}) {
    if (!inst.contains(key)) {
      problems.add(p, std::string("missing \"") + key + "\"");
      continue;
    }
    read_string_list(inst[key], p + "." + key, problems,
                     std::string(key) == "start_points" ? e.start_points : e.end_points);
  }
}

void read_inputs_outputs(const json& j, MoConfigEntry& e, const std::string& path, Problems& problems) {
  if (j.contains("inputs")) {
    const json& in = j["inputs"];
    if (!in.is_array()) {
      problems.add(path + ".inputs", std::string("expected a list of lists of {\"node\", \"port\"}, got ") + json_kind(in));
    } else {
      for (size_t i = 0; i < in.size(); ++i) {
        std::string pi = indexed(path + ".inputs", i);
        std::vector<MoPortPattern> group;
        if (!in[i].is_array()) {
          problems.add(pi, std::string("expected a list of {\"node\", \"port\"}, got ") + json_kind(in[i]));
        } else {
          for (size_t k = 0; k < in[i].size(); ++k) {
            MoPortPattern item;
            if (read_port_pattern(in[i][k], indexed(pi, k), problems, item)) group.push_back(item);
          }
        }
        e.inputs.push_back(std::move(group));
      }
    }
  }
  if (j.contains("outputs")) {
    const json& out = j["outputs"];
    if (!out.is_array()) {
      problems.add(path + ".outputs", std::string("expected a list of {\"node\", \"port\"}, got ") + json_kind(out));
    } else {
      for (size_t i = 0; i < out.size(); ++i) {
        MoPortPattern item;
        read_port_pattern(out[i], indexed(path + ".outputs", i), problems, item);
        e.outputs.push_back(item);
      }
    }
  }
}

}  // namespace

const char* match_kind_name(MatchKind kind) {
  switch (kind) {
    case MatchKind::scope: return "scope";
    case MatchKind::points: return "points";
    case MatchKind::general: return "general";
  }
  return "?";
}

std::string MoConfigEntry::label() const { return "entry [" + std::to_string(index) + "] '" + id + "'"; }

MoConfig parse_mo_config(const std::string& text, const std::string& path) {
  json doc;
  try {
    doc = parse_json_depth_limited(text);
  } catch (const json::exception& e) {  // syntax errors, and numbers too large for a double
    throw Error(path + ": not valid JSON: " + e.what());
  } catch (const Error& e) {  // nested deeper than REMO_MAX_JSON_DEPTH
    throw Error(path + ": " + e.what());
  }
  if (!doc.is_array())
    throw Error(path + ": expected a JSON list of replacement entries at the top level, got " + json_kind(doc));
  MoConfig config;
  config.path = path;
  Problems problems;
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& j = doc[i];
    const std::string p = indexed("", i);
    if (!j.is_object()) {
      problems.add(p, std::string("expected an object, got ") + json_kind(j));
      continue;
    }
    MoConfigEntry e;
    e.index = i;
    e.raw = j;
    if (!j.contains("id")) problems.add(p, "missing \"id\"");
    else if (read_string(j["id"], p + ".id", problems, e.id) && e.id.empty()) problems.add(p + ".id", "is empty");
    if (!j.contains("match_kind")) {
      problems.add(p, "missing \"match_kind\" (one of \"points\", \"scope\", \"general\")");
      continue;
    }
    std::string kind;
    if (!read_string(j["match_kind"], p + ".match_kind", problems, kind)) continue;
    if (kind == "scope") e.kind = MatchKind::scope;
    else if (kind == "points") e.kind = MatchKind::points;
    else if (kind == "general") e.kind = MatchKind::general;
    else {
      problems.add(p + ".match_kind", "'" + kind + "' is not one of \"points\", \"scope\", \"general\"");
      continue;
    }
    read_instances(j, e, p, problems);
    read_inputs_outputs(j, e, p, problems);
    read_bool(j, "include_inputs_to_sub_graph", p, problems, e.include_inputs);
    read_bool(j, "include_outputs_to_sub_graph", p, problems, e.include_outputs);
    if (j.contains("custom_attributes")) {
      if (j["custom_attributes"].is_object()) e.custom_attributes = j["custom_attributes"];
      else problems.add(p + ".custom_attributes", std::string("expected an object, got ") + json_kind(j["custom_attributes"]));
    }
    if (j.contains("op")) {
      std::string op;
      if (read_string(j["op"], p + ".op", problems, op)) {
        if (op.empty()) problems.add(p + ".op", "is empty");
        else if (e.kind == MatchKind::general) problems.add(p + ".op", "the op shortcut needs a scope or points entry, not general");
        else e.op = op;
      }
    }
    config.entries.push_back(std::move(e));
  }
  if (!problems.empty()) throw Error(path + ": invalid transformations config:" + problems.text());
  return config;
}

std::string resolve_mo_config_path(const std::string& value, const std::string& builtin_configs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const fs::path& candidate : {fs::path(value), fs::path(builtin_configs) / value,
                                    fs::path(builtin_configs) / fs::path(value).filename()})
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  throw Error(value + ": no such transformations config (also looked in " + builtin_configs + ")");
}

MoConfig load_mo_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read the transformations config");
  std::stringstream text;
  text << in.rdbuf();
  return parse_mo_config(text.str(), path);
}

}  // namespace remo
