#include "engine/rules/mo_config/config_update.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_set>

#include "engine/graph/error.h"
#include "engine/rules/mo_config/subgraph_match.h"

namespace remo {
namespace {

using json = nlohmann::json;
using PortItem = std::pair<std::string, uint32_t>;  // (pattern, port), ordered as Python tuples

std::vector<std::string> split_name(const std::string& name) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    parts.push_back(name.substr(start, slash - start));
    if (slash == std::string::npos) return parts;
    start = slash + 1;
  }
}

// mo's generate_pattern_for_node: the shortest run of leading name parts (each with its '/')
// that the scope matches is cut off; the rest + '$' must then pick exactly this node.
std::string pattern_for_node(const Graph& g, const std::string& scope, const std::string& name) {
  if (scope.empty()) return name;
  std::vector<std::string> parts = split_name(name);
  PyRegex scope_re(scope);
  std::string prefix;
  size_t cut = parts.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    prefix += parts[i] + "/";
    if (scope_re.match(prefix)) {
      cut = i;
      break;
    }
  }
  if (cut == parts.size()) throw Error("node name '" + name + "' does not match the scope '" + scope + "'");
  std::string base = scope.back() == '/' ? scope : scope + "/";
  std::string suffix;
  for (size_t i = cut + 1; i < parts.size(); ++i) suffix += (i > cut + 1 ? "/" : "") + parts[i];
  suffix += "$";
  PyRegex whole(base + suffix);
  size_t hits = 0;
  for (NodeId id : nodes_matching(g, PyRegex(base)))
    if (whole.match(g.at(id).name)) ++hits;
  if (hits != 1)
    throw Error("no pattern relative to the scope '" + base + "' identifies node '" + name + "' uniquely ('" +
                suffix + "' matches " + std::to_string(hits) + " nodes)");
  return suffix;
}

bool is_constant(const Node& n) { return n.type() == "Const" || n.type() == "Constant"; }

json port_list(const std::vector<PortItem>& items) {
  json out = json::array();
  for (const auto& [node, port] : items) out.push_back(json{{"node", node}, {"port", port}});
  return out;
}

bool missing_or_empty(const json& entry, const char* key) {
  return !entry.contains(key) || (entry[key].is_array() && entry[key].empty());
}

json scope_representation(const Graph& g, const MoConfigEntry& e) {
  if (e.scopes.empty()) throw Error("a scope entry needs at least one instance to be updated");
  const std::string& scope = e.scopes[0].pattern();
  std::vector<NodeId> matched = nodes_matching(g, e.scopes[0]);
  std::unordered_set<NodeId> inside(matched.begin(), matched.end());

  std::map<Value, std::vector<PortItem>> groups;  // per entering tensor, its consumers inside
  std::set<PortItem> outputs;
  for (NodeId id = 0; id < g.id_limit(); ++id) {
    const Node* n = g.node(id);
    if (!n) continue;
    bool src_inside = inside.count(id) != 0;
    bool has_consumers = false;
    for (uint32_t p = 0; p < n->outputs.size(); ++p)
      for (const Use& u : n->uses(p)) {
        has_consumers = true;
        bool dst_inside = inside.count(u.node) != 0;
        if (!src_inside && dst_inside)
          groups[n->output(p)].emplace_back(pattern_for_node(g, scope, g.at(u.node).name), u.port);
        if (src_inside && !dst_inside) outputs.emplace(pattern_for_node(g, scope, n->name), p);
      }
    if (src_inside && !has_consumers && !is_constant(*n)) outputs.emplace(pattern_for_node(g, scope, n->name), 0);
  }
  std::vector<std::vector<PortItem>> inputs;
  for (auto& [tensor, consumers] : groups) inputs.push_back(std::move(consumers));
  std::sort(inputs.begin(), inputs.end());

  json r = json::object();
  for (const char* key : {"match_kind", "instances", "custom_attributes", "id", "op", "inputs", "outputs"})
    if (e.raw.contains(key)) r[key] = e.raw[key];
  r["custom_attributes"] = e.custom_attributes;
  if (missing_or_empty(e.raw, "inputs")) {
    r["inputs"] = json::array();
    for (const auto& group : inputs) r["inputs"].push_back(port_list(group));
  }
  if (missing_or_empty(e.raw, "outputs")) r["outputs"] = port_list({outputs.begin(), outputs.end()});
  return r;
}

json points_representation(const MoConfigEntry& e) {
  json r = json::object();
  for (const char* key : {"match_kind", "instances", "id", "op"})
    if (e.raw.contains(key)) r[key] = e.raw[key];
  r["custom_attributes"] = e.custom_attributes;
  r["include_inputs_to_sub_graph"] = e.include_inputs;
  r["include_outputs_to_sub_graph"] = e.include_outputs;
  return r;
}

}  // namespace

std::string updated_mo_config_text(const Graph& g, const MoConfig& config) {
  json out = json::array();
  for (const MoConfigEntry& e : config.entries) {
    try {
      switch (e.kind) {
        case MatchKind::scope: out.push_back(scope_representation(g, e)); break;
        case MatchKind::points: out.push_back(points_representation(e)); break;
        case MatchKind::general: out.push_back(e.raw); break;
      }
    } catch (const Error& err) {
      throw Error(config.path + ", " + e.label() + ": cannot update: " + err.what());
    }
  }
  // nlohmann objects iterate in key order: sort_keys=True; ensure_ascii as Python's default.
  return out.dump(4, ' ', true);
}

void update_mo_config_file(const Graph& g, const std::string& path) {
  namespace fs = std::filesystem;
  std::string text = updated_mo_config_text(g, load_mo_config(path));
  fs::path target(path);
  fs::path temp = target;
  temp += ".remo-tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(temp, ec);
      throw Error(path + ": cannot write the updated transformations config");
    }
  }
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw Error(path + ": cannot replace the transformations config: " + ec.message());
  }
}

}  // namespace remo
