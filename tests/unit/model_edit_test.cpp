// The model edits behind mo's options, on small opset graphs run with the reference evaluator:
// preprocessing, layouts, the --static_shape rule and fp16 compression.
#include <gtest/gtest.h>

#include "engine/graph/error.h"
#include "engine/ir/ir_reader.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_helpers.h"
#include "engine/passes/evaluate_graph.h"
#include "engine/passes/fp16_compression.h"
#include "engine/rules/lua_pass.h"
#include "engine/rules/rule_set.h"
#include "engine/pipeline/preprocess.h"
#include "test_support.h"

namespace remo {
namespace {

using testing_support::constant;
using testing_support::param;
using testing_support::result;

Tensor f32_tensor(Shape shape, std::vector<float> values) {
  return Tensor::from_values(ElementType::f32, std::move(shape), values);
}

std::vector<double> run(const Graph& g, const Tensor& x) { return evaluate_graph(g, {{"data", x}})[0].to_double(); }

// apply_preprocessing decides, then the built-in front-phase rules (rules/options/) insert.
std::vector<std::string> preprocess(Graph& g, const ModelEditOptions& e) {
  std::vector<std::string> warnings = apply_preprocessing(g, e);
  RuleSet rules({RuleSet::builtin_folder()});
  run_lua_passes(rules, g, "front");
  return warnings;
}

// data [1,3,1,2] -> Relu -> Result
struct ReluModel {
  Graph g;
  ReluModel(std::vector<int64_t> shape = {1, 3, 1, 2}) {
    Node& p = param(g, "data", shape);
    p.outputs[0].names = {"data"};
    result(g, make_op(g, "opset1.Relu", {p.output()}, {}, "relu").output(), "out");
  }
};

TEST(Preprocessing, ReverseThenMeanThenScaleOnTheChannelAxis) {
  ReluModel m;
  ModelEditOptions e;
  e.reverse_input_channels = true;
  e.mean_values = {{"data", {1, 2, 3}}};
  e.scale_values = {{"", {2, 4, 8}}};
  EXPECT_TRUE(preprocess(m.g, e).empty());
  EXPECT_EQ(m.g.at(m.g.parameters()[0]).outputs[0].names, std::vector<std::string>{"data"});
  // channels (10,11), (20,21), (30,31) reversed to (30,31), (20,21), (10,11), minus (1,2,3), divided by (2,4,8)
  Tensor x = f32_tensor({1, 3, 1, 2}, {10, 11, 20, 21, 30, 31});
  EXPECT_EQ(run(m.g, x), (std::vector<double>{14.5, 15, 4.5, 4.75, 0.875, 1}));
}

TEST(Preprocessing, TargetLayoutReshapesTheInputAndRecordsItsLayout) {
  ReluModel m;
  ModelEditOptions e;
  e.layouts = {{"data", {"N", "C", "H", "W"}, {"N", "H", "W", "C"}}};
  e.mean_values = {{"data", {1, 2, 3}}};
  preprocess(m.g, e);
  const Node& p = m.g.at(m.g.parameters()[0]);
  EXPECT_EQ(p.outputs[0].shape, PartialShape({1, 1, 2, 3}));
  EXPECT_EQ(p.rt_info.at("layout"), "[N,H,W,C]");
  // NHWC in, NCHW out, mean taken on the last (C) axis of what is fed.
  Tensor x = f32_tensor({1, 1, 2, 3}, {10, 20, 30, 11, 21, 31});
  EXPECT_EQ(run(m.g, x), (std::vector<double>{9, 10, 18, 19, 27, 28}));
}

TEST(Preprocessing, ErrorsNameTheOptionAndTheInput) {
  ReluModel m;
  ModelEditOptions e;
  e.mean_values = {{"nosuch", {1}}};
  EXPECT_THROW(
      {
        try {
          apply_preprocessing(m.g, e);
        } catch (const Error& err) {
          EXPECT_NE(std::string(err.what()).find("--mean_values names 'nosuch'"), std::string::npos) << err.what();
          throw;
        }
      },
      Error);
  e.mean_values = {{"data", {1, 2, 3, 4}}};
  EXPECT_THROW(apply_preprocessing(m.g, e), Error);
  ReluModel n;
  ModelEditOptions t;
  t.layouts = {{"data", {"N", "C", "H", "W"}, {"N", "H", "W", "X"}}};
  EXPECT_THROW(apply_preprocessing(n.g, t), Error);
}

TEST(Preprocessing, ReverseSkipsInputsWithoutThreeChannelsWithAWarning) {
  ReluModel m({1, 4, 1, 2});
  ModelEditOptions e;
  e.reverse_input_channels = true;
  auto warnings = apply_preprocessing(m.g, e);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("input 'data'"), std::string::npos);
}

// data -> ShapeOf -> Result, run through the built-in front-phase passes.
void run_front_passes_on_shape_of(Graph& g, std::vector<int64_t> shape) {
  Node& p = param(g, "data", shape);
  Node& s = make_op(g, "opset3.ShapeOf", {p.output()}, {{"output_type", ElementType::i32}}, "shape");
  result(g, s.output(), "out");
  RuleSet rules({RuleSet::builtin_folder()});
  run_lua_passes(rules, g, "front");
}

TEST(StaticShape, TheRuleTurnsAStaticShapeOfIntoAConstantOnlyWhenAsked) {
  Graph asked;
  asked.meta["option:static_shape"] = true;
  run_front_passes_on_shape_of(asked, {2, 3});
  const Node& c = asked.at(asked.at(asked.results()[0]).input(0).node);
  EXPECT_EQ(c.op(), "opset1.Constant");
  EXPECT_EQ(c.attr<Tensor>("value").type(), ElementType::i32);
  EXPECT_EQ(c.attr<Tensor>("value").to_int64(), (std::vector<int64_t>{2, 3}));
  Graph not_asked;
  run_front_passes_on_shape_of(not_asked, {2, 3});
  EXPECT_EQ(not_asked.at(not_asked.at(not_asked.results()[0]).input(0).node).op(), "opset3.ShapeOf");
  Graph dynamic;
  dynamic.meta["option:static_shape"] = true;
  run_front_passes_on_shape_of(dynamic, {-1, 3});
  EXPECT_EQ(dynamic.at(dynamic.at(dynamic.results()[0]).input(0).node).op(), "opset3.ShapeOf");
}

TEST(Fp16Compression, WeightsBecomeF16WithADecompressionConvert) {
  Graph g;
  Node& p = param(g, "data", {3});
  Node& w = constant(g, "w", f32_tensor({3}, {0.5f, 1.5f, -2.25f}));
  Node& big = constant(g, "big", f32_tensor({3}, {1e5f, 1, 2}));
  Node& tiny = constant(g, "tiny", f32_tensor({3}, {1e-7f, 2e-7f, 0}));
  Value v = make_op(g, "opset1.Multiply", {p.output(), w.output()}, {}, "mul").output();
  v = make_op(g, "opset1.Multiply", {v, big.output()}, {}, "mul_big").output();
  v = make_op(g, "opset1.Add", {v, tiny.output()}, {}, "add_tiny").output();
  result(g, v, "out");
  Fp16CompressionResult r = compress_weights_to_fp16(g);
  EXPECT_EQ(r.compressed, 1u);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_NE(r.warnings[0].find("'big' stays f32"), std::string::npos) << r.warnings[0];
  EXPECT_NE(r.warnings[1].find("'tiny' stays f32"), std::string::npos) << r.warnings[1];
  EXPECT_EQ(g.find_node("w")->attr<Tensor>("value").type(), ElementType::f16);
  const Node& convert = g.at(g.find_node("mul")->input(1).node);
  EXPECT_EQ(convert.op(), "opset1.Convert");
  EXPECT_EQ(convert.rt_info.count("decompression"), 1u);
  EXPECT_EQ(convert.outputs[0].type, ElementType::f32);
  Tensor x = f32_tensor({3}, {2, 2, 2});
  auto y = evaluate_graph(g, {{"data", x}})[0].to_double();
  EXPECT_NEAR(y[0], 1e5, 1e-2);
  EXPECT_NEAR(y[2], -9, 1e-6);
}

TEST(Fp16Compression, ConstantsThatComputeShapesStayF32) {
  Graph g;
  Node& p = param(g, "data", {3, 4});
  Value shape = make_op(g, "opset3.ShapeOf", {p.output()}, {{"output_type", ElementType::i64}}, "shape").output();
  Value as_float = make_op(g, "opset1.Convert", {shape}, {{"destination_type", ElementType::f32}}, "to_f32").output();
  Node& ratio = constant(g, "ratio", f32_tensor({}, {1.3333f}));
  result(g, make_op(g, "opset1.Multiply", {as_float, ratio.output()}, {}, "scaled").output(), "out");
  EXPECT_EQ(compress_weights_to_fp16(g).compressed, 0u);
  EXPECT_EQ(g.find_node("ratio")->attr<Tensor>("value").type(), ElementType::f32);
}

TEST(ModelEditIr, LayoutAndDecompressionRtInfoSurviveAWriteAndRead) {
  ReluModel m;
  ModelEditOptions e;
  e.layouts = {{"", {"N", "C", "H", "W"}, {}}};
  apply_preprocessing(m.g, e);
  Node& w = constant(m.g, "w", f32_tensor({1}, {0.5f}));
  Node& relu = *m.g.find_node("relu");
  Value scaled = make_op(m.g, "opset1.Multiply", {relu.output(), w.output()}, {}, "scaled").output();
  m.g.set_input(m.g.results()[0], 0, scaled);
  ASSERT_EQ(compress_weights_to_fp16(m.g).compressed, 1u);
  testing_support::ScratchDir dir;
  write_ir(m.g, dir.path().string(), IrWriteOptions{.model_name = "edited"});
  std::string xml = testing_support::slurp(dir.path() / "edited.xml");
  EXPECT_NE(xml.find("<attribute name=\"layout\" version=\"0\" layout=\"[N,C,H,W]\" />"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<attribute name=\"decompression\" version=\"0\" />"), std::string::npos) << xml;
  IrModel back = read_ir((dir.path() / "edited.xml").string());
  EXPECT_EQ(back.graph->at(back.graph->parameters()[0]).rt_info.at("layout"), "[N,C,H,W]");
  const Node* convert = back.graph->find_node("w/decompression");
  ASSERT_NE(convert, nullptr);
  EXPECT_EQ(convert->rt_info.count("decompression"), 1u);
}

}  // namespace
}  // namespace remo
