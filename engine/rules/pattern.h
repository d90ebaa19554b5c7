#pragma once
// Declarative pattern rules: the "patterns" key of a rule JSON file (format in docs/rules.md).
// A rule is a small DAG of predicates rooted at one or more ops, and a replacement: a template of
// new opset nodes wired from captures, or a Lua function registered with remo.rewrite.
//
// Matching never answers a bare "no": it returns the deepest partial match and the first predicate
// that failed there, with the JSON path of that predicate, so --explain can point at it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

// A predicate on the values of a constant (the producer must fold at conversion time).
struct ConstPredicate {
  enum class Kind { All, Equals, None } kind = Kind::All;
  std::vector<double> values;  // All: one value; Equals: the whole list; None: forbidden values
  double tolerance = 0;        // absolute
};

// One node of a pattern: predicates on a Value and on the node producing it.
struct PatternNode {
  std::string path;                    // "rules/middle/x.json: patterns.r.match.inputs[1]"
  std::vector<std::string> ops;        // accepted ops of the producer; empty: any
  std::string capture;                 // binds the Value (a list of Values when variadic)
  std::optional<uint32_t> port;        // producer output the value must be
  std::map<std::string, AttrValue> attrs;  // attribute values the producer must have
  std::optional<ConstPredicate> value;
  std::vector<ElementType> types;      // accepted element types; empty: any
  std::vector<int64_t> ranks;          // accepted ranks; empty: any
  std::optional<std::vector<std::optional<int64_t>>> shape;  // nullopt entries match any dim
  std::optional<size_t> consumers;     // exact number of uses of the value
  std::string like;                    // same element type and shape as this capture
  bool optional = false;               // as an input: may be omitted or absent
  bool variadic = false;               // as the last input: matches every remaining input
  size_t variadic_min = 0;
  bool has_inputs = false;             // when false, the producer's inputs are not looked at
  std::vector<PatternNode> inputs;
};

// One input of a template node or one replacement output: a capture or a template node's output.
struct TemplateRef {
  std::string name;  // empty: an omitted optional input
  uint32_t port = 0;
};

// An attribute of a template node: a literal, a copy of a captured node's attribute, or the
// element type of a captured value.
struct TemplateAttr {
  std::optional<AttrValue> fixed;
  std::string from_capture;  // with from_attr: copy; alone: type_of
  std::string from_attr;
};

struct TemplateNode {
  std::string id;    // key in "nodes"
  std::string path;  // JSON path, for messages
  std::string op;    // opset op, or "const" for a constant
  std::vector<TemplateRef> inputs;
  std::map<std::string, TemplateAttr> attrs;
  // For constants: values, element type (literal or type_of a capture) and shape.
  std::vector<double> const_values;
  std::optional<ElementType> const_type;
  std::string const_type_of;
  std::optional<Shape> const_shape;
};

struct Replacement {
  std::string path;
  std::string lua;                    // name of a remo.rewrite function, or empty for a template
  std::vector<TemplateNode> nodes;    // in creation order (inputs before users)
  std::vector<TemplateRef> outputs;   // one per root
};

struct PatternRule {
  std::string name;   // the JSON key, unless "name" is given
  std::string file;   // "rules/middle/x.json"
  std::string path;   // "patterns.<key>"
  std::string phase = "middle";
  int64_t priority = 0;
  std::vector<std::string> before, after;
  std::vector<PatternNode> roots;
  // For roots after the first: a capture of an earlier root and its depth under this root, used
  // to find candidate nodes from the graph's uses.
  std::vector<std::pair<std::string, size_t>> root_links;
  Replacement replacement;
};

// What a successful match binds.
struct Match {
  std::map<std::string, Value> values;              // single captures
  std::map<std::string, std::vector<Value>> lists;  // variadic captures
  std::vector<NodeId> roots;
  std::vector<NodeId> nodes;            // every node an op predicate matched, roots first
  std::vector<std::string> node_paths;  // the pattern path each of `nodes` matched
};

// Why a match failed: the first failed predicate at the deepest partial match.
struct MatchFailure {
  std::string reason;  // "op is opset1.Add, expected opset1.Multiply"
  std::string path;    // JSON path of the predicate (or Lua file:line)
  NodeId node = kNoNode;
  std::vector<NodeId> matched;          // the partial match at that point
  std::vector<std::string> matched_paths;
};

struct MatchResult {
  std::optional<Match> match;
  MatchFailure failure;  // meaningful when !match
};

// Parses the "patterns" object of one rule file; throws remo::Error naming `file` and the JSON path.
std::vector<PatternRule> parse_pattern_rules(const std::string& path, const std::string& file);

// Matches `rule` with its first root at `anchor`. Never modifies the graph.
MatchResult match_pattern(const Graph& graph, const PatternRule& rule, NodeId anchor);

}  // namespace remo
