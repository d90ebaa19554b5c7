// The phase driver: ordering (priority, before/after, overrides by name), the budget naming the
// rules that undo each other, provenance (created_by, fused_names), --trace-rules output,
// --explain output, and the built-in middle rules (they fire, and the numbers do not change).
#include <sstream>

#include "tests/unit/pattern_test_helpers.h"

namespace remo {
namespace {

using namespace remo::test;

class PhaseDriverTest : public RuleFolderTest {};

// Relu(x) -> Abs(x) ("to_abs") and Relu(x) -> Sigmoid(x) ("to_sigmoid") compete for the same root.
const char* kCompeting = R"({"patterns": {
  "to_abs": {"priority": %A%, "match": {"op": "opset1.Relu", "inputs": ["x"]},
             "replace": {"nodes": {"n": {"op": "opset1.Abs", "inputs": ["x"]}}, "outputs": ["n"]}},
  "to_sigmoid": {"priority": %S%, %EXTRA% "match": {"op": "opset1.Relu", "inputs": ["x"]},
                 "replace": {"nodes": {"n": {"op": "opset1.Sigmoid", "inputs": ["x"]}}, "outputs": ["n"]}}}})";

std::string competing(const std::string& a, const std::string& s, const std::string& extra = "") {
  std::string text = kCompeting;
  text.replace(text.find("%A%"), 3, a);
  text.replace(text.find("%S%"), 3, s);
  text.replace(text.find("%EXTRA%"), 7, extra);
  return text;
}

std::string winner(RuleFolderTest& t, const std::string& json) {
  t.write("r.json", json);
  t.load();
  Graph g;
  NodeId res = result(g, op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})}));
  t.run(g);
  return producer(g, res).created_by;
}

TEST_F(PhaseDriverTest, HigherPriorityRunsFirst) {
  EXPECT_EQ(winner(*this, competing("1", "0")), "to_abs");
  EXPECT_EQ(winner(*this, competing("0", "1")), "to_sigmoid");
  EXPECT_EQ(winner(*this, competing("0", "0")), "to_abs");  // ties: by name
}

TEST_F(PhaseDriverTest, BeforeAndAfterOverridePriority) {
  EXPECT_EQ(winner(*this, competing("5", "0", R"("before": ["to_abs"],)")), "to_sigmoid");
  EXPECT_EQ(winner(*this, competing("0", "5", R"("after": "to_abs",)")), "to_abs");
  write("r.json", competing("0", "0", R"("before": "nope",)"));
  load();
  Graph g;
  result(g, op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})}));
  try {
    run(g);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("patterns.to_sigmoid.before: no pattern rule named 'nope'"), std::string::npos)
        << e.what();
  }
}

TEST_F(PhaseDriverTest, ALaterFileOverridesARuleOfTheSameName) {
  write("a.json", competing("0", "0"));
  write("b.json", R"({"patterns": {"other_key": {"name": "to_abs", "match": {"op": "opset1.Relu", "inputs": ["x"]},
      "replace": {"nodes": {"n": {"op": "opset1.Exp", "inputs": ["x"]}}, "outputs": ["n"]}}}})");
  load();
  Graph g;
  NodeId res = result(g, op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})}));
  run(g);
  EXPECT_EQ(producer(g, res).op(), "opset1.Exp");
  EXPECT_EQ(rules_->pattern_rules().at("to_abs").file, dir_.filename().string() + "/b.json");
}

TEST_F(PhaseDriverTest, RulesRunOnlyInTheirPhase) {
  write("r.json", R"({"patterns": {"late": {"phase": "back", "match": {"op": "opset1.Relu", "inputs": ["x"]},
      "replace": {"nodes": {"n": {"op": "opset1.Abs", "inputs": ["x"]}}, "outputs": ["n"]}}}})");
  load();
  Graph g;
  NodeId res = result(g, op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})}));
  run(g, "middle");
  EXPECT_EQ(producer(g, res).op(), "opset1.Relu");
  run(g, "back");
  EXPECT_EQ(producer(g, res).op(), "opset1.Abs");
}

