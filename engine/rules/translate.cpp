#include "engine/rules/translate.h"

#include <map>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

bool is_opset_op(const std::string& op) { return op.rfind("opset", 0) == 0; }

// The opset version the model imports for the node's domain, if the frontend recorded one.
std::optional<int64_t> node_opset(const Graph& g, const Node& n) {
  std::string domain = n.domain() == "onnx" ? "ai.onnx" : n.domain();
  auto it = g.meta.find("opset:" + domain);
  if (it == g.meta.end() || !std::holds_alternative<int64_t>(it->second)) return std::nullopt;
  return std::get<int64_t>(it->second);
}

const JsonTranslation* pick_json(const Translator& t, std::optional<int64_t> opset) {
  for (const JsonTranslation& j : t.json)
    if (!opset || (*opset >= j.min_opset && *opset <= j.max_opset)) return &j;
  return nullptr;
}

void check_all_translatable(const Graph& g, const RuleSet& rules) {
  struct Missing {
    size_t count = 0;
    std::string first_node;
    std::string reason;
  };
  std::map<std::string, Missing> missing;
  for (NodeId id = 0; id < g.id_limit(); ++id) {
    const Node* n = g.node(id);
    if (!n || is_opset_op(n->op()) || rules.custom_ops().find(n->op())) continue;
    const Translator* t = rules.find_translator(n->op());
    std::string reason;
    if (!t) {
      reason = "no translation";
    } else if (!t->json.empty() && !pick_json(*t, node_opset(g, *n))) {
      reason = "no translation for opset " + std::to_string(*node_opset(g, *n)) + " (" + t->where + ")";
    } else {
      continue;
    }
    Missing& m = missing[n->op()];
    if (m.count++ == 0) {
      m.first_node = n->name;
      m.reason = reason;
    }
  }
  if (missing.empty()) return;
  std::string msg = std::to_string(missing.size()) + " operation type" + (missing.size() > 1 ? "s have" : " has") +
                    " no translation:\n";
  for (const auto& [op, m] : missing)
    msg += "  " + op + ": " + m.reason + "; " + std::to_string(m.count) + " node" + (m.count > 1 ? "s" : "") +
           ", first '" + m.first_node + "'\n";
  const std::string& example = missing.begin()->first;
  msg += "To add one without rebuilding remo, write a Lua file in a folder and pass it with --extensions DIR:\n"
         "  remo.translate(\"" + example + "\", function(node)\n"
         "    local x = node:input(1)\n"
         "    return remo.op(\"opset1.Relu\", {x})  -- build the opset ops it stands for\n"
         "  end)\n"
         "See docs/lua-api.md.";
  throw Error(msg);
}

std::vector<Value> run_json(Graph& g, Node& n, const Translator& t, const JsonTranslation& j) {
  std::vector<Value> inputs;
  if (j.inputs) {
    for (int i : *j.inputs) inputs.push_back(n.input(static_cast<size_t>(i)));
  } else {
    inputs = n.inputs();
  }
  Attributes attrs;
  for (const auto& [name, spec] : j.attrs) {
    if (spec.fixed) {
      attrs[name] = *spec.fixed;
    } else if (auto it = n.attrs.find(spec.from); it != n.attrs.end()) {
      attrs[name] = it->second;
    } else if (spec.default_value) {
      attrs[name] = *spec.default_value;
    }
  }
  Node& made = make_op(g, j.op, std::move(inputs), std::move(attrs), g.unique_name(n.name + "/" + j.op.substr(j.op.rfind('.') + 1)));
  made.created_by = t.where;
  made.fused_names = {n.name};
  std::vector<Value> outs;
  for (uint32_t p = 0; p < made.outputs.size(); ++p) outs.push_back(made.output(p));
  return outs;
}

std::vector<Value> run_lua(RuleSet& rules, LuaSession& session, const Translator& t) {
  lua_State* L = rules.lua().state();
  LuaSessionScope scope(L, session);
  int top = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, t.lua_function);
  push_node_handle(L, session.framework_node);
  rules.lua().call(1, LUA_MULTRET);
  std::vector<Value> outs;
  int results = lua_gettop(L) - top;
  // A translation returns its outputs either as several results or as one table of them.
  if (results == 1 && lua_istable(L, -1)) {
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; ++i) {
      lua_geti(L, -1, i);
      outs.push_back(is_value(L, -1) ? to_value(L, -1) : Value{});
      lua_pop(L, 1);
    }
  } else {
    for (int i = top + 1; i <= top + results; ++i) outs.push_back(is_value(L, i) ? to_value(L, i) : Value{});
  }
  lua_settop(L, top);
  return outs;
}

}  // namespace

void translate_graph(Graph& g, RuleSet& rules) {
  check_all_translatable(g, rules);
  uint64_t epoch = new_lua_epoch();
  for (NodeId id : g.topological_order()) {
    Node* n = g.node(id);
    if (!n) continue;
    if (is_opset_op(n->op()) || rules.custom_ops().find(n->op())) {
      // An opset node made before translation (by a sub-graph replacer) was inferred while its
      // inputs were still framework ops; its inputs are translated now, so infer it again.
      if (!n->inputs().empty()) infer_node(g, *n, &rules.custom_ops());
      continue;
    }
    const Translator& t = *rules.find_translator(n->op());
    const std::string name = n->name;
    std::vector<Value> outs;
    LuaSession session{&g, epoch, id, t.where, {}, [&rules, &g](Graph& body) {
                         body.meta = g.meta;  // the model's opset imports hold in its bodies too
                         translate_graph(body, rules);
                       }};
    try {
      if (!t.json.empty()) outs = run_json(g, *n, t, *pick_json(t, node_opset(g, *n)));
      else outs = run_lua(rules, session, t);
      for (uint32_t p = 0; p < n->outputs.size(); ++p) {
        bool used = !n->uses(p).empty() || !n->outputs[p].names.empty();
        if (p >= outs.size() || !outs[p].valid()) {
          if (!n->uses(p).empty())
            throw Error("returned no value for output " + std::to_string(p) + ", which is used");
          continue;
        }
        if (used) g.replace_uses(n->output(p), outs[p]);
      }
    } catch (const Error& e) {
      throw Error("node '" + name + "' (" + n->op() + "), rule " + t.where + ": " + e.what());
    }
    g.remove_node(id);
    // The node producing the first output takes the framework node's name, as users look for it.
    if (!outs.empty() && outs[0].valid()) {
      Node& producer = g.at(outs[0].node);
      if (producer.created_by == t.where && producer.fused_names == std::vector<std::string>{name} &&
          !g.find_node(name))
        g.rename(producer.id(), name);
    }
  }
}

}  // namespace remo
