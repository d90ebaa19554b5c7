#include "engine/rules/phase_driver.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <set>
#include <unordered_map>

#include "engine/graph/error.h"
#include "engine/lua/lua_api.h"
#include "engine/ops/op_registry.h"
#include "engine/rules/lua_pass.h"
#include "engine/rules/pattern.h"

namespace remo {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string where(const PatternRule& r) { return r.file + ": " + r.path; }

// The rules of `phase`: higher priority first (then by name), with before/after constraints applied
// on top as a stable topological order.
std::vector<const PatternRule*> ordered_rules(const RuleSet& rules, const std::string& phase) {
  const auto& all = rules.pattern_rules();
  std::vector<const PatternRule*> list;
  for (const auto& [name, r] : all)
    if (r.phase == phase) list.push_back(&r);
  std::stable_sort(list.begin(), list.end(),
                   [](const PatternRule* a, const PatternRule* b) { return a->priority > b->priority; });
  std::map<std::string, size_t> pos;
  for (size_t i = 0; i < list.size(); ++i) pos[list[i]->name] = i;
  std::vector<std::vector<size_t>> next(list.size());
  std::vector<size_t> indegree(list.size(), 0);
  auto edge = [&](const PatternRule& r, const std::string& other, const char* key, bool r_first) {
    if (!all.count(other)) throw Error(where(r) + "." + key + ": no pattern rule named '" + other + "'");
    auto it = pos.find(other);
    if (it == pos.end()) return;  // a rule of another phase runs in its own phase anyway
    size_t a = pos[r.name], b = it->second;
    if (!r_first) std::swap(a, b);
    next[a].push_back(b);
    ++indegree[b];
  };
  for (const PatternRule* r : list) {
    for (const auto& b : r->before) edge(*r, b, "before", true);
    for (const auto& a : r->after) edge(*r, a, "after", false);
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < list.size(); ++i)
    if (indegree[i] == 0) ready.insert(i);
  std::vector<const PatternRule*> out;
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(list[i]);
    for (size_t j : next[i])
      if (--indegree[j] == 0) ready.insert(j);
  }
  if (out.size() != list.size()) {
    std::string names;
    for (size_t i = 0; i < list.size(); ++i)
      if (indegree[i] > 0) names += (names.empty() ? "" : ", ") + list[i]->name;
    throw Error("phase " + phase + ": the before/after constraints of these rules form a cycle: " + names);
  }
  return out;
}

std::string node_label(const Graph& g, NodeId id) {
  const Node* n = g.node(id);
  return n ? "'" + n->name + "' (" + n->op() + ")" : "(removed node)";
}

// ---- building the replacement ------------------------------------------------------------------

void resolve_ref(const Graph& g, const TemplateRef& r, const Match& m, const std::map<std::string, NodeId>& made,
                 std::vector<Value>& out, const std::string& at) {
  if (r.name.empty()) {
    out.emplace_back();
    return;
  }
  if (auto it = made.find(r.name); it != made.end()) {
    if (r.port >= g.at(it->second).outputs.size())
      throw Error(at + ": '" + r.name + "' has no output " + std::to_string(r.port));
    out.push_back(Value{it->second, r.port});
  } else if (auto v = m.values.find(r.name); v != m.values.end()) {
    out.push_back(v->second);
  } else if (auto l = m.lists.find(r.name); l != m.lists.end()) {
    out.insert(out.end(), l->second.begin(), l->second.end());
  } else {
    out.emplace_back();  // an optional input the match found absent
  }
}

Value capture_value(const Match& m, const std::string& name, const std::string& at) {
  auto it = m.values.find(name);
  if (it == m.values.end() || !it->second.valid()) throw Error(at + ": capture '" + name + "' is not bound");
  return it->second;
}