TEST_F(PhaseDriverTest, BudgetExhaustionNamesTheRulesThatUndoEachOther) {
  write("r.json", R"({"patterns": {
    "relu_to_abs": {"match": {"op": "opset1.Relu", "inputs": ["x"]},
                    "replace": {"nodes": {"n": {"op": "opset1.Abs", "inputs": ["x"]}}, "outputs": ["n"]}},
    "abs_to_relu": {"match": {"op": "opset1.Abs", "inputs": ["x"]},
                    "replace": {"nodes": {"n": {"op": "opset1.Relu", "inputs": ["x"]}}, "outputs": ["n"]}}}})");
  load();
  Graph g;
  result(g, op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})}));
  try {
    run(g, "middle", nullptr, 50);
    ADD_FAILURE() << "converged";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("budget of 50"), std::string::npos) << msg;
    EXPECT_TRUE(msg.find("undoing each other: abs_to_relu -> relu_to_abs -> abs_to_relu") != std::string::npos ||
                msg.find("undoing each other: relu_to_abs -> abs_to_relu -> relu_to_abs") != std::string::npos)
        << msg;
    EXPECT_NE(msg.find("'relu'"), std::string::npos) << msg;
  }
}

TEST_F(PhaseDriverTest, ProvenanceAccumulatesOverRewrites) {
  write("r.json", R"({"patterns": {
    "fuse_abs_relu": {"match": {"op": "opset1.Relu", "inputs": [{"op": "opset1.Abs", "inputs": ["x"]}]},
                      "replace": {"nodes": {"n": {"op": "opset1.Abs", "inputs": ["x"]}}, "outputs": ["n"]}},
    "fuse_abs_abs": {"match": {"op": "opset1.Abs", "inputs": [{"op": "opset1.Abs", "inputs": ["x"]}]},
                     "replace": {"nodes": {"n": {"op": "opset1.Abs", "inputs": ["x"]}}, "outputs": ["n"]}}}})");
  load();
  Graph g;
  Value x = param(g, "x", ElementType::f32, {2});
  NodeId res = result(g, op(g, "r2", "opset1.Relu", {op(g, "a2", "opset1.Abs", {op(g, "r1", "opset1.Relu", {op(g, "a1", "opset1.Abs", {x})})})}));
  run(g);
  const Node& top = producer(g, res);
  EXPECT_EQ(top.op(), "opset1.Abs");
  EXPECT_EQ(g.at(top.input(0).node).op(), "opset1.Parameter");  // Relu(Abs(Relu(Abs(x)))) collapsed
  EXPECT_EQ(top.created_by, "fuse_abs_relu");  // r1, then a2 (abs_abs), then r2
  EXPECT_EQ(top.fused_names, (std::vector<std::string>{"a1", "a2", "r1", "r2"}));
  EXPECT_EQ(top.name, "r2");
}

TEST_F(PhaseDriverTest, TraceRecordsEachApplicationAndASummary) {
  write("r.json", competing("1", "0"));
  load();
  Graph g;
  result(g, op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})}));
  std::ostringstream log;
  RuleTrace trace(&log);
  run(g, "middle", &trace);
  EXPECT_EQ(log.str(), "[rules] middle: to_abs at 'relu'\n");
  ASSERT_EQ(trace.applications().size(), 1u);
  EXPECT_EQ(trace.stats().at("to_abs").applied, 1u);
  std::ostringstream table;
  trace.write_summary(table);
  EXPECT_NE(table.str().find("rule"), std::string::npos);
  EXPECT_NE(table.str().find("to_abs"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("middle"), std::string::npos);
}

