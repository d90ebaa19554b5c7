#include "engine/rules/pattern.h"

#include "engine/rules/json_attr.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "engine/rules/json_depth.h"

namespace remo {
namespace {

using nlohmann::json;

// ---- parsing ---------------------------------------------------------------------------------

std::string fmt_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

AttrValue literal(const json& j, const std::string& at) {
  // Element type names are types, so that {"destination_type": "f32"} compares and copies as one.
  if (j.is_string())
    if (auto t = parse_element_type(j.get<std::string>())) return *t;
  if (auto value = attr_from_json(j)) return *value;
  throw Error(at + ": expected a number, string, boolean or a list of one of them");
}

std::vector<std::string> string_or_list(const json& j, const std::string& at, const char* what) {
  std::vector<std::string> out;
  if (j.is_string()) out.push_back(j.get<std::string>());
  else if (j.is_array())
    for (const auto& e : j) {
      if (!e.is_string()) throw Error(at + ": expected " + what + " or a list of them");
      out.push_back(e.get<std::string>());
    }
  else throw Error(at + ": expected " + what + " or a list of them");
  return out;
}

std::vector<double> numbers(const json& j, const std::string& at) {
  std::vector<double> out;
  if (j.is_number()) return {j.get<double>()};
  if (!j.is_array()) throw Error(at + ": expected a number or a list of numbers");
  for (const auto& e : j) {
    if (!e.is_number()) throw Error(at + ": expected a list of numbers");
    out.push_back(e.get<double>());
  }
  return out;
}

ConstPredicate parse_value(const json& j, const std::string& at) {
  ConstPredicate p;
  if (j.is_number()) {
    p.values = {j.get<double>()};
    return p;
  }
  if (j.is_array()) {
    p.kind = ConstPredicate::Kind::Equals;
    p.values = numbers(j, at);
    return p;
  }
  if (!j.is_object()) throw Error(at + ": expected a number, a list, or {\"all\"|\"equals\"|\"none\": ..., \"tol\": t}");
  int kinds = 0;
  for (const auto& [key, v] : j.items()) {
    if (key == "all") {
      if (!v.is_number()) throw Error(at + ".all: expected a number");
      p.kind = ConstPredicate::Kind::All;
      p.values = {v.get<double>()};
      ++kinds;
    } else if (key == "equals") {
      p.kind = ConstPredicate::Kind::Equals;
      p.values = numbers(v, at + ".equals");
      ++kinds;
    } else if (key == "none") {
      p.kind = ConstPredicate::Kind::None;
      p.values = numbers(v, at + ".none");
      ++kinds;
    } else if (key == "tol") {
      if (!v.is_number() || v.get<double>() < 0) throw Error(at + ".tol: expected a number >= 0");
      p.tolerance = v.get<double>();
    } else {
      throw Error(at + "." + key + ": unknown key (expected all, equals, none or tol)");
    }
  }
  if (kinds != 1) throw Error(at + ": give exactly one of \"all\", \"equals\", \"none\"");
  return p;
}

void collect_captures(const PatternNode& p, std::vector<std::pair<std::string, size_t>>& out, size_t depth) {
  if (!p.capture.empty()) out.emplace_back(p.capture, depth);
  for (const auto& in : p.inputs) collect_captures(in, out, depth + 1);
}

PatternNode parse_node(const json& j, const std::string& at, bool as_input, bool in_variadic) {
  PatternNode p;
  p.path = at;
  if (j.is_string()) {  // "x": shorthand for {"capture": "x"}
    p.capture = j.get<std::string>();
    if (in_variadic) throw Error(at + ": captures inside a variadic input are not supported");
    return p;
  }
  if (!j.is_object()) throw Error(at + ": expected a pattern object or a capture name");
  for (const auto& [key, v] : j.items()) {
    std::string k = at + "." + key;
    if (key == "op") {
      p.ops = string_or_list(v, k, "an op name such as \"opset1.Add\"");
      for (const auto& op : p.ops)
        if (op.find('.') == std::string::npos) throw Error(k + ": '" + op + "' is not a qualified op (e.g. opset1.Add)");
    } else if (key == "capture") {
      if (!v.is_string() || v.get<std::string>().empty()) throw Error(k + ": expected a capture name");
      if (in_variadic) throw Error(k + ": captures inside a variadic input are not supported");
      p.capture = v.get<std::string>();
    } else if (key == "port") {
      if (!v.is_number_unsigned()) throw Error(k + ": expected an output index from 0");
      p.port = v.get<uint32_t>();
    } else if (key == "attrs") {
      if (!v.is_object()) throw Error(k + ": expected an object of attribute values");
      for (const auto& [name, value] : v.items()) p.attrs[name] = literal(value, k + "." + name);
    } else if (key == "value") {
      p.value = parse_value(v, k);
    } else if (key == "type") {
      for (const auto& name : string_or_list(v, k, "an element type name")) {
        auto t = parse_element_type(name);
        if (!t) throw Error(k + ": '" + name + "' is not an element type (f32, i64, ...)");
        p.types.push_back(*t);
      }
    } else if (key == "rank") {
      if (v.is_number_unsigned()) p.ranks.push_back(v.get<int64_t>());
      else if (v.is_array())
        for (const auto& e : v) {
          if (!e.is_number_unsigned()) throw Error(k + ": expected ranks (integers from 0)");
          p.ranks.push_back(e.get<int64_t>());
        }
      else throw Error(k + ": expected a rank or a list of ranks");
    } else if (key == "shape") {
      if (!v.is_array()) throw Error(k + ": expected a list of dims (integers, or \"?\" for any)");
      std::vector<std::optional<int64_t>> dims;
      for (const auto& e : v) {
        if (e.is_string() && e.get<std::string>() == "?") dims.emplace_back();
        else if (e.is_number_integer() && e.get<int64_t>() >= 0) dims.emplace_back(e.get<int64_t>());
        else throw Error(k + ": expected a list of dims (integers, or \"?\" for any)");
      }
      p.shape = dims;
    } else if (key == "consumers") {
      if (!v.is_number_unsigned()) throw Error(k + ": expected a number of consumers");
      p.consumers = v.get<size_t>();
    } else if (key == "like") {
      if (!v.is_string()) throw Error(k + ": expected a capture name");
      p.like = v.get<std::string>();
    } else if (key == "optional") {
      if (!v.is_boolean()) throw Error(k + ": expected true or false");
      if (!as_input) throw Error(k + ": only inputs can be optional");
      p.optional = v.get<bool>();
    } else if (key == "variadic") {
      if (!v.is_boolean()) throw Error(k + ": expected true or false");
      if (!as_input) throw Error(k + ": only inputs can be variadic");
      p.variadic = v.get<bool>();
    } else if (key == "min") {
      if (!v.is_number_unsigned()) throw Error(k + ": expected a count");
      p.variadic_min = v.get<size_t>();
    } else if (key == "inputs") {
      if (!v.is_array()) throw Error(k + ": expected a list of input patterns");
      p.has_inputs = true;
      for (size_t i = 0; i < v.size(); ++i) {
        std::string ik = k + "[" + std::to_string(i) + "]";
        p.inputs.push_back(parse_node(v[i], ik, true, in_variadic));
        if (p.inputs.back().variadic) {
          if (i + 1 != v.size()) throw Error(ik + ": only the last input can be variadic");
          in_variadic = false;
        }
      }
    } else if (key != "comment") {
      throw Error(k + ": unknown key (expected op, capture, port, attrs, value, type, rank, shape, consumers, "
                      "like, optional, variadic, min, inputs or comment)");
    }
  }
  if (p.variadic && !p.capture.empty()) {
    // The capture binds the list; nested captures are refused below.
  }
  if (p.variadic)
    for (const auto& in : p.inputs) {
      std::vector<std::pair<std::string, size_t>> inner;
      collect_captures(in, inner, 0);
      if (!inner.empty()) throw Error(at + ": captures inside a variadic input are not supported");
    }
  if (!p.variadic && j.contains("min")) throw Error(at + ".min: only for a variadic input");
  return p;
}

TemplateRef parse_ref(const json& j, const std::string& at) {
  if (j.is_null()) return {};
  if (!j.is_string() || j.get<std::string>().empty())
    throw Error(at + ": expected a capture or node name (\"name\" or \"name:port\"), or null");
  std::string s = j.get<std::string>();
  TemplateRef r;
  auto colon = s.rfind(':');
  if (colon != std::string::npos && colon + 1 < s.size() &&
      std::all_of(s.begin() + colon + 1, s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    r.port = static_cast<uint32_t>(std::stoul(s.substr(colon + 1)));
    s = s.substr(0, colon);
  }
  r.name = s;
  return r;
}

TemplateAttr parse_template_attr(const json& j, const std::string& at) {
  TemplateAttr a;
  if (j.is_object()) {
    if (j.contains("from") && j["from"].is_string() && j.size() == 1) {
      std::string s = j["from"].get<std::string>();
      auto dot = s.find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == s.size())
        throw Error(at + ".from: expected \"capture.attribute\"");
      a.from_capture = s.substr(0, dot);
      a.from_attr = s.substr(dot + 1);
      return a;
    }
    if (j.contains("type_of") && j["type_of"].is_string() && j.size() == 1) {
      a.from_capture = j["type_of"].get<std::string>();
      return a;
    }
    throw Error(at + ": expected a literal, {\"from\": \"capture.attribute\"} or {\"type_of\": \"capture\"}");
  }
  a.fixed = literal(j, at);
  return a;
}

TemplateNode parse_template_node(const std::string& id, const json& j, const std::string& at) {
  TemplateNode t;
  t.id = id;
  t.path = at;
  if (!j.is_object()) throw Error(at + ": expected {\"op\": ..., \"inputs\": [...], \"attrs\": {...}} or {\"const\": ...}");
  if (j.contains("const")) {
    t.op = "const";
    for (const auto& [key, v] : j.items()) {
      std::string k = at + "." + key;
      if (key == "const") {
        t.const_values = numbers(v, k);
        if (v.is_array()) t.const_shape = Shape{static_cast<int64_t>(t.const_values.size())};
        else t.const_shape = Shape{};
      } else if (key == "type") {
        if (v.is_string()) {
          t.const_type = parse_element_type(v.get<std::string>());
          if (!t.const_type) throw Error(k + ": not an element type");
        } else if (v.is_object() && v.contains("type_of") && v["type_of"].is_string()) {
          t.const_type_of = v["type_of"].get<std::string>();
        } else {
          throw Error(k + ": expected an element type name or {\"type_of\": \"capture\"}");
        }
      } else if (key == "shape") {
        if (!v.is_array()) throw Error(k + ": expected a list of dims");
        Shape s;
        for (const auto& e : v) {
          if (!e.is_number_unsigned()) throw Error(k + ": expected a list of dims");
          s.push_back(e.get<int64_t>());
        }
        t.const_shape = s;
      } else if (key != "comment") {
        throw Error(k + ": unknown key (expected const, type, shape or comment)");
      }
    }
    if (!t.const_type && t.const_type_of.empty()) throw Error(at + ": a constant needs \"type\"");
    size_t count = 1;
    for (int64_t d : *t.const_shape) count *= static_cast<size_t>(d);
    if (count != t.const_values.size() && t.const_values.size() != 1)
      throw Error(at + ".shape: " + std::to_string(count) + " elements, but " +
                  std::to_string(t.const_values.size()) + " values given");
    return t;
  }
  for (const auto& [key, v] : j.items()) {
    std::string k = at + "." + key;
    if (key == "op") {
      if (!v.is_string()) throw Error(k + ": expected an opset op name");
      t.op = v.get<std::string>();
      if (!OpRegistry::instance().find(t.op)) throw Error(k + ": '" + t.op + "' is not an opset op known to remo");
    } else if (key == "inputs") {
      if (!v.is_array()) throw Error(k + ": expected a list of references");
      for (size_t i = 0; i < v.size(); ++i) t.inputs.push_back(parse_ref(v[i], k + "[" + std::to_string(i) + "]"));
    } else if (key == "attrs") {
      if (!v.is_object()) throw Error(k + ": expected an object of attributes");
      for (const auto& [name, value] : v.items()) t.attrs[name] = parse_template_attr(value, k + "." + name);
    } else if (key != "comment") {
      throw Error(k + ": unknown key (expected op, inputs, attrs or comment)");
    }
  }
  if (t.op.empty()) throw Error(at + ": missing \"op\"");
  return t;
}

Replacement parse_replacement(const json& j, const std::string& at, size_t roots,
                              const std::set<std::string>& captures) {
  Replacement r;
  r.path = at;
  if (j.is_string() || j.is_array()) {  // "x" or ["x", "y"]: the roots become these captures
    const json& list = j.is_string() ? json::array({j}) : j;
    for (size_t i = 0; i < list.size(); ++i) r.outputs.push_back(parse_ref(list[i], at + "[" + std::to_string(i) + "]"));
  } else if (j.is_object()) {
    std::map<std::string, TemplateNode> nodes;
    for (const auto& [key, v] : j.items()) {
      std::string k = at + "." + key;
      if (key == "lua") {
        if (!v.is_string()) throw Error(k + ": expected the name given to remo.rewrite");
        r.lua = v.get<std::string>();
      } else if (key == "nodes") {
        if (!v.is_object()) throw Error(k + ": expected an object of template nodes");
        for (const auto& [id, node] : v.items()) {
          if (captures.count(id)) throw Error(k + "." + id + ": a template node may not reuse the capture name '" + id + "'");
          nodes.emplace(id, parse_template_node(id, node, k + "." + id));
        }
      } else if (key == "outputs") {
        const json& list = v.is_string() ? json::array({v}) : v;
        if (!list.is_array()) throw Error(k + ": expected a list of references, one per root");
        for (size_t i = 0; i < list.size(); ++i) r.outputs.push_back(parse_ref(list[i], k + "[" + std::to_string(i) + "]"));
      } else if (key != "comment") {
        throw Error(k + ": unknown key (expected lua, nodes, outputs or comment)");
      }
    }
    if (!r.lua.empty()) {
      if (!nodes.empty() || !r.outputs.empty()) throw Error(at + ": \"lua\" excludes \"nodes\" and \"outputs\"");
      return r;
    }
    // Creation order: a node after every template node it reads.
    std::set<std::string> done;
    std::function<void(const std::string&, std::vector<std::string>&)> visit =
        [&](const std::string& id, std::vector<std::string>& stack) {
          if (done.count(id)) return;
          if (std::find(stack.begin(), stack.end(), id) != stack.end())
            throw Error(at + ".nodes." + id + ": template nodes form a cycle");
          stack.push_back(id);
          for (const auto& in : nodes.at(id).inputs)
            if (nodes.count(in.name)) visit(in.name, stack);
          stack.pop_back();
          done.insert(id);
          r.nodes.push_back(nodes.at(id));
        };
    for (const auto& [id, node] : nodes) {
      std::vector<std::string> stack;
      visit(id, stack);
    }
  } else {
    throw Error(at + ": expected a capture name, a list of them, {\"nodes\", \"outputs\"} or {\"lua\": name}");
  }
  if (r.outputs.size() != roots)
    throw Error(at + ": " + std::to_string(r.outputs.size()) + " outputs for " + std::to_string(roots) + " root" +
                (roots > 1 ? "s" : ""));
  std::set<std::string> known = captures;
  for (const auto& n : r.nodes) {
    for (size_t i = 0; i < n.inputs.size(); ++i)
      if (!n.inputs[i].name.empty() && !known.count(n.inputs[i].name))
        throw Error(n.path + ".inputs[" + std::to_string(i) + "]: '" + n.inputs[i].name +
                    "' is neither a capture nor a template node");
    for (const auto& [name, a] : n.attrs)
      if (!a.fixed && !captures.count(a.from_capture))
        throw Error(n.path + ".attrs." + name + ": '" + a.from_capture + "' is not a capture");
    if (!n.const_type_of.empty() && !captures.count(n.const_type_of))
      throw Error(n.path + ".type: '" + n.const_type_of + "' is not a capture");
    known.insert(n.id);
  }
  for (size_t i = 0; i < r.outputs.size(); ++i)
    if (r.outputs[i].name.empty() || !known.count(r.outputs[i].name))
      throw Error(at + ": output " + std::to_string(i) + " '" + r.outputs[i].name +
                  "' is neither a capture nor a template node");
  return r;
}

PatternRule parse_rule(const std::string& key, const json& j, const std::string& file) {
  PatternRule rule;
  rule.name = key;
  rule.file = file;
  rule.path = "patterns." + key;
  std::string at = file + ": " + rule.path;
  if (!j.is_object()) throw Error(at + ": expected an object with \"match\" and \"replace\"");
  const json* match = nullptr;
  const json* replace = nullptr;
  for (const auto& [k, v] : j.items()) {
    std::string kat = at + "." + k;
    if (k == "name") {
      if (!v.is_string() || v.get<std::string>().empty()) throw Error(kat + ": expected a rule name");
      rule.name = v.get<std::string>();
    } else if (k == "phase") {
      if (!v.is_string() || (v != "front" && v != "middle" && v != "back"))
        throw Error(kat + ": expected \"front\", \"middle\" or \"back\"");
      rule.phase = v.get<std::string>();
    } else if (k == "priority") {
      if (!v.is_number_integer()) throw Error(kat + ": expected an integer (higher runs first)");
      rule.priority = v.get<int64_t>();
    } else if (k == "before") {
      rule.before = string_or_list(v, kat, "a rule name");
    } else if (k == "after") {
      rule.after = string_or_list(v, kat, "a rule name");
    } else if (k == "match") {
      match = &v;
    } else if (k == "replace") {
      replace = &v;
    } else if (k != "comment") {
      throw Error(kat + ": unknown key (expected name, phase, priority, before, after, match, replace or comment)");
    }
  }
  if (!match) throw Error(at + ": missing \"match\"");
  if (!replace) throw Error(at + ": missing \"replace\"");
  if (match->is_array()) {
    if (match->empty()) throw Error(at + ".match: expected at least one root");
    for (size_t i = 0; i < match->size(); ++i)
      rule.roots.push_back(parse_node((*match)[i], at + ".match[" + std::to_string(i) + "]", false, false));
  } else {
    rule.roots.push_back(parse_node(*match, at + ".match", false, false));
  }
  std::set<std::string> captures;
  for (size_t r = 0; r < rule.roots.size(); ++r) {
    const PatternNode& root = rule.roots[r];
    if (root.ops.empty()) throw Error(root.path + ": a root needs \"op\" (rules are indexed by their root's op)");
    std::vector<std::pair<std::string, size_t>> caps;
    collect_captures(root, caps, 0);
    if (r > 0) {
      auto link = std::find_if(caps.begin(), caps.end(), [&](const auto& c) { return captures.count(c.first) > 0; });
      if (link == caps.end())
        throw Error(root.path + ": a further root must use a capture of an earlier root, so it can be found");
      rule.root_links.push_back(*link);
    }
    for (const auto& c : caps) captures.insert(c.first);
  }
  rule.replacement = parse_replacement(*replace, at + ".replace", rule.roots.size(), captures);
  return rule;
}

// ---- matching --------------------------------------------------------------------------------

std::string ops_text(const std::vector<std::string>& ops) {
  std::string s;
  for (size_t i = 0; i < ops.size(); ++i) s += (i ? (i + 1 == ops.size() ? " or " : ", ") : "") + ops[i];
  return s;
}

std::string attr_text(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, double>) return fmt_double(x);
        else if constexpr (std::is_same_v<T, std::string>) return "\"" + x + "\"";
        else if constexpr (std::is_same_v<T, std::vector<int64_t>>) return shape_to_string(x);
        else if constexpr (std::is_same_v<T, ElementType>) return std::string(type_name(x));
        else if constexpr (std::is_same_v<T, std::vector<double>>) {
          std::string s = "[";
          for (size_t i = 0; i < x.size(); ++i) s += (i ? "," : "") + fmt_double(x[i]);
          return s + "]";
        } else return "<" + std::string(attr_kind_name(AttrValue(x))) + ">";
      },
      v);
}

