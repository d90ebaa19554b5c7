// If-8, Loop-5 and TensorIterator-1: inference through their bodies, port-map validation, and IR
// round trips of nested bodies (port maps, back edges, special Loop ports).
#include <gtest/gtest.h>

#include "engine/graph/error.h"
#include "engine/ir/ir_reader.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/body_ports.h"
#include "engine/ops/op_registry.h"
#include "engine/passes/constant_folding.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

// body(a, b) -> a + b, parameters of unknown type until bound.
GraphPtr add_body() {
  auto body = std::make_shared<Graph>();
  Node& a = make_op(*body, "opset1.Parameter", {}, {{"element_type", ElementType::dynamic}, {"dynamic_rank", true}}, "a");
  Node& b = make_op(*body, "opset1.Parameter", {}, {{"element_type", ElementType::dynamic}, {"dynamic_rank", true}}, "b");
  Node& sum = make_op(*body, "opset1.Add", {a.output(), b.output()}, {}, "sum");
  result(*body, sum.output(), "sum_out");
  return body;
}

Tensor bool_scalar(bool v) { return Tensor::from_values<uint8_t>(ElementType::boolean, {}, {static_cast<uint8_t>(v)}); }
Tensor i64_scalar(int64_t v) { return Tensor::from_values<int64_t>(ElementType::i64, {}, {v}); }

// Loop(trip, true, x) whose body (i, acc, x) -> (true, acc + x, acc + x): acc is carried from
// `init`, the second result is stacked over iterations.
Node& accumulate_loop(Graph& g, Value trip, Value init, Value x) {
  auto body = std::make_shared<Graph>();
  make_op(*body, "opset1.Parameter", {}, {{"element_type", ElementType::i64}, {"shape", std::vector<int64_t>{}}}, "i");
  Node& acc = param(*body, "acc", {2});
  Node& bx = param(*body, "x", {2});
  Node& sum = make_op(*body, "opset1.Add", {acc.output(), bx.output()}, {}, "sum");
  Node& t = constant(*body, "true", bool_scalar(true));
  result(*body, t.output(), "cond_out");
  result(*body, sum.output(), "acc_out");
  Node& axes = constant(*body, "axes", Tensor::from_values<int64_t>(ElementType::i64, {1}, {0}));
  Node& stacked = make_op(*body, "opset1.Unsqueeze", {sum.output(), axes.output()}, {}, "stacked");
  result(*body, stacked.output(), "scan_out");
  Node& yes = constant(g, "yes", bool_scalar(true));
  return make_op(g, "opset5.Loop", {trip, yes.output(), init, x},
                 {{"body", body},
                  {"merged_inputs", std::vector<int64_t>{2, 1, 1}},
                  {"invariant_inputs", std::vector<int64_t>{3, 2}},
                  {"last_outputs", std::vector<int64_t>{0, 1}},
                  {"concat_outputs", std::vector<int64_t>{1, 2, 0, 0, 1, 1, -1}},
                  {"current_iteration", int64_t{0}},
                  {"execution_condition", int64_t{0}}},
                 "loop");
}

IrModel round_trip(const Graph& g, const fs::path& dir) {
  IrWriteOptions options{"m", {}};
  write_ir(g, (dir / "first").string(), options);
  IrModel model = read_ir((dir / "first" / "m.xml").string());
  write_ir(*model.graph, (dir / "second").string(), options);
  for (const char* ext : {".xml", ".bin"})
    EXPECT_EQ(slurp(dir / "first" / (std::string("m") + ext)), slurp(dir / "second" / (std::string("m") + ext))) << ext;
  return model;
}

TEST(SubgraphOps, IfMergesBranchShapes) {
  Graph g;
  Node& cond = param(g, "cond", {}, ElementType::boolean);
  Node& x = param(g, "x", {2, 3});
  Node& y = param(g, "y", {2, 5});
  Node& node = make_op(g, "opset8.If", {cond.output(), x.output(), y.output()},
                       {{"then_body", add_body()}, {"else_body", add_body()},
                        {"then_inputs", std::vector<int64_t>{1, 0, 1, 1}},
                        {"else_inputs", std::vector<int64_t>{2, 0, 2, 1}},
                        {"then_outputs", std::vector<int64_t>{0, 0}},
                        {"else_outputs", std::vector<int64_t>{0, 0}}},
                       "if");
  ASSERT_EQ(node.outputs.size(), 1u);
  EXPECT_EQ(node.outputs[0].type, ElementType::f32);
  EXPECT_EQ(node.outputs[0].shape, PartialShape({2, -1}));
}

