#include "engine/rules/mo_config/apply_config.h"

#include "engine/rules/json_attr.h"

#include <unordered_set>

#include "engine/graph/error.h"
#include "engine/lua/lua_replacer_api.h"
#include "engine/rules/mo_config/rewire.h"
#include "engine/rules/mo_config/subgraph_match.h"

namespace remo {
namespace {

using json = nlohmann::json;

std::string match_label(const MoConfig& config, const MoConfigEntry& e, const SubgraphMatch* m) {
  std::string s = config.path + ", " + e.label();
  if (m && !m->scope.empty()) s += " (scope '" + m->scope + "')";
  return s;
}

// A custom attribute as a node attribute: scalars and flat lists keep their kind; anything else
// (objects, nested lists, null) is kept as its JSON text.
AttrValue custom_attribute(const json& j) {
  if (auto value = attr_from_json(j)) return *value;
  return j.dump();
}

std::string framework_domain(const Graph& g) {
  auto it = g.meta.find("framework");
  if (it != g.meta.end())
    if (const auto* s = std::get_if<std::string>(&it->second); s && !s->empty()) return *s;
  return "mo";
}

// mo's FrontReplacementFromConfigFileOp: input i of the new node is what feeds the first
// consumer of sub-graph input i; output i stands for sub-graph output i.
ReplacerResult op_shortcut(Graph& g, const MoConfigEntry& e, const SubgraphMatch& m, const std::string& where) {
  std::vector<Value> inputs;
  for (const auto& consumers : m.inputs)
    inputs.push_back(consumers.empty() ? Value{} : g.at(consumers.front().node).input(consumers.front().port));
  while (!inputs.empty() && !inputs.back().valid()) inputs.pop_back();
  Attributes attrs;
  for (auto it = e.custom_attributes.begin(); it != e.custom_attributes.end(); ++it)
    attrs[it.key()] = custom_attribute(it.value());
  Node& node = g.add_node(framework_domain(g) + "." + *e.op, g.unique_name(e.id), std::move(inputs), std::move(attrs),
                          m.outputs.size());
  node.created_by = where;
  ReplacerResult r;
  r.created = {node.id()};
  for (uint32_t i = 0; i < m.outputs.size(); ++i)
    if (m.outputs[i].valid()) r.outputs.push_back(ReplacerOutput{OutputAction::replace, node.output(i)});
    else r.outputs.emplace_back();
  return r;
}

// Rewires each replaced output's consumers outside the sub-graph, drops dropped outputs, removes
// what became unused, and gives each new producer the name of the node it stands for.
void replace_outputs(Graph& g, const SubgraphMatch& m, const ReplacerResult& r) {
  std::unordered_set<NodeId> keep(r.created.begin(), r.created.end());
  keep.insert(m.nodes.begin(), m.nodes.end());
  std::vector<std::pair<NodeId, std::string>> renames;
  for (size_t i = 0; i < r.outputs.size(); ++i) {
    const ReplacerOutput& out = r.outputs[i];
    if (out.action == OutputAction::keep) continue;
    Value old = m.outputs[i];
    std::string which = "output " + std::to_string(i + 1);
    if (!old.valid()) {
      if (out.action == OutputAction::drop) continue;
      throw Error("a value was returned for " + which + ", but its description matched no node");
    }
    const Node* producer = g.node(old.node);
    if (!producer) throw Error("the producer of " + which + " was removed by the replacer");
    if (old.port >= producer->outputs.size())
      throw Error(which + " names output port " + std::to_string(old.port) + " of node '" + producer->name +
                  "', which has " + std::to_string(producer->outputs.size()) + " outputs");
    if (out.action == OutputAction::replace) {
      rewire_uses(g, old, out.value, keep);
      if (keep.count(out.value.node) && !m.contains(out.value.node))
        renames.emplace_back(out.value.node, producer->name);
      continue;
    }
    std::vector<Use> uses = producer->uses(old.port);
    for (const Use& u : uses) {
      if (m.contains(u.node)) continue;
      const Node& consumer = g.at(u.node);
      if (consumer.op() != "opset1.Result")
        throw Error(which + " was dropped (false), but node '" + consumer.name + "' outside the sub-graph reads it");
      g.remove_node(u.node);
    }
  }
  std::vector<NodeId> seeds = m.nodes;
  seeds.insert(seeds.end(), r.created.begin(), r.created.end());
  remove_unused_from(g, seeds);
  std::unordered_set<NodeId> renamed;
  for (const auto& [id, name] : renames)
    if (g.node(id) && !g.find_node(name) && renamed.insert(id).second) g.rename(id, name);
}

std::string missing_replacers_error(const MoConfig& config, const std::vector<const MoConfigEntry*>& missing,
                                    const std::vector<std::string>& search_path) {
  std::string msg = config.path + ": no Lua replacer is registered for " + std::to_string(missing.size()) +
                    " entr" + (missing.size() == 1 ? "y" : "ies") + ":\n";
  for (const MoConfigEntry* e : missing)
    msg += "  " + e->label() + " (match_kind " + match_kind_name(e->kind) + ") needs remo.replacer(\"" + e->id + "\", ...)\n";
  msg += "Replacers are registered while the .lua files of the rule search path load:";
  for (const std::string& folder : search_path) msg += "\n  " + folder;
  msg += "\nWrite one in a folder passed with --extensions DIR:\n"
         "  remo.replacer(\"" + missing.front()->id + "\", function(match)\n"
         "    local x = match:input(1)        -- the value entering the sub-graph\n"
         "    return remo.op(\"opset1.Relu\", {x})  -- one value per sub-graph output\n"
         "  end)\n"
         "or give the entry an \"op\" to replace each match by one node. See docs/transformations-config.md.";
  return msg;
}

// Runs `fn` on every match of the entry, matching scope instances one at a time (so an instance
// sees the graph the previous replacement left). Returns the number of matches.
template <typename Fn>
size_t for_each_match(Graph& g, const MoConfig& config, const MoConfigEntry& e, Fn fn) {
  size_t count = 0;
  auto run = [&](const SubgraphMatch& m) {
    try {
      fn(m);
    } catch (const Error& err) {
      throw Error(match_label(config, e, &m) + ": " + err.what());
    }
    ++count;
  };
  auto find = [&](auto&& matcher) {
    try {
      return matcher();
    } catch (const Error& err) {
      throw Error(match_label(config, e, nullptr) + ": " + err.what());
    }
  };
  switch (e.kind) {
    case MatchKind::scope:
      for (size_t i = 0; i < e.scopes.size(); ++i)
        if (auto m = find([&] { return match_scope_instance(g, e, i); })) run(*m);
      break;
    case MatchKind::points:
      if (auto m = find([&] { return match_points(g, e); })) run(*m);
      break;
    case MatchKind::general:
      run(match_general(g));
      break;
  }
  return count;
}

}  // namespace

std::vector<std::string> apply_mo_config(Graph& g, const MoConfig& config, LuaSandbox& lua,
                                         const std::vector<std::string>& search_path) {
  std::vector<const MoConfigEntry*> missing;
  for (const MoConfigEntry& e : config.entries)
    if (!e.op && !find_lua_replacer(lua, e.id)) missing.push_back(&e);
  if (!missing.empty()) throw Error(missing_replacers_error(config, missing, search_path));

  std::vector<std::string> warnings;
  auto apply = [&](const MoConfigEntry& e) {
    size_t matches = for_each_match(g, config, e, [&](const SubgraphMatch& m) {
      if (e.op) {
        replace_outputs(g, m, op_shortcut(g, e, m, config.path + " " + e.label()));
        return;
      }
      std::string where = *find_lua_replacer(lua, e.id);
      ReplacerResult r;
      try {
        r = run_lua_replacer(lua, g, e, m, config.path);
      } catch (const Error& err) {
        throw Error("replacer " + where + ": " + err.what());
      }
      if (e.kind == MatchKind::general) g.remove_dead_nodes();
      else replace_outputs(g, m, r);
    });
    if (matches == 0)
      warnings.push_back(match_label(config, e, nullptr) + ": matched nothing in the model, so it changed nothing");
  };
  for (const MoConfigEntry& e : config.entries)
    if (e.op) apply(e);
  for (const MoConfigEntry& e : config.entries)
    if (!e.op) apply(e);
  return warnings;
}

}  // namespace remo