bool near(double a, double b) { return a == b || std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b)); }

bool attr_equal(const AttrValue& want, const AttrValue& have) {
  auto as_number = [](const AttrValue& v) -> std::optional<double> {
    if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
    if (auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  if (auto a = as_number(want), b = as_number(have); a && b) return near(*a, *b);
  auto as_list = [](const AttrValue& v) -> std::optional<std::vector<double>> {
    if (auto* i = std::get_if<std::vector<int64_t>>(&v)) return std::vector<double>(i->begin(), i->end());
    if (auto* d = std::get_if<std::vector<double>>(&v)) return *d;
    return std::nullopt;
  };
  if (auto a = as_list(want), b = as_list(have); a && b)
    return a->size() == b->size() && std::equal(a->begin(), a->end(), b->begin(), near);
  // An element type given as a name in JSON may meet a string attribute, and vice versa.
  if (auto* t = std::get_if<ElementType>(&want); t && std::holds_alternative<std::string>(have))
    return std::string(type_name(*t)) == std::get<std::string>(have);
  if (want.index() != have.index()) return false;
  return std::visit(
      [&](const auto& w) -> bool {
        using T = std::decay_t<decltype(w)>;
        if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::string> || std::is_same_v<T, ElementType> ||
                      std::is_same_v<T, std::vector<std::string>>)
          return w == std::get<T>(have);
        else
          return false;  // tensors and graphs are not compared
      },
      want);
}

class Matcher {
 public:
  Matcher(const Graph& g, const PatternRule& rule) : g_(g), rule_(rule) {}

  MatchResult run(NodeId anchor) {
    MatchResult result;
    Match m;
    const Node* n = g_.node(anchor);
    if (!n) {
      fail(m, "no such node", rule_.roots[0].path, anchor);
    } else if (match_root(0, anchor, m)) {
      result.match = std::move(m);
      return result;
    }
    result.failure = best_;
    return result;
  }

 private:
  bool fail(const Match& m, std::string reason, std::string path, NodeId node) {
    if (!have_failure_ || m.nodes.size() > best_.matched.size()) {
      have_failure_ = true;
      best_ = MatchFailure{std::move(reason), std::move(path), node, m.nodes, m.node_paths};
    }
    return false;
  }

  bool match_root(size_t r, NodeId id, Match& m) {
    const PatternNode& p = rule_.roots[r];
    const Node& n = g_.at(id);
    if (std::find(m.nodes.begin(), m.nodes.end(), id) != m.nodes.end())
      return fail(m, "node is already part of the match", p.path, id);
    for (uint32_t port = 1; port < n.outputs.size(); ++port)
      if (!n.uses(port).empty())
        return fail(m, "output " + std::to_string(port) + " is used; a root is replaced through output 0 only",
                    p.path, id);
    m.roots.push_back(id);
    if (!match_value(p, n.output(0), m)) return false;
    if (r + 1 == rule_.roots.size()) return true;
    return match_next_root(r + 1, m);
  }

  // Further roots are found through the uses of a capture they share with earlier roots.
  bool match_next_root(size_t r, Match& m) {
    const auto& [capture, depth] = rule_.root_links[r - 1];
    std::vector<Value> frontier;
    if (auto it = m.values.find(capture); it != m.values.end() && it->second.valid()) frontier.push_back(it->second);
    if (auto it = m.lists.find(capture); it != m.lists.end()) frontier = it->second;
    std::set<NodeId> candidates;
    for (size_t d = 0; d < depth; ++d) {
      std::vector<Value> next;
      for (Value v : frontier)
        for (const Use& u : g_.at(v.node).uses(v.port)) {
          const Node& c = g_.at(u.node);
          for (uint32_t p = 0; p < c.outputs.size(); ++p) next.push_back(c.output(p));
        }
      frontier = std::move(next);
    }
    for (Value v : frontier) candidates.insert(v.node);
    const PatternNode& p = rule_.roots[r];
    bool any = false;
    for (NodeId id : candidates) {
      const Node& c = g_.at(id);
      if (std::find(p.ops.begin(), p.ops.end(), c.op()) == p.ops.end()) continue;
      any = true;
      Match attempt = m;
      if (match_root(r, id, attempt)) {
        m = std::move(attempt);
        return true;
      }
    }
    if (!any)
      return fail(m, "no " + ops_text(p.ops) + " node uses capture '" + capture + "' at depth " + std::to_string(depth),
                  p.path, kNoNode);
    return false;
  }

  bool match_value(const PatternNode& p, Value v, Match& m) {
    if (!v.valid()) {
      if (p.optional) return true;
      return fail(m, "the input is omitted", p.path, kNoNode);
    }
    const Node& n = g_.at(v.node);
    if (p.port && v.port != *p.port)
      return fail(m, "value is output " + std::to_string(v.port) + ", expected output " + std::to_string(*p.port),
                  p.path + ".port", n.id());
    if (!p.ops.empty() && std::find(p.ops.begin(), p.ops.end(), n.op()) == p.ops.end())
      return fail(m, "op is " + n.op() + ", expected " + ops_text(p.ops), p.path + ".op", n.id());
    if (!p.ops.empty()) {
      m.nodes.push_back(n.id());
      m.node_paths.push_back(p.path);
    }
    const OutputInfo& info = g_.output_info(v);
    if (!p.types.empty() && std::find(p.types.begin(), p.types.end(), info.type) == p.types.end())
      return fail(m, "element type is " + std::string(type_name(info.type)), p.path + ".type", n.id());
    if (!p.ranks.empty()) {
      if (!info.shape.rank_known()) return fail(m, "rank is unknown", p.path + ".rank", n.id());
      if (std::find(p.ranks.begin(), p.ranks.end(), static_cast<int64_t>(info.shape.rank())) == p.ranks.end())
        return fail(m, "rank is " + std::to_string(info.shape.rank()), p.path + ".rank", n.id());
    }
    if (p.shape) {
      bool ok = info.shape.rank_known() && info.shape.rank() == p.shape->size();
      for (size_t i = 0; ok && i < p.shape->size(); ++i)
        ok = !(*p.shape)[i] || info.shape[i] == *(*p.shape)[i];
      if (!ok)
        return fail(m, "shape is " + (info.shape.rank_known() ? shape_to_string(info.shape.dims()) : "[...]"),
                    p.path + ".shape", n.id());
    }
    if (p.consumers && n.uses(v.port).size() != *p.consumers)
      return fail(m, "has " + std::to_string(n.uses(v.port).size()) + " consumers, expected " +
                         std::to_string(*p.consumers),
                  p.path + ".consumers", n.id());
    for (const auto& [name, want] : p.attrs) {
      auto it = n.attrs.find(name);
      if (it == n.attrs.end()) return fail(m, "has no attribute '" + name + "'", p.path + ".attrs." + name, n.id());
      if (!attr_equal(want, it->second))
        return fail(m, "attribute " + name + " is " + attr_text(it->second) + ", expected " + attr_text(want),
                    p.path + ".attrs." + name, n.id());
    }
    if (p.value && !check_value(*p.value, v, m, p.path + ".value")) return false;
    if (!p.capture.empty() && !p.variadic) {
      auto [it, fresh] = m.values.emplace(p.capture, v);
      if (!fresh && it->second != v)
        return fail(m, "capture '" + p.capture + "' is already bound to another value", p.path + ".capture", n.id());
    }
    if (p.has_inputs && !match_inputs(p, n, m)) return false;
    if (!p.like.empty()) {
      auto it = m.values.find(p.like);
      if (it == m.values.end() || !it->second.valid())
        return fail(m, "capture '" + p.like + "' is not bound", p.path + ".like", n.id());
      const OutputInfo& other = g_.output_info(it->second);
      if (other.type != info.type)
        return fail(m, "element type " + std::string(type_name(info.type)) + " differs from " +
                           std::string(type_name(other.type)) + " of '" + p.like + "'",
                    p.path + ".like", n.id());
      if (!info.shape.rank_known() || !(other.shape == info.shape))
        return fail(m, "shape " + (info.shape.rank_known() ? shape_to_string(info.shape.dims()) : "[...]") +
                           " differs from " +
                           (other.shape.rank_known() ? shape_to_string(other.shape.dims()) : "[...]") + " of '" +
                           p.like + "'",
                    p.path + ".like", n.id());
    }
    return true;
  }

  bool check_value(const ConstPredicate& c, Value v, const Match& m, const std::string& path) {
    std::optional<Tensor> t = try_fold(g_, v);
    if (!t) return fail(m, "value is not known at conversion time", path, v.node);
    std::vector<double> values;
    try {
      values = t->to_double();
    } catch (const Error&) {
      return fail(m, "value is not numeric", path, v.node);
    }
    auto close = [&](double a, double b) { return std::fabs(a - b) <= c.tolerance || a == b; };
    switch (c.kind) {
      case ConstPredicate::Kind::All:
        for (size_t i = 0; i < values.size(); ++i)
          if (!close(values[i], c.values[0]))
            return fail(m, "element " + std::to_string(i) + " is " + fmt_double(values[i]) + ", expected every element " +
                               fmt_double(c.values[0]) + " (tolerance " + fmt_double(c.tolerance) + ")",
                        path, v.node);
        return true;
      case ConstPredicate::Kind::Equals:
        if (values.size() != c.values.size())
          return fail(m, std::to_string(values.size()) + " elements, expected " + std::to_string(c.values.size()), path,
                      v.node);
        for (size_t i = 0; i < values.size(); ++i)
          if (!close(values[i], c.values[i]))
            return fail(m, "element " + std::to_string(i) + " is " + fmt_double(values[i]) + ", expected " +
                               fmt_double(c.values[i]),
                        path, v.node);
        return true;
      case ConstPredicate::Kind::None:
        for (size_t i = 0; i < values.size(); ++i)
          for (double bad : c.values)
            if (close(values[i], bad))
              return fail(m, "element " + std::to_string(i) + " is " + fmt_double(values[i]) + ", which is excluded",
                          path, v.node);
        return true;
    }
    return true;
  }

  bool match_inputs(const PatternNode& p, const Node& n, Match& m) {
    std::vector<Value> ins = n.inputs();
    const OpDef* def = OpRegistry::instance().find(n.op());
    bool swap = def && def->commutative && ins.size() == 2 && p.inputs.size() == 2 && !p.inputs[1].variadic &&
                !p.inputs[0].optional && !p.inputs[1].optional;
    Match saved = m;
    if (match_input_list(p, n.id(), ins, 0, 0, m)) return true;
    if (!swap) return false;
    m = std::move(saved);
    std::swap(ins[0], ins[1]);
    return match_input_list(p, n.id(), ins, 0, 0, m);
  }

  bool match_input_list(const PatternNode& p, NodeId owner, const std::vector<Value>& ins, size_t pi, size_t ii,
                        Match& m) {
    for (; pi < p.inputs.size(); ++pi) {
      const PatternNode& q = p.inputs[pi];
      if (q.variadic) {
        std::vector<Value> rest;
        for (; ii < ins.size(); ++ii) {
          if (!match_value(q, ins[ii], m)) return false;
          rest.push_back(ins[ii]);
        }
        if (rest.size() < q.variadic_min)
          return fail(m, std::to_string(rest.size()) + " variadic inputs, expected at least " +
                             std::to_string(q.variadic_min),
                      q.path + ".min", owner);
        if (!q.capture.empty()) m.lists[q.capture] = std::move(rest);
        return true;
      }
      if (ii >= ins.size()) {
        if (q.optional) continue;
        return fail(m, "has " + std::to_string(ins.size()) + " inputs, the pattern expects more", q.path, owner);
      }
      if (!match_value(q, ins[ii++], m)) return false;
    }
    for (; ii < ins.size(); ++ii)
      if (ins[ii].valid())
        return fail(m, "has " + std::to_string(ins.size()) + " inputs, the pattern expects " +
                           std::to_string(p.inputs.size()),
                    p.path + ".inputs", owner);
    return true;
  }

  const Graph& g_;
  const PatternRule& rule_;
  MatchFailure best_;
  bool have_failure_ = false;
};

}  // namespace