TEST(SubgraphOps, IfRefusesAnUntiedParameter) {
  Graph g;
  Node& cond = param(g, "cond", {}, ElementType::boolean);
  Node& x = param(g, "x", {2});
  EXPECT_THROW(make_op(g, "opset8.If", {cond.output(), x.output()},
                       {{"then_body", add_body()}, {"else_body", add_body()},
                        {"then_inputs", std::vector<int64_t>{1, 0}},
                        {"else_inputs", std::vector<int64_t>{1, 0, 1, 1}},
                        {"then_outputs", std::vector<int64_t>{0, 0}},
                        {"else_outputs", std::vector<int64_t>{0, 0}}},
                       "if"),
               Error);
  EXPECT_EQ(g.node_count(), 2u);  // the failed node is not left behind
}

TEST(SubgraphOps, LoopWithConstantTripCountHasStaticScanOutput) {
  Graph g;
  Node& trip = constant(g, "trip", i64_scalar(4));
  Node& init = param(g, "init", {2});
  Node& x = param(g, "x", {2});
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  ASSERT_EQ(loop.outputs.size(), 2u);
  EXPECT_EQ(loop.outputs[0].shape, PartialShape({2}));
  EXPECT_EQ(loop.outputs[1].shape, PartialShape({4, 2}));
}

TEST(SubgraphOps, LoopWithRuntimeTripCountHasDynamicIterationAxis) {
  Graph g;
  Node& trip = param(g, "trip", {}, ElementType::i64);
  Node& init = param(g, "init", {2});
  Node& x = param(g, "x", {2});
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  EXPECT_EQ(loop.outputs[1].shape, PartialShape({-1, 2}));
}

TEST(SubgraphOps, LoopWidensACarriedValueThatGrows) {
  Graph g;
  Node& trip = param(g, "trip", {}, ElementType::i64);
  Node& yes = constant(g, "yes", bool_scalar(true));
  Node& init = param(g, "init", {1});
  auto body = std::make_shared<Graph>();
  Node& acc = param(*body, "acc", {1});
  Node& grown = make_op(*body, "opset1.Concat", {acc.output(), acc.output()}, {{"axis", int64_t{0}}}, "grow");
  result(*body, constant(*body, "true", bool_scalar(true)).output(), "cond");
  result(*body, grown.output(), "acc_out");
  Node& loop = make_op(g, "opset5.Loop", {trip.output(), yes.output(), init.output()},
                       {{"body", body}, {"merged_inputs", std::vector<int64_t>{2, 0, 1}},
                        {"last_outputs", std::vector<int64_t>{0, 1}}, {"execution_condition", int64_t{0}}},
                       "loop");
  EXPECT_EQ(loop.outputs[0].shape, PartialShape({-1}));
  EXPECT_EQ(body->at(body->parameters()[0]).outputs[0].shape, PartialShape({-1}));
}

TEST(SubgraphOps, LoopNeedsABooleanExecutionCondition) {
  Graph g;
  Node& trip = constant(g, "trip", i64_scalar(2));
  Node& init = param(g, "init", {2});
  auto body = std::make_shared<Graph>();
  Node& acc = param(*body, "acc", {2});
  result(*body, acc.output(), "cond");
  result(*body, acc.output(), "acc_out");
  Node& yes = constant(g, "yes", bool_scalar(true));
  EXPECT_THROW(make_op(g, "opset5.Loop", {trip.output(), yes.output(), init.output()},
                       {{"body", body}, {"merged_inputs", std::vector<int64_t>{2, 0, 1}},
                        {"last_outputs", std::vector<int64_t>{0, 1}}, {"execution_condition", int64_t{0}}},
                       "loop"),
               Error);
}

