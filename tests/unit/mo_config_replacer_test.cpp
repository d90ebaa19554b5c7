// Applying transformations configs: Lua replacers registered by id, the op shortcut, the
// missing-replacer error, replacer errors, and the shipped example config + replacer.
#include <gtest/gtest.h>

#include "tests/unit/test_support.h"

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/rules/mo_config/apply_config.h"
#include "engine/rules/rule_set.h"
#include "tests/unit/mo_config_test_graphs.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using test::build_ssd_like;
using test::fw;
using test::out;

const char* kPostprocessorEntry = R"([
  {"id": "ObjectDetectionAPISSDPostprocessorReplacement", "match_kind": "points",
   "instances": {"start_points": ["Postprocessor/Reshape", "Postprocessor/scale_logits", "Postprocessor/ToFloat"],
                 "end_points": ["detection_boxes", "num_detections"]},
   "custom_attributes": {"code_type": "caffe.PriorBoxParameter.CENTER_SIZE", "clip_after_nms": true,
                         "variance": [0.1, 0.1, 0.2, 0.2], "keep_top_k": 100, "nested": {"a": [1, 2]}}}
])";

class MoReplacerTest : public ::testing::Test {
 protected:
  // Each test gets a folder of its own: ctest runs tests in parallel processes.
  void SetUp() override { dir_ = scratch_.path(); }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  std::vector<std::string> apply(Graph& g, const std::string& config_text) {
    RuleSet rules({dir_.string()});
    return apply_mo_config(g, parse_mo_config(config_text, "ssd.json"), rules.lua(), {dir_.string()});
  }
  std::string apply_error(Graph& g, const std::string& config_text) {
    try {
      apply(g, config_text);
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "applied";
    return "";
  }

  testing_support::ScratchDir scratch_{"remo_mo_replacer"};

  fs::path dir_;
};

TEST_F(MoReplacerTest, LuaReplacerSeesTheMatchAndReplacesTheOutputs) {
  write("replacers/ssd.lua", R"(
remo.replacer("ObjectDetectionAPISSDPostprocessorReplacement", function(match)
  assert(match.id == "ObjectDetectionAPISSDPostprocessorReplacement")
  assert(match.kind == "points" and match.scope == nil and match.config == "ssd.json")
  local attrs = match.custom_attributes
  assert(attrs.clip_after_nms == true and attrs.keep_top_k == 100 and attrs.variance[4] == 0.2)
  assert(attrs.nested.a[2] == 2)
  assert(match:input_count() == 3 and match:output_count() == 2)
  local names = {}
  for _, n in ipairs(match:nodes()) do names[#names + 1] = n.name end
  assert(#names == 9, #names)
  assert(match:contains("Postprocessor/anchors") and not match:contains("BoxPredictor/boxes"))
  local consumers = match:input_consumers(1)
  assert(#consumers == 1 and consumers[1].node.name == "Postprocessor/Reshape" and consumers[1].port == 1)
  local boxes, classes = match:input(1), match:input(2)
  assert(boxes:node().name == "BoxPredictor/boxes" and classes:node().name == "BoxPredictor/classes")
  assert(match:output(1):node().name == "detection_boxes")
  assert(match:input(4) == nil and match:output(3) == nil)
  assert(match.graph:node("image_tensor") ~= nil)
  -- output 1 becomes boxes + classes; output 2 (num_detections) is dropped with its model output
  return remo.op("opset1.Add", {boxes, classes}), false
end)
)");
  Graph g;
  build_ssd_like(g);
  EXPECT_TRUE(apply(g, kPostprocessorEntry).empty());
  ASSERT_EQ(g.results().size(), 1u);
  const Node& result = g.at(g.results()[0]);
  EXPECT_EQ(result.name, "detection_boxes/sink_port_0");
  const Node& add = g.at(result.input(0).node);
  EXPECT_EQ(add.op(), "opset1.Add");
  EXPECT_EQ(add.name, "detection_boxes");  // the new producer takes the replaced node's name
  EXPECT_EQ(add.outputs[0].names, std::vector<std::string>{"detection_boxes"});
  EXPECT_EQ(add.input(0), out(g, "BoxPredictor/boxes"));
  for (const char* gone : {"Postprocessor/NMS", "Postprocessor/anchors", "Postprocessor/debug", "Postprocessor/Reshape/shape",
                           "Postprocessor/ToFloat", "num_detections", "num_detections/sink_port_0"})
    EXPECT_EQ(g.find_node(gone), nullptr) << gone;
}

TEST_F(MoReplacerTest, ScopeReplacerKeepsWhatItReuses) {
  // Like mo's PreprocessorReplacement: keep Preprocessor/sub and mul, bypass the map/ nodes.
  write("pre.lua", R"(
remo.replacer("ObjectDetectionAPIPreprocessorReplacement", function(match)
  assert(match.scope == ".*Preprocessor/")
  local mul = match:node_by_pattern("mul$")
  assert(mul.name == "Preprocessor/mul" and match:node_by_pattern("nothing$") == nil)
  local image = match:input(1)
  assert(image:node().name == "image_tensor")
  match.graph:replace(mul:input(2), image)
  return nil   -- output 1 (sub) stays as it is
end)
)");
  Graph g;
  build_ssd_like(g);
  apply(g, R"([{"id": "ObjectDetectionAPIPreprocessorReplacement", "match_kind": "scope", "instances": [".*Preprocessor/"],
    "inputs": [[{"node": "map/Shape$", "port": 0}]], "outputs": [{"node": "sub$", "port": 0}]}])");
  EXPECT_NE(g.find_node("Preprocessor/sub"), nullptr);
  EXPECT_EQ(g.find_node("Preprocessor/mul")->input(1), out(g, "image_tensor"));
  EXPECT_EQ(g.find_node("Preprocessor/map/TensorArrayUnstack/TensorArrayScatter/TensorArrayScatterV3"), nullptr);
  // Still read outside the scope (by BoxPredictor/image_size), so kept.
  EXPECT_NE(g.find_node("Preprocessor/map/TensorArrayStack_1/TensorArrayGatherV3"), nullptr);
}

TEST_F(MoReplacerTest, OpShortcutMakesOneFrameworkNode) {
  Graph g;
  build_ssd_like(g);
  std::string config = kPostprocessorEntry;
  config.replace(config.find("\"match_kind\""), 0, "\"op\": \"DetectionOutput\", ");
  apply(g, config);  // no replacer needed
  ASSERT_EQ(g.results().size(), 2u);
  const Node& det = g.at(g.at(g.results()[0]).input(0).node);
  EXPECT_EQ(det.op(), "tf.DetectionOutput");
  EXPECT_EQ(det.name, "detection_boxes");
  EXPECT_EQ(g.at(g.results()[1]).input(0), det.output(1));
  EXPECT_EQ(det.inputs(), (std::vector<Value>{out(g, "BoxPredictor/boxes"), out(g, "BoxPredictor/classes"),
                                              out(g, "BoxPredictor/image_size")}));
  EXPECT_EQ(det.attr<std::string>("code_type"), "caffe.PriorBoxParameter.CENTER_SIZE");
  EXPECT_EQ(det.attr<int64_t>("keep_top_k"), 100);
  EXPECT_TRUE(det.attr<bool>("clip_after_nms"));
  EXPECT_EQ(det.attr<std::vector<double>>("variance"), (std::vector<double>{0.1, 0.1, 0.2, 0.2}));
  EXPECT_EQ(det.attr<std::string>("nested"), R"({"a":[1,2]})");
  EXPECT_EQ(g.find_node("Postprocessor/NMS"), nullptr);
}

TEST_F(MoReplacerTest, MissingReplacerNamesConfigEntryIdAndSearchPath) {
  Graph g;
  build_ssd_like(g);
  std::string e = apply_error(g, kPostprocessorEntry);
  EXPECT_NE(e.find("ssd.json: no Lua replacer is registered for 1 entry"), std::string::npos) << e;
  EXPECT_NE(e.find("entry [0] 'ObjectDetectionAPISSDPostprocessorReplacement'"), std::string::npos) << e;
  EXPECT_NE(e.find("remo.replacer(\"ObjectDetectionAPISSDPostprocessorReplacement\""), std::string::npos) << e;
  EXPECT_NE(e.find(dir_.string()), std::string::npos) << e;
  EXPECT_NE(g.find_node("Postprocessor/NMS"), nullptr);  // nothing changed
}

TEST_F(MoReplacerTest, ReplacerErrorsCarryFileLineAndEntry) {
  write("replacers/bad.lua", "remo.replacer(\"ObjectDetectionAPISSDPostprocessorReplacement\", function(match)\n"
                             "  error(\"boom\")\nend)\n");
  Graph g;
  build_ssd_like(g);
  std::string e = apply_error(g, kPostprocessorEntry);
  EXPECT_NE(e.find("ssd.json, entry [0] 'ObjectDetectionAPISSDPostprocessorReplacement'"), std::string::npos) << e;
  EXPECT_NE(e.find("replacer " + dir_.filename().string() + "/replacers/bad.lua:1"), std::string::npos) << e;
  EXPECT_NE(e.find("replacers/bad.lua:2: boom"), std::string::npos) << e;
}

TEST_F(MoReplacerTest, BadReturnsAndStaleMatchesAreErrors) {
  write("r.lua", R"(
kept = nil
remo.replacer("ObjectDetectionAPISSDPostprocessorReplacement", function(match) return 1, 2 end)
remo.replacer("Keep", function(match) kept = match end)
remo.replacer("Later", function(match) return kept.id end)
)");
  Graph g;
  build_ssd_like(g);
  std::string e = apply_error(g, kPostprocessorEntry);
  EXPECT_NE(e.find("returned a number for output 1"), std::string::npos) << e;
  Graph g2;
  build_ssd_like(g2);
  std::string stale = apply_error(g2, R"([{"id": "Keep", "match_kind": "general"},
                                         {"id": "Later", "match_kind": "general"}])");
  EXPECT_NE(stale.find("a match object can only be used while its replacer runs"), std::string::npos) << stale;
}

TEST_F(MoReplacerTest, UnmatchedEntriesWarnAndGeneralSeesTheWholeGraph) {
  write("g.lua", R"(
remo.replacer("General", function(match)
  assert(match.kind == "general" and #match:nodes() > 20 and match:input_count() == 0)
  assert(match.custom_attributes.outputs == "detection_boxes")
end)
remo.replacer("Nowhere", function(match) error("not called") end)
)");
  Graph g;
  build_ssd_like(g);
  auto warnings = apply(g, R"([{"id": "General", "match_kind": "general", "custom_attributes": {"outputs": "detection_boxes"}},
                               {"id": "Nowhere", "match_kind": "scope", "instances": ["NoScope/"]}])");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("entry [1] 'Nowhere': matched nothing"), std::string::npos) << warnings[0];
}

TEST_F(MoReplacerTest, ShippedExampleConfigAndReplacer) {
  Graph g;
  g.meta["framework"] = std::string("tf");
  make_op(g, "opset1.Parameter", {}, {{"shape", std::vector<int64_t>{2, 3}}, {"element_type", ElementType::f32}}, "x");
  fw(g, "tf.Const", "net/scale_block/mul/y", {});
  fw(g, "tf.Mul", "net/scale_block/mul", {out(g, "x"), out(g, "net/scale_block/mul/y")});
  fw(g, "tf.AddV2", "net/scale_block/add", {out(g, "net/scale_block/mul"), out(g, "net/scale_block/mul")});
  make_op(g, "opset1.Result", {out(g, "net/scale_block/add")}, {}, "y/sink_port_0");
  RuleSet rules({RuleSet::builtin_scripts_folder()});
  std::string path = RuleSet::builtin_configs_folder() + "/example_scope.json";
  EXPECT_TRUE(apply_mo_config(g, load_mo_config(path), rules.lua(), {}).empty());
  const Node& mul = g.at(g.at(g.results()[0]).input(0).node);
  EXPECT_EQ(mul.op(), "opset1.Multiply");
  EXPECT_EQ(mul.name, "net/scale_block/add");
  EXPECT_EQ(mul.input(0), out(g, "x"));
  EXPECT_EQ(g.at(mul.input(1).node).attr<Tensor>("value").type(), ElementType::f32);
  EXPECT_EQ(g.node_count(), 4u);  // x, the constant, the Multiply, the Result
}

}  // namespace
}  // namespace remo