std::vector<Value> instantiate(Graph& g, RuleSet& rules, const PatternRule& rule, const Match& m) {
  const std::string base = g.at(m.roots[0]).name;
  std::map<std::string, NodeId> made;
  for (const TemplateNode& t : rule.replacement.nodes) {
    const std::string at = t.path;
    if (t.op == "const") {
      ElementType type = t.const_type ? *t.const_type : g.output_info(capture_value(m, t.const_type_of, at)).type;
      Shape shape = *t.const_shape;
      size_t count = element_count(shape);
      if (bit_width(type) < 8) throw Error(at + ": constants of type " + std::string(type_name(type)) + " are not supported");
      std::vector<uint8_t> bytes(byte_size(type, count));
      for (size_t i = 0; i < count; ++i)
        write_from_double(type, bytes.data(), i, t.const_values.size() == 1 ? t.const_values[0] : t.const_values[i]);
      made[t.id] = make_op(g, "opset1.Constant", {}, {{"value", Tensor::from_bytes(type, shape, std::move(bytes))}},
                           g.unique_name(base + "/" + t.id))
                       .id();
      continue;
    }
    std::vector<Value> inputs;
    for (size_t i = 0; i < t.inputs.size(); ++i)
      resolve_ref(g, t.inputs[i], m, made, inputs, at + ".inputs[" + std::to_string(i) + "]");
    Attributes attrs;
    for (const auto& [name, a] : t.attrs) {
      if (a.fixed) {
        attrs[name] = *a.fixed;
        continue;
      }
      Value v = capture_value(m, a.from_capture, at + ".attrs." + name);
      if (a.from_attr.empty()) {
        attrs[name] = g.output_info(v).type;
      } else {
        const Node& src = g.at(v.node);
        auto it = src.attrs.find(a.from_attr);
        if (it == src.attrs.end())
          throw Error(at + ".attrs." + name + ": " + node_label(g, v.node) + " has no attribute '" + a.from_attr + "'");
        attrs[name] = it->second;
      }
    }
    std::string type = t.op.substr(t.op.rfind('.') + 1);
    made[t.id] = make_op(g, t.op, std::move(inputs), std::move(attrs), g.unique_name(base + "/" + type),
                         &rules.custom_ops())
                     .id();
  }
  std::vector<Value> outs;
  for (size_t i = 0; i < rule.replacement.outputs.size(); ++i) {
    std::vector<Value> one;
    resolve_ref(g, rule.replacement.outputs[i], m, made, one, rule.replacement.path);
    if (one.size() != 1) throw Error(rule.replacement.path + ": output " + std::to_string(i) + " is not one value");
    outs.push_back(one[0]);
  }
  return outs;
}

void remove_unused(Graph& g, const std::vector<NodeId>& ids) {
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    Node* n = g.node(*it);
    if (!n || n->op() == "opset1.Parameter" || n->op() == "opset1.Result") continue;
    bool used = false;
    for (uint32_t p = 0; p < n->outputs.size(); ++p) used |= !n->uses(p).empty();
    if (!used) g.remove_node(*it);
  }
}

struct LuaOutcome {
  std::optional<std::vector<Value>> values;  // nullopt: the function declined
  std::string reason;
};