TEST(SubgraphOps, TensorIteratorSlicesAndConcatenates) {
  Graph g;
  Node& init = param(g, "init", {2});
  Node& xs = param(g, "xs", {3, 2});
  auto body = std::make_shared<Graph>();
  Node& acc = param(*body, "acc", {2});
  Node& slice = param(*body, "slice", {1, 2});
  Node& axes = constant(*body, "axes", Tensor::from_values<int64_t>(ElementType::i64, {1}, {0}));
  Node& sq = make_op(*body, "opset1.Squeeze", {slice.output(), axes.output()}, {}, "sq");
  Node& sum = make_op(*body, "opset1.Add", {acc.output(), sq.output()}, {}, "sum");
  Node& un = make_op(*body, "opset1.Unsqueeze", {sum.output(), axes.output()}, {}, "un");
  result(*body, sum.output(), "acc_out");
  result(*body, un.output(), "scan_out");
  Node& ti = make_op(g, "opset1.TensorIterator", {init.output(), xs.output()},
                     {{"body", body},
                      {"merged_inputs", std::vector<int64_t>{0, 0, 0}},
                      {"sliced_inputs", std::vector<int64_t>{1, 1, 0, -1, -1, 1, 0}},
                      {"last_outputs", std::vector<int64_t>{0, 0}},
                      {"concat_outputs", std::vector<int64_t>{1, 1, 0, 0, 1, 1, -1}}},
                     "ti");
  EXPECT_EQ(ti.outputs[0].shape, PartialShape({2}));
  EXPECT_EQ(ti.outputs[1].shape, PartialShape({3, 2}));
  result(g, ti.output(0), "y");
  result(g, ti.output(1), "z");

  ScratchDir dir;
  IrModel back = round_trip(g, dir.path());
  const std::string xml = slurp(dir.path() / "first" / "m.xml");
  EXPECT_NE(xml.find("<port_map>"), std::string::npos);
  EXPECT_NE(xml.find("axis=\"0\" start=\"-1\" end=\"0\" stride=\"-1\" part_size=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<back_edges>"), std::string::npos);
  const Node* ti_back = back.graph->find_node("ti");
  ASSERT_NE(ti_back, nullptr);
  EXPECT_EQ(ti_back->attr<std::vector<int64_t>>("sliced_inputs"), (std::vector<int64_t>{1, 1, 0, -1, -1, 1, 0}));
  EXPECT_EQ(ti_back->attr<std::vector<int64_t>>("merged_inputs"), (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(ti_back->outputs[1].shape, PartialShape({3, 2}));
}

TEST(SubgraphOps, LoopRoundTripsThroughTheIr) {
  Graph g;
  Node& trip = param(g, "trip", {}, ElementType::i64);
  Node& init = param(g, "init", {2});
  Node& x = param(g, "x", {2});
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  result(g, loop.output(0), "acc");
  result(g, loop.output(1), "all");
  ScratchDir dir;
  IrModel back = round_trip(g, dir.path());
  const std::string xml = slurp(dir.path() / "first" / "m.xml");
  EXPECT_NE(xml.find("purpose=\"current_iteration\""), std::string::npos);
  EXPECT_NE(xml.find("purpose=\"execution_condition\""), std::string::npos);
  const Node* loop_back = back.graph->find_node("loop");
  ASSERT_NE(loop_back, nullptr);
  EXPECT_EQ(loop_back->attr<int64_t>("current_iteration"), 0);
  EXPECT_EQ(loop_back->attr<std::vector<int64_t>>("concat_outputs"), (std::vector<int64_t>{1, 2, 0, 0, 1, 1, -1}));
  EXPECT_EQ(loop_back->attr<std::vector<int64_t>>("invariant_inputs"), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(loop_back->attr<GraphPtr>("body")->node_count(), loop.attr<GraphPtr>("body")->node_count());
}

TEST(SubgraphOps, ReaderNamesABrokenPortMap) {
  Graph g;
  Node& trip = param(g, "trip", {}, ElementType::i64);
  Node& init = param(g, "init", {2});
  Node& x = param(g, "x", {2});
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  result(g, loop.output(0), "acc");
  result(g, loop.output(1), "all");
  ScratchDir dir;
  write_ir(g, dir.path().string(), IrWriteOptions{"m", {}});
  std::string xml = slurp(dir.path() / "m.xml");
  const std::string good = "purpose=\"current_iteration\"";
  size_t at = xml.rfind("internal_layer_id=\"", xml.find(good));
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, std::string("internal_layer_id=\"0\"").size(), "internal_layer_id=\"99\"");
  std::ofstream(dir.path() / "m.xml", std::ios::binary) << xml;
  try {
    read_ir((dir.path() / "m.xml").string());
    FAIL() << "a port map naming a missing body layer was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("body layer 99"), std::string::npos) << e.what();
  }
}

TEST(SubgraphOps, ReaderRefusesBodiesNestedTooDeep) {
  // Each level: a boolean Parameter feeding an If whose then_body is the next level.
  std::string net = "<layers/><edges/>";
  for (int level = 0; level < 40; ++level)
    net = "<layers><layer id=\"0\" name=\"c\" type=\"Parameter\" version=\"opset1\">"
          "<data shape=\"\" element_type=\"boolean\"/><output><port id=\"0\" precision=\"BOOL\"/></output></layer>"
          "<layer id=\"1\" name=\"if\" type=\"If\" version=\"opset8\"><input><port id=\"0\" precision=\"BOOL\"/></input>"
          "<then_body>" + net + "</then_body></layer></layers>"
          "<edges><edge from-layer=\"0\" from-port=\"0\" to-layer=\"1\" to-port=\"0\"/></edges>";
  ScratchDir dir;
  std::ofstream(dir.path() / "deep.xml") << "<?xml version=\"1.0\"?><net name=\"deep\" version=\"11\">" << net << "</net>";
  try {
    read_ir((dir.path() / "deep.xml").string());
    FAIL() << "40 nested bodies were read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nested more than 32 levels"), std::string::npos) << e.what();
  }
}

