#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/translate.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;

class TranslateTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = scratch_.path(); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  // x[2,3] -> fw op `op` -> result
  Node& build(Graph& g, const std::string& op, Attributes attrs = {}) {
    Node& x = make_op(g, "opset1.Parameter", {},
                      {{"shape", std::vector<int64_t>{2, 3}}, {"element_type", ElementType::f32}}, "x");
    Node& fw = g.add_node(op, "fw", {x.output()}, std::move(attrs), 1);
    fw.outputs[0].names = {"y"};
    make_op(g, "opset1.Result", {fw.output()}, {}, "y/result");
    return fw;
  }
  std::string translate_error(Graph& g) {
    RuleSet rules({dir_.string()});
    try {
      translate_graph(g, rules);
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "translation succeeded";
    return "";
  }
  const Node& result_input(Graph& g) { return g.at(g.at(g.results()[0]).input(0).node); }

  testing_support::ScratchDir scratch_{"remo_translate"};
  fs::path dir_;
};

TEST_F(TranslateTest, LuaTranslationBuildsOpsAndKeepsNames) {
  write("t.lua", R"(
remo.translate("test.AbsPlus", function(node)
  local x = node:input(1)
  return remo.op("opset1.Add", {remo.op("opset1.Abs", {x}), remo.const(node:attr("k", 1.0), x:type())})
end))");
  Graph g;
  build(g, "test.AbsPlus", {{"k", 2.0}});
  RuleSet rules({dir_.string()});
  translate_graph(g, rules);
  const Node& add = result_input(g);
  EXPECT_EQ(add.op(), "opset1.Add");
  EXPECT_EQ(add.name, "fw");  // the output producer takes the framework node's name
  EXPECT_EQ(add.outputs[0].names, std::vector<std::string>{"y"});
  EXPECT_EQ(add.outputs[0].shape, PartialShape({2, 3}));
  EXPECT_EQ(add.fused_names, std::vector<std::string>{"fw"});
  EXPECT_NE(add.created_by.find("t.lua:2"), std::string::npos) << add.created_by;
  auto k = try_fold(g, add.input(1));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->to_double(), std::vector<double>{2.0});
}

TEST_F(TranslateTest, JsonTranslationCopiesAttributesWithDefaults) {
  write("t.json", R"({"translations": {
    "test.E": {"op": "opset1.Elu", "attrs": {"alpha": {"from": "a", "default": 0.5}}}}})");
  Graph g;
  build(g, "test.E");
  RuleSet rules({dir_.string()});
  translate_graph(g, rules);
  const Node& elu = result_input(g);
  EXPECT_EQ(elu.op(), "opset1.Elu");
  EXPECT_EQ(elu.attr<double>("alpha"), 0.5);
}

TEST_F(TranslateTest, JsonOpsetRangesPickTheMatchingEntry) {
  write("t.json", R"({"translations": {"test.R": [
    {"opset": [1, 5], "op": "opset1.Abs"}, {"opset": [6], "op": "opset1.Relu"}]}})");
  Graph g;
  g.meta["opset:test"] = int64_t{7};
  build(g, "test.R");
  RuleSet rules({dir_.string()});
  translate_graph(g, rules);
  EXPECT_EQ(result_input(g).op(), "opset1.Relu");
}

TEST_F(TranslateTest, UnknownOpsAreListedAllAtOnceWithAHint) {
  Graph g;
  Node& fw = build(g, "com.example.First");
  Node& second = g.add_node("com.example.Second", "s", {fw.output()}, {}, 1);
  make_op(g, "opset1.Result", {second.output()}, {}, "s/result");
  std::string msg = translate_error(g);
  EXPECT_NE(msg.find("com.example.First"), std::string::npos) << msg;
  EXPECT_NE(msg.find("com.example.Second"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--extensions"), std::string::npos) << msg;
  EXPECT_NE(msg.find("remo.translate"), std::string::npos) << msg;
}

TEST_F(TranslateTest, LaterFolderOverridesEarlierTranslation) {
  write("a/t.lua", R"(remo.translate("test.X", function(node) return remo.op("opset1.Abs", {node:input(1)}) end))");
  write("b/t.lua", R"(remo.translate("test.X", function(node) return remo.op("opset1.Relu", {node:input(1)}) end))");
  Graph g;
  build(g, "test.X");
  RuleSet rules({(dir_ / "a").string(), (dir_ / "b").string()});
  translate_graph(g, rules);
  EXPECT_EQ(result_input(g).op(), "opset1.Relu");
}

TEST_F(TranslateTest, ErrorsNameNodeRuleAndLine) {
  write("t.lua", "remo.translate('test.X', function(node)\n  return remo.op('opset1.Convolution', {node:input(1)})\nend)\n");
  Graph g;
  build(g, "test.X");
  std::string msg = translate_error(g);
  EXPECT_NE(msg.find("node 'fw' (test.X)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t.lua:2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("inputs"), std::string::npos) << msg;
}

TEST_F(TranslateTest, HandleToARemovedNodeIsAClearError) {
  write("t.lua", R"(
local kept
remo.translate("test.Keep", function(node) kept = node return node:input(1) end)
remo.translate("test.Use", function(node) return kept:input(1) end))");
  Graph g;
  Node& first = build(g, "test.Keep");
  Node& second = g.add_node("test.Use", "use", {first.output()}, {}, 1);
  make_op(g, "opset1.Result", {second.output()}, {}, "use/result");
  std::string msg = translate_error(g);
  EXPECT_NE(msg.find("removed"), std::string::npos) << msg;
}

TEST_F(TranslateTest, RequireLoadsModulesFromLibOnly) {
  write("lib/helpers.lua", "return {twice = function(x) return remo.op('opset1.Add', {x, x}) end}");
  write("t.lua", R"(local h = require("helpers")
remo.translate("test.X", function(node) return h.twice(node:input(1)) end))");
  Graph g;
  build(g, "test.X");
  RuleSet rules({dir_.string()});
  translate_graph(g, rules);
  EXPECT_EQ(result_input(g).op(), "opset1.Add");
  write("bad.lua", "require('../../etc/passwd')");
  EXPECT_THROW(RuleSet({dir_.string()}), Error);
}

TEST_F(TranslateTest, BrokenJsonRuleFileNamesTheFile) {
  write("broken.json", R"({"translations": {"test.X": {"op": 3}}})");
  try {
    RuleSet rules({dir_.string()});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json: translations.test.X.op"), std::string::npos) << e.what();
  }
}

// Found by fuzz_rule_json: a number too large for a double is a JSON error, not a crash.
TEST_F(TranslateTest, NumberTooLargeInARuleFileIsAClearError) {
  write("huge.json", "2e993");
  try {
    RuleSet rules({dir_.string()});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("huge.json: invalid JSON"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace remo