TEST_F(PhaseDriverTest, ExplainNamesTheDeepestPartialMatchAndTheFailedPredicate) {
  write("x.json", R"({"patterns": {"fuse_x": {
    "match": {"op": "opset1.Multiply", "inputs": [{"op": "opset1.Relu", "inputs": ["x"]},
                                                  {"op": "opset1.Constant", "value": {"all": 1.0, "tol": 1e-6}}]},
    "replace": "x"}}})");
  load();
  Graph g;
  Value relu = op(g, "relu", "opset1.Relu", {param(g, "x", ElementType::f32, {2})});
  result(g, op(g, "mul", "opset1.Multiply", {constant(g, "c", f32s({}, {2})), relu}));
  std::string why = explain_rule(g, *rules_, "fuse_x", "mul");
  EXPECT_NE(why.find("rule 'fuse_x'"), std::string::npos) << why;
  EXPECT_NE(why.find("does not match at 'mul' (opset1.Multiply)"), std::string::npos) << why;
  EXPECT_NE(why.find("'relu' (opset1.Relu) as patterns.fuse_x.match.inputs[0]"), std::string::npos) << why;
  EXPECT_NE(why.find("first failed predicate: " + dir_.filename().string() + "/x.json: patterns.fuse_x.match.inputs[1].value"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("at 'c' (opset1.Constant): element 0 is 2"), std::string::npos) << why;

  // Through the trace, at the end of the rule's phase.
  RuleTrace trace;
  trace.request_explain("fuse_x", "mul");
  run(g, "front", &trace);
  EXPECT_FALSE(trace.explanation());
  run(g, "middle", &trace);
  ASSERT_TRUE(trace.explanation());
  EXPECT_EQ(*trace.explanation(), why);

  EXPECT_NE(explain_rule(g, *rules_, "fuse_x", "nowhere").find("there is no node 'nowhere'"), std::string::npos);
  EXPECT_THROW(explain_rule(g, *rules_, "no_such_rule", "mul"), Error);
}

// ---- the built-in middle rules -------------------------------------------------------------

class BuiltinMiddleRules : public ::testing::Test {
 protected:
  static RuleSet& rules() {
    static RuleSet set({RuleSet::builtin_folder()});
    return set;
  }
  // Runs the middle phase; returns the numbers before and after (which must be equal).
  static void run_and_compare(Graph& g, NodeId res, RuleTrace& trace) {
    std::vector<double> before = computed(g, res);
    RewriteOptions o;
    o.trace = &trace;
    run_phase(g, rules(), "middle", o);
    EXPECT_EQ(computed(g, res), before);
    EXPECT_EQ(g.output_info(g.at(res).input(0)).shape.dims().size(), g.output_info(g.at(res).input(0)).shape.rank());
  }
  static size_t applied(const RuleTrace& t, const std::string& rule) {
    auto it = t.stats().find(rule);
    return it == t.stats().end() ? 0 : it->second.applied;
  }
};

TEST_F(BuiltinMiddleRules, ConvertToTheSameTypeIsRemoved) {
  Graph g;
  Value x = constant(g, "x", f32s({2}, {1.5f, -2}));
  Value same = op(g, "same", "opset1.Convert", {x}, {{"destination_type", ElementType::f32}});
  NodeId res = result(g, op(g, "other", "opset1.Convert", {same}, {{"destination_type", ElementType::i32}}));
  RuleTrace t;
  run_and_compare(g, res, t);
  EXPECT_EQ(applied(t, "remove_convert_to_same_type"), 1u);
  EXPECT_EQ(producer(g, res).name, "other");
  EXPECT_EQ(producer(g, res).input(0), x);
}

TEST_F(BuiltinMiddleRules, MultiplyByOneAndAddZeroAreRemovedInEitherOrder) {
  Graph g;
  Value x = constant(g, "x", f32s({2, 2}, {1, -2, 3.5f, 0}));
  Value a = op(g, "mul", "opset1.Multiply", {constant(g, "one", f32s({1, 2}, {1, 1})), x});
  Value b = op(g, "add", "opset1.Add", {a, constant(g, "zero", f32s({}, {0}))});
  NodeId res = result(g, op(g, "relu", "opset1.Relu", {b}));
  RuleTrace t;
  run_and_compare(g, res, t);
  EXPECT_EQ(applied(t, "remove_multiply_by_one"), 1u);
  EXPECT_EQ(applied(t, "remove_add_zero"), 1u);
  EXPECT_EQ(producer(g, res).input(0), x);
}