std::vector<PatternRule> parse_pattern_rules(const std::string& path, const std::string& file) {
  std::ifstream in(path);
  if (!in) throw Error(file + ": cannot read the file");
  json root;
  try {
    root = parse_json_depth_limited(in);
  } catch (const json::exception& e) {  // syntax errors, and numbers too large for a double
    throw Error(file + ": invalid JSON: " + e.what());
  } catch (const Error& e) {  // nested deeper than REMO_MAX_JSON_DEPTH
    throw Error(file + ": " + e.what());
  }
  std::vector<PatternRule> out;
  if (!root.is_object() || !root.contains("patterns")) return out;
  const json& patterns = root["patterns"];
  if (!patterns.is_object()) throw Error(file + ": \"patterns\" must map rule names to rules");
  for (const auto& [key, value] : patterns.items()) out.push_back(parse_rule(key, value, file));
  return out;
}

MatchResult match_pattern(const Graph& graph, const PatternRule& rule, NodeId anchor) {
  const Node* n = graph.node(anchor);
  if (n && std::find(rule.roots[0].ops.begin(), rule.roots[0].ops.end(), n->op()) == rule.roots[0].ops.end()) {
    MatchResult r;  // the common case of the driver's index, without building a Matcher
    r.failure = MatchFailure{"op is " + n->op() + ", expected " + ops_text(rule.roots[0].ops),
                             rule.roots[0].path + ".op", anchor, {}, {}};
    return r;
  }
  return Matcher(graph, rule).run(anchor);
}

}  // namespace remo