TEST(SubgraphOps, IfRoundTripsThroughTheIr) {
  Graph g;
  Node& cond = param(g, "cond", {}, ElementType::boolean);
  Node& x = param(g, "x", {2});
  auto then_body = std::make_shared<Graph>();
  result(*then_body, param(*then_body, "p", {2}).output(), "then_out");
  auto else_body = std::make_shared<Graph>();
  result(*else_body, constant(*else_body, "c", Tensor::from_values<float>(ElementType::f32, {2}, {1.f, 2.f})).output(), "else_out");
  Node& node = make_op(g, "opset8.If", {cond.output(), x.output()},
                       {{"then_body", then_body}, {"else_body", else_body},
                        {"then_inputs", std::vector<int64_t>{1, 0}},
                        {"then_outputs", std::vector<int64_t>{0, 0}},
                        {"else_outputs", std::vector<int64_t>{0, 0}}},
                       "if");
  result(g, node.output(), "y");
  ScratchDir dir;
  IrModel back = round_trip(g, dir.path());
  const std::string xml = slurp(dir.path() / "first" / "m.xml");
  EXPECT_NE(xml.find("<then_port_map>"), std::string::npos);
  EXPECT_NE(xml.find("<else_body>"), std::string::npos);
  const Node* if_back = back.graph->find_node("if");
  ASSERT_NE(if_back, nullptr);
  EXPECT_EQ(if_back->attr<std::vector<int64_t>>("then_inputs"), (std::vector<int64_t>{1, 0}));
  EXPECT_TRUE(if_back->attr<std::vector<int64_t>>("else_inputs").empty());
}

TEST(SubgraphOps, ALoopOnConstantsFoldsToItsValues) {
  Graph g;
  Node& trip = constant(g, "trip", i64_scalar(3));
  Node& init = constant(g, "init", Tensor::from_values<float>(ElementType::f32, {2}, {0.f, 1.f}));
  Node& x = constant(g, "x", Tensor::from_values<float>(ElementType::f32, {2}, {1.f, 2.f}));
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  Node& out = result(g, loop.output(1), "all");
  EXPECT_GE(fold_constants(g), 1u);
  const Node& folded = g.at(out.input(0).node);
  ASSERT_EQ(folded.op(), "opset1.Constant");
  const Tensor& t = folded.attr<Tensor>("value");
  EXPECT_EQ(t.shape(), (Shape{3, 2}));
  EXPECT_EQ(t.to_double(), (std::vector<double>{1, 3, 2, 5, 3, 7}));
}

TEST(SubgraphOps, ALoopThatDoesNotEndOnConstantsIsLeftToTheRuntime) {
  Graph g;
  Node& trip = constant(g, "trip", i64_scalar(-1));  // no trip limit, and the condition stays true
  Node& init = constant(g, "init", Tensor::from_values<float>(ElementType::f32, {2}, {0.f, 1.f}));
  Node& x = constant(g, "x", Tensor::from_values<float>(ElementType::f32, {2}, {1.f, 2.f}));
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  result(g, loop.output(0), "acc");
  EXPECT_EQ(try_fold(g, loop.output(0)), std::nullopt);
  fold_constants(g);
  EXPECT_EQ(g.at(loop.id()).op(), "opset5.Loop");
}

TEST(SubgraphOps, DeadCodeAndFoldingReachIntoBodies) {
  Graph g;
  Node& trip = param(g, "trip", {}, ElementType::i64);
  Node& init = param(g, "init", {2});
  Node& x = param(g, "x", {2});
  Node& loop = accumulate_loop(g, trip.output(), init.output(), x.output());
  Graph& body = *loop.attr<GraphPtr>("body");
  constant(body, "unused", i64_scalar(7));
  size_t before = body.node_count();
  result(g, loop.output(0), "acc");
  result(g, loop.output(1), "all");
  EXPECT_GE(g.remove_dead_nodes(), 1u);
  EXPECT_EQ(body.node_count(), before - 1);
  EXPECT_EQ(body.parameters().size(), 3u);  // parameters stay, even the unused iteration number
}

}  // namespace
}  // namespace remo