TEST_F(BuiltinMiddleRules, MultiplyByOneThatBroadcastsIsKept) {
  Graph g;
  Value x = constant(g, "x", f32s({2}, {1, -2}));
  NodeId res = result(g, op(g, "mul", "opset1.Multiply", {x, constant(g, "ones", f32s({3, 2}, {1, 1, 1, 1, 1, 1}))}));
  RuleTrace t;
  run_and_compare(g, res, t);
  EXPECT_EQ(applied(t, "remove_multiply_by_one"), 0u);
  EXPECT_EQ(producer(g, res).name, "mul");
}

TEST_F(BuiltinMiddleRules, ReshapeOfReshapeBecomesOneReshape) {
  Graph g;
  Value x = constant(g, "x", f32s({2, 3}, {1, 2, 3, 4, 5, 6}));
  Value r1 = op(g, "r1", "opset1.Reshape", {x, constant(g, "s1", i64s({3, 2}))}, {{"special_zero", false}});
  NodeId res = result(g, op(g, "r2", "opset1.Reshape", {r1, constant(g, "s2", i64s({-1}))}, {{"special_zero", true}}));
  RuleTrace t;
  run_and_compare(g, res, t);
  EXPECT_EQ(applied(t, "merge_reshapes"), 1u);
  const Node& top = producer(g, res);
  EXPECT_EQ(top.op(), "opset1.Reshape");
  EXPECT_EQ(top.name, "r2");
  EXPECT_EQ(top.input(0), x);
  EXPECT_EQ(top.created_by, "merge_reshapes");
  EXPECT_EQ(top.fused_names, (std::vector<std::string>{"r1", "r2"}));
}

TEST_F(BuiltinMiddleRules, ReshapeWithZeroInTheTargetIsKept) {
  Graph g;
  Value x = constant(g, "x", f32s({2, 3}, {1, 2, 3, 4, 5, 6}));
  Value r1 = op(g, "r1", "opset1.Reshape", {x, constant(g, "s1", i64s({3, 2}))}, {{"special_zero", false}});
  NodeId res = result(g, op(g, "r2", "opset1.Reshape", {r1, constant(g, "s2", i64s({0, -1}))}, {{"special_zero", true}}));
  RuleTrace t;
  run_and_compare(g, res, t);
  EXPECT_EQ(applied(t, "merge_reshapes"), 0u);
}

TEST_F(BuiltinMiddleRules, InverseTransposesCancelOthersMerge) {
  Graph g;
  std::vector<float> values(24);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  Value x = constant(g, "x", f32s({2, 3, 4}, values));
  Value t1 = op(g, "t1", "opset1.Transpose", {x, constant(g, "p1", i64s({1, 2, 0}))});
  NodeId res = result(g, op(g, "t2", "opset1.Transpose", {t1, constant(g, "p2", i64s({2, 0, 1}))}));
  RuleTrace t;
  run_and_compare(g, res, t);
  EXPECT_EQ(applied(t, "merge_transposes"), 1u);
  EXPECT_EQ(g.at(res).input(0), x);

  Graph h;
  Value y = constant(h, "y", f32s({2, 3, 4}, values));
  Value u1 = op(h, "u1", "opset1.Transpose", {y, constant(h, "q1", i64s({1, 0, 2}))});
  NodeId res2 = result(h, op(h, "u2", "opset1.Transpose", {u1, constant(h, "q2", i64s({0, 2, 1}))}));
  RuleTrace t2;
  run_and_compare(h, res2, t2);
  EXPECT_EQ(applied(t2, "merge_transposes"), 1u);
  EXPECT_EQ(producer(h, res2).op(), "opset1.Transpose");
  EXPECT_EQ(producer(h, res2).input(0), y);
  EXPECT_EQ(producer(h, res2).name, "u2");
}

}  // namespace
}  // namespace remo