// Calls the rule's remo.rewrite function with the match; nodes it makes are removed again if it
// declines (returns nil).
LuaOutcome run_lua(Graph& g, RuleSet& rules, const PatternRule& rule, const Match& m) {
  const LuaRewrite* fn = rules.find_rewrite(rule.replacement.lua);
  if (!fn) throw Error(rule.replacement.path + ".lua: no function registered with remo.rewrite('" + rule.replacement.lua + "')");
  lua_State* L = rules.lua().state();
  LuaSession session;
  session.graph = &g;
  session.epoch = new_lua_epoch();
  session.rule = rule.name;
  LuaOutcome outcome;
  {
    LuaSessionScope scope(L, session);
    int top = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn->function_ref);
    lua_newtable(L);  // match
    lua_newtable(L);  // match.nodes
    for (const auto& [name, v] : m.values) {
      if (!v.valid()) continue;
      push_value_handle(L, v);
      lua_setfield(L, -3, name.c_str());
      push_node_handle(L, v.node);
      lua_setfield(L, -2, name.c_str());
    }
    lua_setfield(L, -2, "nodes");
    for (const auto& [name, list] : m.lists) {
      lua_createtable(L, static_cast<int>(list.size()), 0);
      for (size_t i = 0; i < list.size(); ++i) {
        push_value_handle(L, list[i]);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
      }
      lua_setfield(L, -2, name.c_str());
    }
    lua_createtable(L, static_cast<int>(m.roots.size()), 0);
    for (size_t i = 0; i < m.roots.size(); ++i) {
      push_node_handle(L, m.roots[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    lua_setfield(L, -2, "roots");
    rules.lua().call(1, LUA_MULTRET);
    int results = lua_gettop(L) - top;
    if (results == 0 || lua_isnil(L, top + 1)) {
      outcome.reason = results >= 2 && lua_type(L, top + 2) == LUA_TSTRING ? lua_tostring(L, top + 2)
                                                                             : "the function returned nil";
    } else {
      std::vector<Value> outs;
      if (results == 1 && lua_istable(L, top + 1)) {
        lua_Integer n = luaL_len(L, top + 1);
        for (lua_Integer i = 1; i <= n; ++i) {
          lua_geti(L, top + 1, i);
          outs.push_back(is_value(L, -1) ? to_value(L, -1) : Value{});
          lua_pop(L, 1);
        }
      } else {
        for (int i = top + 1; i <= top + results; ++i) outs.push_back(is_value(L, i) ? to_value(L, i) : Value{});
      }
      outcome.values = std::move(outs);
    }
    lua_settop(L, top);
  }
  if (!outcome.values) remove_unused(g, session.created);
  return outcome;
}

// Replaces the roots' outputs by `outs`, records provenance on the new nodes, removes what became
// unused, and returns the nodes whose matches may have changed.
std::vector<NodeId> commit(Graph& g, const PatternRule& rule, const Match& m, const std::vector<Value>& outs,
                           NodeId first_new) {
  if (outs.size() != m.roots.size())
    throw Error(std::to_string(outs.size()) + " replacement values for " + std::to_string(m.roots.size()) + " roots");
  std::vector<std::string> fused;
  for (NodeId id : m.nodes) {
    const Node& n = g.at(id);
    if (n.op() == "opset1.Constant" || n.op() == "opset1.Parameter" || n.op() == "opset1.Result") continue;
    if (n.fused_names.empty()) fused.push_back(n.name);
    else fused.insert(fused.end(), n.fused_names.begin(), n.fused_names.end());
  }
  std::sort(fused.begin(), fused.end());
  fused.erase(std::unique(fused.begin(), fused.end()), fused.end());
  std::vector<NodeId> created;
  for (NodeId id = first_new; id < g.id_limit(); ++id)
    if (Node* n = g.node(id)) {
      n->created_by = rule.name;
      if (!fused.empty()) n->fused_names = fused;
      created.push_back(id);
    }
  const std::string root_name = g.at(m.roots[0]).name;
  for (size_t i = 0; i < outs.size(); ++i) {
    Value from{m.roots[i], 0};
    Value to = outs[i];
    if (!to.valid()) throw Error("the replacement gives no value for root " + node_label(g, m.roots[i]));
    if (to == from) continue;
    const OutputInfo& a = g.output_info(from);
    const OutputInfo& b = g.output_info(to);
    if (a.type != b.type || (a.shape.is_static() && b.shape.is_static() && !(a.shape == b.shape)))
      throw Error("the replacement of " + node_label(g, m.roots[i]) + " is " + std::string(type_name(b.type)) +
                  (b.shape.rank_known() ? shape_to_string(b.shape.dims()) : "[...]") + ", the root was " +
                  std::string(type_name(a.type)) + (a.shape.rank_known() ? shape_to_string(a.shape.dims()) : "[...]"));
    for (NodeId id : created)
      for (Value in : g.at(id).inputs())
        if (in == from) throw Error("the replacement reads the root " + node_label(g, m.roots[i]) + " it replaces");
    g.replace_uses(from, to);
  }
  std::vector<NodeId> doomed = m.nodes;
  doomed.insert(doomed.begin(), created.begin(), created.end());  // created last-visited: removed first if unused
  remove_unused(g, doomed);
  remove_unused(g, doomed);
  // The node now producing the first root's value takes its name, as users look for it.
  if (!g.node(m.roots[0]) && outs[0].node >= first_new && g.node(outs[0].node) && !g.find_node(root_name))
    g.rename(outs[0].node, root_name);
  std::vector<NodeId> touched;
  for (NodeId id : created)
    if (g.node(id)) touched.push_back(id);
  for (Value v : outs)
    if (const Node* n = g.node(v.node)) {
      touched.push_back(v.node);
      for (uint32_t p = 0; p < n->outputs.size(); ++p)
        for (const Use& u : n->uses(p)) touched.push_back(u.node);
    }
  auto producers = [&](Value v) {
    if (v.valid() && g.node(v.node)) touched.push_back(v.node);
  };
  for (const auto& [name, v] : m.values) producers(v);
  for (const auto& [name, list] : m.lists)
    for (Value v : list) producers(v);
  return touched;
}

// One application: builds the replacement and commits it. False when a Lua function declined.
bool apply(Graph& g, RuleSet& rules, const PatternRule& rule, const Match& m, std::vector<NodeId>& touched) {
  const NodeId first_new = g.id_limit();
  try {
    std::vector<Value> outs;
    if (rule.replacement.lua.empty()) {
      outs = instantiate(g, rules, rule, m);
    } else {
      LuaOutcome o = run_lua(g, rules, rule, m);
      if (!o.values) return false;
      outs = std::move(*o.values);
    }
    touched = commit(g, rule, m, outs, first_new);
  } catch (const Error& e) {
    throw Error("rule '" + rule.name + "' (" + where(rule) + ") at " + node_label(g, m.roots[0]) + ": " + e.what());
  }
  return true;
}

struct Step {
  std::string rule;
  std::string creator;  // the rule that made the root, if any
  std::string node;
};

// Names the rules that kept rewriting each other's results in the recent applications.
std::string budget_message(const std::string& phase, size_t budget, const std::deque<Step>& recent) {
  std::map<std::string, std::string> made_by;  // rule -> rule that made the root it last rewrote
  std::map<std::string, size_t> counts;
  for (const Step& s : recent) {
    made_by[s.rule] = s.creator;
    ++counts[s.rule];
  }
  std::vector<std::string> chain{recent.back().rule};
  std::vector<std::string> cycle;
  while (true) {
    auto it = made_by.find(chain.back());
    if (it == made_by.end() || it->second.empty()) break;
    auto seen = std::find(chain.begin(), chain.end(), it->second);
    if (seen != chain.end()) {
      cycle.assign(seen, chain.end());
      break;
    }
    chain.push_back(it->second);
  }
  std::string msg = "phase " + phase + ": the rewrite budget of " + std::to_string(budget) +
                    " rule applications ran out; ";
  if (!cycle.empty()) {
    std::reverse(cycle.begin(), cycle.end());  // each rule rewrote what the one before it made
    std::string text;
    for (const auto& r : cycle) text += r + " -> ";
    text += cycle.front();
    msg += cycle.size() == 1 ? "rule '" + cycle[0] + "' kept rewriting the nodes it had made itself"
                             : "these rules kept undoing each other: " + text;
  } else {
    std::string text;
    for (const auto& [r, c] : counts) text += (text.empty() ? "" : ", ") + r + " (" + std::to_string(c) + "x)";
    msg += "the last applications were by: " + text;
  }
  std::vector<std::string> nodes;
  for (auto it = recent.rbegin(); it != recent.rend() && nodes.size() < 4; ++it)
    if (std::find(nodes.begin(), nodes.end(), it->node) == nodes.end()) nodes.push_back(it->node);
  msg += " (last at";
  for (const auto& n : nodes) msg += " '" + n + "'";
  msg += "). Make one rule's pattern exclude the other's result, or remove one of them.";
  return msg;
}

std::string strip_file(const std::string& path) {
  auto colon = path.find(": ");
  return colon == std::string::npos ? path : path.substr(colon + 2);
}

}  // namespace

void run_phase(Graph& g, RuleSet& rules, const std::string& phase, const RewriteOptions& options) {
  if (phase != "front" && phase != "middle" && phase != "back")
    throw Error("unknown phase '" + phase + "' (expected front, middle or back)");
  RuleTrace* trace = options.trace;
  StepLimit* steps = options.steps;
  {
    auto start = Clock::now();
    size_t ran = 0;
    for (const LuaPass& pass : rules.lua_passes()) {
      if (pass.phase != phase) continue;
      if (steps && steps->exhausted()) return;
      run_lua_pass(rules, g, pass);
      if (steps) steps->take("pass '" + pass.name + "' (" + pass.where + ", phase " + phase + ")");
      ++ran;
    }
    if (trace && ran) trace->translated("lua passes (" + phase + ")", ran, seconds_since(start));
  }
  std::vector<const PatternRule*> order = ordered_rules(rules, phase);
  std::unordered_map<std::string, std::vector<const PatternRule*>> by_op;
  for (const PatternRule* r : order)
    for (const std::string& op : r->roots[0].ops) by_op[op].push_back(r);

  std::deque<NodeId> worklist;
  std::vector<char> queued;
  auto push = [&](NodeId id) {
    if (id >= queued.size()) queued.resize(g.id_limit() + 64, 0);
    if (!queued[id]) {
      queued[id] = 1;
      worklist.push_back(id);
    }
  };
  if (!by_op.empty())
    for (NodeId id : g.topological_order()) push(id);

  size_t applications = 0;
  std::deque<Step> recent;
  while (!worklist.empty()) {
    NodeId id = worklist.front();
    worklist.pop_front();
    queued[id] = 0;
    const Node* n = g.node(id);
    if (!n) continue;
    auto rules_here = by_op.find(n->op());
    if (rules_here == by_op.end()) continue;
    for (const PatternRule* rule : rules_here->second) {
      auto start = Clock::now();
      MatchResult r = match_pattern(g, *rule, id);
      if (!r.match) {
        if (trace) trace->attempted(phase, rule->name, seconds_since(start));
        continue;
      }
      const std::string root_name = n->name;
      const std::string creator = n->created_by;
      recent.push_back(Step{rule->name, creator, root_name});
      if (recent.size() > 256) recent.pop_front();
      if (applications >= options.budget) throw Error(budget_message(phase, options.budget, recent));
      if (steps && steps->exhausted()) return;
      std::vector<NodeId> touched;
      if (!apply(g, rules, *rule, *r.match, touched)) {
        recent.pop_back();
        if (trace) trace->attempted(phase, rule->name, seconds_since(start));
        n = g.node(id);
        if (!n) break;
        continue;
      }
      if (trace) trace->applied(phase, rule->name, root_name, seconds_since(start));
      if (steps) steps->take("rule '" + rule->name + "' (" + rule->file + ", phase " + phase + ") at '" + root_name + "'");
      ++applications;
      for (NodeId t : touched) push(t);
      if (g.node(id)) push(id);  // a rule further down the list may apply now
      break;
    }
  }
  if (trace && !trace->explain_rule().empty()) {
    auto it = rules.pattern_rules().find(trace->explain_rule());
    if (it != rules.pattern_rules().end() && it->second.phase == phase)
      trace->set_explanation(explain_rule(g, rules, trace->explain_rule(), trace->explain_node()));
  }
}

std::string explain_rule(Graph& g, RuleSet& rules, const std::string& rule_name, const std::string& node_name) {
  const auto& all = rules.pattern_rules();
  auto it = all.find(rule_name);
  if (it == all.end()) {
    std::string known;
    for (const auto& [name, r] : all) known += (known.empty() ? "" : ", ") + name;
    throw Error("--explain: no pattern rule named '" + rule_name + "' (known: " + (known.empty() ? "none" : known) + ")");
  }
  const PatternRule& rule = it->second;
  std::string head = "rule '" + rule.name + "' (" + rule.file + ", phase " + rule.phase + ")";
  Node* n = g.find_node(node_name);
  if (!n) {
    std::string msg = head + ": there is no node '" + node_name + "' after phase " + rule.phase;
    for (NodeId id = 0; id < g.id_limit(); ++id)
      if (const Node* c = g.node(id);
          c && std::find(c->fused_names.begin(), c->fused_names.end(), node_name) != c->fused_names.end()) {
        msg += "; it was fused into " + node_label(g, id) +
               (c->created_by.empty() ? std::string() : " by rule '" + c->created_by + "'");
        break;
      }
    return msg + "\n";
  }
  MatchResult r = match_pattern(g, rule, n->id());
  std::string at = node_label(g, n->id());
  if (r.match) {
    if (rule.replacement.lua.empty()) return head + " matches at " + at + "\n";
    const NodeId first_new = g.id_limit();
    LuaOutcome o = run_lua(g, rules, rule, *r.match);
    if (o.values) {
      // Undo: the explanation must not change the graph.
      std::vector<NodeId> made;
      for (NodeId id = first_new; id < g.id_limit(); ++id) made.push_back(id);
      remove_unused(g, made);
      return head + " matches at " + at + ", and its Lua function returns a replacement\n";
    }
    const LuaRewrite* fn = rules.find_rewrite(rule.replacement.lua);
    return head + " matches at " + at + ", but its Lua function declined\n  reason: " + o.reason + "\n  function: " +
           (fn ? fn->where : rule.replacement.lua) + "\n";
  }
  const MatchFailure& f = r.failure;
  std::string msg = head + " does not match at " + at + "\n";
  msg += "  deepest partial match (" + std::to_string(f.matched.size()) + " node" + (f.matched.size() == 1 ? "" : "s") +
         "):\n";
  for (size_t i = 0; i < f.matched.size(); ++i)
    msg += "    " + node_label(g, f.matched[i]) + " as " + strip_file(f.matched_paths[i]) + "\n";
  msg += "  first failed predicate: " + f.path + "\n";
  msg += "    " + (f.node == kNoNode ? std::string() : "at " + node_label(g, f.node) + ": ") + f.reason + "\n";
  return msg;
}

}  // namespace remo
