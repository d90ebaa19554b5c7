// Lua whole-graph passes, custom ops with Lua shape inference, rule tests and the search path.
#include <gtest/gtest.h>

#include "tests/unit/test_support.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/cli/subcommands.h"
#include "engine/graph/error.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/custom_ops.h"
#include "engine/ops/op_registry.h"
#include "engine/rules/lua_pass.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/rule_tests.h"
#include "engine/rules/translate.h"

namespace remo {
namespace {

namespace fs = std::filesystem;

const std::string kSource = REMO_SOURCE_RULES_DIR;

class LuaGraphApiTest : public ::testing::Test {
 protected:
  // Each test gets a folder of its own: ctest runs tests in parallel processes.
  void SetUp() override { dir_ = scratch_.path(); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  // x[2,3] -> Sigmoid -> Multiply(s, x) -> result
  void build_swish(Graph& g) {
    Node& x = make_op(g, "opset1.Parameter", {},
                      {{"shape", std::vector<int64_t>{2, 3}}, {"element_type", ElementType::f32}}, "x");
    Node& s = make_op(g, "opset1.Sigmoid", {x.output()}, {}, "sig");
    Node& m = make_op(g, "opset1.Multiply", {s.output(), x.output()}, {}, "mul");
    m.outputs[0].names = {"y"};
    make_op(g, "opset1.Result", {m.output()}, {}, "y/result");
  }
  std::string pass_error(Graph& g, const std::string& script) {
    write("p.lua", script);
    RuleSet rules({dir_.string()});
    try {
      run_lua_passes(rules, g, "middle");
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "the pass succeeded";
    return "";
  }
  const Node& result_input(Graph& g) { return g.at(g.at(g.results()[0]).input(0).node); }

  testing_support::ScratchDir scratch_{"remo_lua_graph"};

  fs::path dir_;
};

TEST_F(LuaGraphApiTest, DocExamplesPassTheirRuleTests) {
  std::ostringstream out;
  size_t failed = run_rule_tests({RuleSet::builtin_folder(), kSource + "/docs/examples"},
                                 {kSource + "/docs/examples"}, out);
  EXPECT_EQ(failed, 0u) << out.str();
  // my_layer (1), swish_fusion (2), tf_custom_ops (4)
  EXPECT_NE(out.str().find("7 passed, 0 failed"), std::string::npos) << out.str();
}

TEST_F(LuaGraphApiTest, BuiltinRuleTestsPass) {
  std::ostringstream out;
  EXPECT_EQ(run_rule_tests({RuleSet::builtin_folder()}, {RuleSet::builtin_folder()}, out), 0u) << out.str();
}

TEST_F(LuaGraphApiTest, SwishExamplePassFusesAndRecordsProvenance) {
  Graph g;
  build_swish(g);
  RuleSet rules({kSource + "/docs/examples"});
  ASSERT_EQ(rules.lua_passes().size(), 1u);
  EXPECT_EQ(rules.lua_passes()[0].phase, "middle");
  EXPECT_EQ(run_lua_passes(rules, g, "middle"), 1u);
  const Node& swish = result_input(g);
  EXPECT_EQ(swish.op(), "opset4.Swish");
  EXPECT_EQ(swish.created_by, "swish_fusion");
  EXPECT_EQ(swish.fused_names, (std::vector<std::string>{"mul", "sig"}));
  EXPECT_EQ(swish.outputs[0].names, std::vector<std::string>{"y"});  // the tensor name moved along
  EXPECT_EQ(g.find_node("mul"), nullptr);
  EXPECT_EQ(g.node_count(), 3u);  // x, Swish, Result
}

TEST_F(LuaGraphApiTest, GraphQueriesAreInTopologicalOrder) {
  Graph g;
  build_swish(g);
  std::string msg = pass_error(g, R"(
remo.pass("q", "middle", function(graph)
  local ops = {}
  for _, n in ipairs(graph:nodes()) do ops[#ops + 1] = n.op end
  local mul = graph:node("mul")
  local uses = graph:node("sig"):consumers(1)
  local x = graph:inputs()[1]
  error(table.concat(ops, ",") .. "|" .. #graph:nodes("opset1.Sigmoid") .. "|" .. uses[1].node.name ..
        ":" .. uses[1].port .. "|" .. #x:consumers() .. "|" .. mul:output(1):node().name .. "|" ..
        tostring(graph:node("nope")) .. "|" .. graph:outputs()[1]:node().name)
end))");
  EXPECT_NE(msg.find("opset1.Parameter,opset1.Sigmoid,opset1.Multiply,opset1.Result|1|mul:1|2|mul|nil|mul"),
            std::string::npos) << msg;
  EXPECT_EQ(msg.rfind("pass 'q' (", 0), 0u) << msg;
  EXPECT_NE(msg.find("p.lua:2): "), std::string::npos) << msg;
}

TEST_F(LuaGraphApiTest, RemovingANodeWithConsumersIsRefused) {
  Graph g;
  build_swish(g);
  std::string msg = pass_error(g, R"(remo.pass("r", "middle", function(graph) graph:remove(graph:node("sig")) end))");
  EXPECT_NE(msg.find("graph:remove: node 'sig' (opset1.Sigmoid) still has consumers"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'mul'"), std::string::npos) << msg;
  EXPECT_NE(g.find_node("sig"), nullptr);
}

TEST_F(LuaGraphApiTest, HandlesToRemovedNodesAreAClearErrorInPasses) {
  Graph g;
  build_swish(g);
  std::string msg = pass_error(g, R"(
remo.pass("stale", "middle", function(graph)
  local mul, x = graph:node("mul"), graph:inputs()[1]
  local r = remo.op("opset1.Relu", {x})
  local v = mul:output(1)
  graph:replace(v, r)
  graph:remove(mul)
  return v:shape()
end))");
  EXPECT_NE(msg.find("refers to a node that a rewrite removed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("p.lua:8"), std::string::npos) << msg;
}

TEST_F(LuaGraphApiTest, ReplaceRefusesAnotherTypeOrShape) {
  Graph g;
  build_swish(g);
  std::string msg = pass_error(g, R"(
remo.pass("bad", "middle", function(graph)
  graph:replace(graph:node("mul"):output(1), remo.const({1, 2}, "f32"))
end))");
  EXPECT_NE(msg.find("shape [2] instead of [2,3]"), std::string::npos) << msg;
}

TEST_F(LuaGraphApiTest, ReplaceCanInsertAfterAValue) {
  Graph g;
  build_swish(g);
  write("p.lua", R"(
remo.pass("insert", "middle", function(graph)
  local v = graph:node("mul"):output(1)
  graph:replace(v, remo.op("opset1.Relu", {v}, {}, {name = "after_mul"}))
end))");
  RuleSet rules({dir_.string()});
  run_lua_passes(rules, g, "middle");
  const Node& relu = result_input(g);
  EXPECT_EQ(relu.name, "after_mul");
  EXPECT_EQ(g.at(relu.input(0).node).name, "mul");
}

TEST_F(LuaGraphApiTest, PassesAreRegisteredOnlyWhileLoadingAndNeedAKnownPhase) {
  write("p.lua", R"(remo.pass("x", "sideways", function(graph) end))");
  EXPECT_THROW(RuleSet({dir_.string()}), Error);
}

TEST_F(LuaGraphApiTest, CustomOpIsInferredInLuaAndWrittenToTheIr) {
  Graph g;
  Node& x = make_op(g, "opset1.Parameter", {},
                    {{"shape", std::vector<int64_t>{1, 4}}, {"element_type", ElementType::f32}}, "x");
  Node& fw = g.add_node("com.example.Tile", "tile", {x.output()}, {{"repeats", int64_t{3}}}, 1);
  make_op(g, "opset1.Result", {fw.output()}, {}, "tile/result");
  RuleSet rules({kSource + "/docs/examples"});
  translate_graph(g, rules);
  const Node& layer = result_input(g);
  EXPECT_EQ(layer.op(), "myext.MyLayer");
  EXPECT_EQ(layer.outputs[0].shape, PartialShape({1, 12}));
  EXPECT_EQ(layer.attr<std::string>("mode"), "fast");

  IrWriteOptions options;
  options.model_name = "custom";
  EXPECT_THROW(write_ir(g, dir_.string(), options), Error);  // without the registry it is unknown
  options.custom_ops = &rules.custom_ops();
  write_ir(g, dir_.string(), options);
  std::ifstream in(dir_ / "custom.xml");
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("type=\"MyLayer\" version=\"extension\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<data mode=\"fast\" repeats=\"3\""), std::string::npos) << xml;
}

TEST_F(LuaGraphApiTest, CustomOpShapeFunctionErrorsNameTheOp) {
  write("c.lua", R"(
remo.custom_op{op = "myext.Bad", infer = function(inputs, attrs) return {{type = "f99"}} end}
remo.translate("test.X", function(node) return remo.op("myext.Bad", {node:input(1)}) end))");
  Graph g;
  Node& x = make_op(g, "opset1.Parameter", {},
                    {{"shape", std::vector<int64_t>{2}}, {"element_type", ElementType::f32}}, "x");
  Node& fw = g.add_node("test.X", "fw", {x.output()}, {}, 1);
  make_op(g, "opset1.Result", {fw.output()}, {}, "r");
  RuleSet rules({dir_.string()});
  try {
    translate_graph(g, rules);
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("(myext.Bad): shape inference of custom op myext.Bad ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("'f99' is not an element type"), std::string::npos) << msg;
  }
}

TEST_F(LuaGraphApiTest, CustomOpsMayNotTakeOpsetNames) {
  write("c.lua", R"(remo.custom_op{op = "opset1.Relu", infer = function() return {} end})");
  EXPECT_THROW(RuleSet({dir_.string()}), Error);
}

TEST_F(LuaGraphApiTest, EditedRuleFileIsSeenByTheNextRuleSetWithoutRebuilding) {
  auto convert = [&] {
    Graph g;
    Node& x = make_op(g, "opset1.Parameter", {},
                      {{"shape", std::vector<int64_t>{2}}, {"element_type", ElementType::f32}}, "x");
    Node& fw = g.add_node("test.X", "fw", {x.output()}, {}, 1);
    make_op(g, "opset1.Result", {fw.output()}, {}, "r");
    RuleSet rules({RuleSet::builtin_folder(), dir_.string()});
    translate_graph(g, rules);
    return result_input(g).op();
  };
  write("ext/x.lua", R"(remo.translate("test.X", function(node) return remo.op("opset1.Abs", {node:input(1)}) end))");
  dir_ /= "ext";
  EXPECT_EQ(convert(), "opset1.Abs");
  write("x.lua", R"(remo.translate("test.X", function(node) return remo.op("opset1.Relu", {node:input(1)}) end))");
  EXPECT_EQ(convert(), "opset1.Relu");
}

TEST_F(LuaGraphApiTest, RuleTestFilesAreNotLoadedAsRulesAndReportFailures) {
  write("tests/x.test.json", R"({"tests": [
    {"name": "wrong value", "inputs": {"x": {"type": "f32", "shape": [2]}},
     "nodes": [{"op": "opset1.Relu", "inputs": ["x"], "outputs": ["y"]}], "outputs": ["y"],
     "check": {"inputs": {"x": [-1, 2]}, "outputs": {"y": [0, 3]}}},
    {"name": "bad reference", "nodes": [{"op": "opset1.Relu", "inputs": ["nope"]}], "outputs": []},
    {"name": "unchanged", "inputs": {"x": {"type": "f32", "shape": [2]}},
     "nodes": [{"op": "opset1.Relu", "inputs": ["x"], "outputs": ["y"]}], "outputs": ["y"],
     "expect": {"ops": ["opset1.Relu"]}, "check": {"outputs": "same_as_before"}}]})");
  RuleSet rules({dir_.string()});  // would throw if the test file were read as a rule file
  auto results = run_rule_test_file((dir_ / "tests/x.test.json").string(), rules);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].passed);
  EXPECT_NE(results[0].message.find("output y: value [1] is 2, expected 3"), std::string::npos) << results[0].message;
  EXPECT_FALSE(results[1].passed);
  EXPECT_NE(results[1].message.find("tests[1].nodes[0].inputs[0]: no input"), std::string::npos) << results[1].message;
  EXPECT_TRUE(results[2].passed) << results[2].message;
}

TEST_F(LuaGraphApiTest, ScaffoldWritesAStubWhoseTestFailsUntilFilledIn) {
  auto files = scaffold_translation("onnx", "MyOp", (dir_ / "ext").string());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_TRUE(fs::exists(dir_ / "ext/myop.lua"));
  EXPECT_TRUE(fs::exists(dir_ / "ext/tests/myop.test.json"));
  std::ostringstream out;
  EXPECT_EQ(run_rule_tests({RuleSet::builtin_folder(), (dir_ / "ext").string()}, {(dir_ / "ext").string()}, out), 1u);
  EXPECT_NE(out.str().find("not written yet"), std::string::npos) << out.str();
  EXPECT_THROW(scaffold_translation("onnx", "MyOp", (dir_ / "ext").string()), Error);  // never overwrites
  std::ostringstream o, e;
  EXPECT_EQ(run_subcommand({"scaffold", "--op", "X"}, o, e), 2);
}

}  // namespace
}  // namespace remo
