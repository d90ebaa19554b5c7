// Pattern rules: each predicate kind, commutativity, optional and variadic inputs, several roots,
// captures, template and Lua replacements, and failures reported as data (reason + JSON path).
#include "tests/unit/pattern_test_helpers.h"

#include "engine/rules/pattern.h"

namespace remo {
namespace {

using namespace remo::test;

class PatternTest : public RuleFolderTest {
 protected:
  // One rule "r" in r.json with the given match; replaced by capture x unless told otherwise.
  void rule(const std::string& match, const std::string& replace = "\"x\"") {
    write("r.json", R"({"patterns": {"r": {"match": )" + match + R"(, "replace": )" + replace + "}}}");
  }
  MatchResult try_match(Graph& g, const std::string& node) {
    const RuleSet& rules = rules_ ? *rules_ : load();
    return match_pattern(g, rules.pattern_rules().at("r"), g.find_node(node)->id());
  }
};

TEST_F(PatternTest, OpPredicateAcceptsASetAndNamesTheFailedPath) {
  rule(R"({"op": ["opset1.Relu", "opset1.Sigmoid"], "inputs": [{"op": "opset1.Parameter", "capture": "x"}]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  op(g, "relu", "opset1.Relu", {x});
  op(g, "sig", "opset1.Sigmoid", {op(g, "abs", "opset1.Abs", {x})});
  EXPECT_TRUE(try_match(g, "relu").match);
  MatchResult r = try_match(g, "sig");
  ASSERT_FALSE(r.match);
  EXPECT_EQ(r.failure.path, dir_.filename().string() + "/r.json: patterns.r.match.inputs[0].op");
  EXPECT_EQ(r.failure.reason, "op is opset1.Abs, expected opset1.Parameter");
  EXPECT_EQ(r.failure.matched.size(), 1u);  // the Sigmoid root
  EXPECT_FALSE(try_match(g, "abs").match);
}

TEST_F(PatternTest, AttributePredicate) {
  rule(R"({"op": "opset1.Convert", "attrs": {"destination_type": "f16"}, "inputs": ["x"]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  op(g, "to_f16", "opset1.Convert", {x}, {{"destination_type", ElementType::f16}});
  op(g, "to_i32", "opset1.Convert", {x}, {{"destination_type", ElementType::i32}});
  EXPECT_TRUE(try_match(g, "to_f16").match);
  MatchResult r = try_match(g, "to_i32");
  ASSERT_FALSE(r.match);
  EXPECT_NE(r.failure.path.find("patterns.r.match.attrs.destination_type"), std::string::npos);
  EXPECT_EQ(r.failure.reason, "attribute destination_type is i32, expected f16");
}

TEST_F(PatternTest, ConstantValueWithinATolerance) {
  rule(R"({"op": "opset1.Multiply", "inputs": ["x", {"op": "opset1.Constant", "value": {"all": 1.0, "tol": 1e-6}}]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  op(g, "near_one", "opset1.Multiply", {x, constant(g, "c1", f32s({2}, {1.0000001f, 0.9999999f}))});
  op(g, "two", "opset1.Multiply", {x, constant(g, "c2", f32s({2}, {1.0f, 2.0f}))});
  EXPECT_TRUE(try_match(g, "near_one").match);
  MatchResult r = try_match(g, "two");
  ASSERT_FALSE(r.match);
  EXPECT_NE(r.failure.path.find("patterns.r.match.inputs[1].value"), std::string::npos);
  EXPECT_NE(r.failure.reason.find("element 1 is 2"), std::string::npos) << r.failure.reason;
  EXPECT_EQ(g.at(r.failure.node).name, "c2");
}

TEST_F(PatternTest, ConstantValueEqualsAListOrExcludesValues) {
  rule(R"({"op": "opset1.Transpose", "inputs": ["x", {"value": [0, 2, 1]}]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {1, 2, 3});
  op(g, "t021", "opset1.Transpose", {x, constant(g, "o1", i64s({0, 2, 1}))});
  op(g, "t102", "opset1.Transpose", {x, constant(g, "o2", i64s({1, 0, 2}))});
  EXPECT_TRUE(try_match(g, "t021").match);
  EXPECT_FALSE(try_match(g, "t102").match);

  rule(R"({"op": "opset1.Transpose", "inputs": ["x", {"value": {"none": [2]}}]})");
  load();
  EXPECT_FALSE(try_match(g, "t021").match);
  op(g, "t10", "opset1.Transpose", {param(g, "y", ElementType::f32, {2, 3}), constant(g, "o3", i64s({1, 0}))});
  EXPECT_TRUE(try_match(g, "t10").match);
}

TEST_F(PatternTest, TypeRankAndShapePredicates) {
  rule(R"({"op": "opset1.Relu", "type": ["f32", "f16"], "rank": [2, 3], "shape": [1, "?", 4], "inputs": ["x"]})");
  Graph g;
  op(g, "ok", "opset1.Relu", {param(g, "a", ElementType::f32, {1, 7, 4})});
  op(g, "wrong_type", "opset1.Relu", {param(g, "b", ElementType::i32, {1, 7, 4})});
  op(g, "wrong_rank", "opset1.Relu", {param(g, "c", ElementType::f32, {1, 7, 4, 1})});
  op(g, "wrong_dim", "opset1.Relu", {param(g, "d", ElementType::f32, {2, 7, 4})});
  EXPECT_TRUE(try_match(g, "ok").match);
  EXPECT_NE(try_match(g, "wrong_type").failure.path.find("match.type"), std::string::npos);
  EXPECT_NE(try_match(g, "wrong_rank").failure.path.find("match.rank"), std::string::npos);
  MatchResult r = try_match(g, "wrong_dim");
  EXPECT_NE(r.failure.path.find("match.shape"), std::string::npos);
  EXPECT_EQ(r.failure.reason, "shape is [2,7,4]");
}

TEST_F(PatternTest, ConsumerCountPredicate) {
  rule(R"({"op": "opset1.Relu", "inputs": [{"op": "opset1.Abs", "consumers": 1, "inputs": ["x"]}]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  op(g, "single", "opset1.Relu", {op(g, "abs1", "opset1.Abs", {x})});
  Value shared = op(g, "abs2", "opset1.Abs", {x});
  op(g, "first", "opset1.Relu", {shared});
  op(g, "second", "opset1.Sigmoid", {shared});
  EXPECT_TRUE(try_match(g, "single").match);
  MatchResult r = try_match(g, "first");
  EXPECT_NE(r.failure.path.find("inputs[0].consumers"), std::string::npos);
  EXPECT_EQ(r.failure.reason, "has 2 consumers, expected 1");
}

TEST_F(PatternTest, CommutativeOpsMatchBothWaysOthersDoNot) {
  rule(R"({"op": ["opset1.Multiply", "opset1.Subtract"], "inputs": ["x", {"op": "opset1.Constant", "capture": "c"}]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  Value c = constant(g, "c", f32s({2}, {1, 2}));
  op(g, "xc", "opset1.Multiply", {x, c});
  op(g, "cx", "opset1.Multiply", {c, x});
  op(g, "sub_cx", "opset1.Subtract", {c, x});
  op(g, "sub_xc", "opset1.Subtract", {x, c});
  for (const char* name : {"xc", "cx"}) {
    MatchResult r = try_match(g, name);
    ASSERT_TRUE(r.match) << name;
    EXPECT_EQ(r.match->values.at("x"), x);
    EXPECT_EQ(r.match->values.at("c"), c);
  }
  EXPECT_TRUE(try_match(g, "sub_xc").match);
  EXPECT_FALSE(try_match(g, "sub_cx").match);
  EXPECT_TRUE(OpRegistry::instance().find("opset1.LogicalXor")->commutative);
  EXPECT_FALSE(OpRegistry::instance().find("opset1.Divide")->commutative);
}

TEST_F(PatternTest, OptionalInputsMatchPresentAndAbsent) {
  rule(R"({"op": "opset1.Squeeze", "inputs": ["x", {"optional": true, "op": "opset1.Constant", "capture": "axes"}]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {1, 3, 1});
  op(g, "all", "opset1.Squeeze", {x});
  op(g, "some", "opset1.Squeeze", {x, constant(g, "axes", i64s({0}))});
  MatchResult without = try_match(g, "all");
  ASSERT_TRUE(without.match);
  EXPECT_FALSE(without.match->values.count("axes"));
  MatchResult with = try_match(g, "some");
  ASSERT_TRUE(with.match);
  EXPECT_EQ(g.at(with.match->values.at("axes").node).name, "axes");
}

TEST_F(PatternTest, VariadicInputsCaptureAList) {
  rule(R"({"op": "opset1.Concat", "inputs": [{"variadic": true, "min": 3, "op": "opset1.Parameter", "capture": "parts"}]})",
       R"({"nodes": {"c": {"op": "opset1.Concat", "inputs": ["parts"], "attrs": {"axis": 1}}}, "outputs": ["c"]})");
  Graph g;
  Value a = param(g, "a", ElementType::f32, {1, 2});
  Value b = param(g, "b", ElementType::f32, {1, 2});
  Value c = param(g, "c", ElementType::f32, {1, 2});
  op(g, "three", "opset1.Concat", {a, b, c}, {{"axis", int64_t{0}}});
  op(g, "two", "opset1.Concat", {a, b}, {{"axis", int64_t{0}}});
  op(g, "mixed", "opset1.Concat", {a, b, op(g, "r", "opset1.Relu", {c})}, {{"axis", int64_t{0}}});
  MatchResult r = try_match(g, "three");
  ASSERT_TRUE(r.match);
  EXPECT_EQ(r.match->lists.at("parts"), (std::vector<Value>{a, b, c}));
  MatchResult two = try_match(g, "two");
  EXPECT_NE(two.failure.path.find("inputs[0].min"), std::string::npos);
  EXPECT_NE(try_match(g, "mixed").failure.path.find("inputs[0].op"), std::string::npos);
}

TEST_F(PatternTest, ACaptureNamedTwiceMustBindTheSameValue) {
  rule(R"({"op": "opset1.Add", "inputs": ["x", "x"]})",
       R"({"nodes": {"two": {"const": 2, "type": {"type_of": "x"}},
                     "twice": {"op": "opset1.Multiply", "inputs": ["x", "two"]}}, "outputs": ["twice"]})");
  Graph g;
  Value a = param(g, "a", ElementType::f32, {2});
  Value b = param(g, "b", ElementType::f32, {2});
  op(g, "aa", "opset1.Add", {a, a});
  op(g, "ab", "opset1.Add", {a, b});
  EXPECT_TRUE(try_match(g, "aa").match);
  MatchResult r = try_match(g, "ab");
  EXPECT_NE(r.failure.reason.find("capture 'x' is already bound"), std::string::npos);
}

TEST_F(PatternTest, SeveralRootsFoundThroughASharedCapture) {
  // Two identical Relu of the same value become one (common sub-expression elimination).
  rule(R"([{"op": "opset1.Relu", "inputs": ["x"]}, {"op": "opset1.Relu", "inputs": ["x"]}])",
       R"({"nodes": {"r": {"op": "opset1.Relu", "inputs": ["x"]}}, "outputs": ["r", "r"]})");
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  Value r1 = op(g, "r1", "opset1.Relu", {x});
  Value r2 = op(g, "r2", "opset1.Relu", {x});
  make_op(g, "opset1.Result", {r1}, {}, "out1");
  make_op(g, "opset1.Result", {r2}, {}, "out2");
  MatchResult m = try_match(g, "r1");
  ASSERT_TRUE(m.match);
  EXPECT_EQ(m.match->roots.size(), 2u);
  run(g);
  const Node& a = g.at(g.find_node("out1")->input(0).node);
  const Node& b = g.at(g.find_node("out2")->input(0).node);
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.created_by, "r");
  EXPECT_EQ(a.fused_names, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(g.node_count(), 4u);  // x, one Relu, two Results
}

TEST_F(PatternTest, TemplateCopiesAttributesFromCapturesAndLiterals) {
  // Relu(Convert(x)) -> Convert(Relu(x)) keeping the destination type, with a literal name check.
  rule(R"({"op": "opset1.Relu", "inputs": [{"op": "opset1.Convert", "capture": "cvt", "inputs": ["x"]}]})",
       R"({"nodes": {"relu": {"op": "opset1.Relu", "inputs": ["x"]},
                     "cvt2": {"op": "opset1.Convert", "inputs": ["relu"],
                              "attrs": {"destination_type": {"from": "cvt.destination_type"}}}},
           "outputs": ["cvt2"]})");
  Graph g;
  Value x = param(g, "x", ElementType::f16, {2});
  NodeId res = result(g, op(g, "relu", "opset1.Relu", {op(g, "cvt", "opset1.Convert", {x}, {{"destination_type", ElementType::f32}})}));
  run(g);
  const Node& top = producer(g, res);
  EXPECT_EQ(top.op(), "opset1.Convert");
  EXPECT_EQ(top.attr<ElementType>("destination_type"), ElementType::f32);
  EXPECT_EQ(top.name, "relu");  // the root's name moves to its replacement
  EXPECT_EQ(g.at(top.input(0).node).op(), "opset1.Relu");
  EXPECT_EQ(top.created_by, "r");
  EXPECT_EQ(top.fused_names, (std::vector<std::string>{"cvt", "relu"}));
}

TEST_F(PatternTest, LuaReplacementSeesCapturesAndNodes) {
  rule(R"({"op": "opset1.Multiply", "inputs": ["x", {"op": "opset1.Constant", "capture": "c"}]})",
       R"({"lua": "mul_to_add"})");
  write("r.lua", R"(
remo.rewrite("mul_to_add", function(m)
  local c = m.c:value()
  if c[1] ~= 2 then return nil, "the constant is " .. c[1] .. ", not 2" end
  assert(m.nodes.c.op == "opset1.Constant" and #m.roots == 1)
  return remo.op("opset1.Add", {m.x, m.x})
end))");
  Graph g;
  Value x = constant(g, "x", f32s({2}, {1.5f, -3}));
  NodeId res = result(g, op(g, "mul", "opset1.Multiply", {x, constant(g, "two", f32s({}, {2}))}));
  std::vector<double> before = computed(g, res);
  run(g);
  EXPECT_EQ(producer(g, res).op(), "opset1.Add");
  EXPECT_EQ(producer(g, res).created_by, "r");
  EXPECT_EQ(computed(g, res), before);

  Graph h;
  Value y = param(h, "y", ElementType::f32, {2});
  result(h, op(h, "mul3", "opset1.Multiply", {y, constant(h, "three", f32s({}, {3}))}));
  size_t nodes = h.node_count();
  run(h);
  EXPECT_EQ(h.node_count(), nodes);  // declined
  std::string why = explain_rule(h, *rules_, "r", "mul3");
  EXPECT_NE(why.find("declined"), std::string::npos) << why;
  EXPECT_NE(why.find("the constant is 3.0, not 2"), std::string::npos) << why;
  EXPECT_NE(why.find("r.lua:2"), std::string::npos) << why;
  EXPECT_EQ(h.node_count(), nodes);
}

TEST_F(PatternTest, ParseErrorsNameTheJsonPath) {
  rule(R"({"op": "opset1.Relu", "inputs": [{"colour": "red"}]})");
  EXPECT_NE(load_error().find("r.json: patterns.r.match.inputs[0].colour: unknown key"), std::string::npos);
  rule(R"({"op": "opset1.Concat", "inputs": [{"variadic": true}, "x"]})");
  EXPECT_NE(load_error().find("patterns.r.match.inputs[0]: only the last input can be variadic"), std::string::npos);
  rule(R"({"op": "opset1.Relu", "inputs": ["x"]})", R"({"nodes": {"n": {"op": "opset1.Nope"}}, "outputs": ["n"]})");
  EXPECT_NE(load_error().find("patterns.r.replace.nodes.n.op: 'opset1.Nope' is not an opset op"), std::string::npos);
  rule(R"({"op": "opset1.Relu", "inputs": ["x"]})", R"({"lua": "missing"})");
  EXPECT_NE(load_error().find("patterns.r.replace.lua: no function registered"), std::string::npos);
  rule(R"({"op": "opset1.Relu", "inputs": ["x"]})", R"("y")");
  EXPECT_NE(load_error().find("output 0 'y' is neither a capture nor a template node"), std::string::npos);
}

}  // namespace
}  // namespace remo
