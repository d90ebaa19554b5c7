// remo.new_body: a rule builds an If's branches from scratch.
#include <gtest/gtest.h>

#include "tests/unit/test_support.h"

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "engine/rules/lua_pass.h"
#include "engine/rules/rule_set.h"

namespace remo {
namespace {

namespace fs = std::filesystem;

class LuaNewBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Node& x = make_op(g_, "opset1.Parameter", {}, {{"shape", std::vector<int64_t>{2, 3}}, {"element_type", ElementType::f32}}, "x");
    Node& c = make_op(g_, "opset1.Parameter", {}, {{"shape", std::vector<int64_t>{}}, {"element_type", ElementType::boolean}}, "c");
    Node& r = make_op(g_, "opset1.Relu", {x.output()}, {}, "relu");
    make_op(g_, "opset1.Result", {r.output()}, {}, "y");
    make_op(g_, "opset1.Result", {c.output()}, {}, "c/result");
  }
  // Runs `script` (a middle-phase pass) and returns its error, or "" when it succeeds.
  std::string run(const std::string& script) {
    std::ofstream(scratch_.path() / "p.lua") << script;
    RuleSet rules({scratch_.path().string()});
    try {
      run_lua_passes(rules, g_, "middle");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  testing_support::ScratchDir scratch_{"remo_lua_new_body"};
  Graph g_;
};

TEST_F(LuaNewBodyTest, BuildsBothBranchesOfAnIf) {
  EXPECT_EQ(run(R"(
remo.pass("branch", "middle", function(graph)
  local relu = graph:node("relu")
  local x, c = relu:input(1), graph:inputs()[2]
  local relu_body = remo.new_body({x}, function(p) return remo.op("opset1.Relu", {p}) end)
  local neg_body = remo.new_body({x}, function(p) return remo.op("opset1.Negative", {p}) end)
  local y = remo.op("opset8.If", {c, x}, {then_body = relu_body, then_inputs = {1, 0}, then_outputs = {0, 0},
                                          else_body = neg_body, else_inputs = {1, 0}, else_outputs = {0, 0}})
  graph:replace(relu:output(1), y)
end)
)"), "");
  const Node& producer = g_.at(g_.at(g_.results()[0]).input(0).node);
  ASSERT_EQ(producer.op(), "opset8.If");
  const auto& then_body = producer.attr<GraphPtr>("then_body");
  ASSERT_EQ(then_body->parameters().size(), 1u);
  ASSERT_EQ(then_body->results().size(), 1u);
  EXPECT_EQ(then_body->at(then_body->at(then_body->results()[0]).input(0).node).op(), "opset1.Relu");
  const auto& else_body = producer.attr<GraphPtr>("else_body");
  EXPECT_EQ(else_body->at(else_body->at(else_body->results()[0]).input(0).node).op(), "opset1.Negative");
  EXPECT_EQ(g_.output_info(producer.output(0)).shape, PartialShape({2, 3}));
}

TEST_F(LuaNewBodyTest, AnOuterValueInsideTheBodyIsRefused) {
  std::string error = run(R"(
remo.pass("leak", "middle", function(graph)
  local x = graph:inputs()[1]
  remo.new_body({x}, function(p) return remo.op("opset1.Add", {p, x}) end)
end)
)");
  EXPECT_NE(error.find("remo.new_body"), std::string::npos) << error;
  EXPECT_NE(error.find("stale"), std::string::npos) << error;
  // The enclosing pass's session is back: the graph is as it was.
  EXPECT_EQ(g_.at(g_.at(g_.results()[0]).input(0).node).op(), "opset1.Relu");
}

TEST_F(LuaNewBodyTest, ABodyWithoutResultsOrWithNonValuesIsRefused) {
  std::string none = run(R"(
remo.pass("empty", "middle", function(graph)
  remo.new_body({graph:inputs()[1]}, function(p) end)
end)
)");
  EXPECT_NE(none.find("returned no Values"), std::string::npos) << none;
  std::string number = run(R"(
remo.pass("number", "middle", function(graph)
  remo.new_body({42}, function(p) return p end)
end)
)");
  EXPECT_NE(number.find("parameter 1 is not a Value"), std::string::npos) << number;
}

}  // namespace
}  // namespace remo
