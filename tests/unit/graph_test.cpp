#include <gtest/gtest.h>

#include "engine/graph/error.h"
#include "engine/graph/graph.h"
#include "engine/ops/op_registry.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;

TEST(Graph, TracksConsumersAndRewires) {
  Graph g;
  Node& a = param(g, "a", {1, 3});
  Node& b = param(g, "b", {1, 3});
  Node& r = make_op(g, "opset1.Result", {a.output()}, {}, "out");
  EXPECT_EQ(a.uses(0).size(), 1u);
  g.replace_uses(a.output(), b.output());
  EXPECT_TRUE(a.uses(0).empty());
  ASSERT_EQ(b.uses(0).size(), 1u);
  EXPECT_EQ(b.uses(0)[0].node, r.id());
  EXPECT_EQ(r.input(0), b.output());
}

TEST(Graph, RemoveNodeWithConsumersIsRefused) {
  Graph g;
  Node& a = param(g, "a", {2});
  make_op(g, "opset1.Result", {a.output()}, {}, "out");
  EXPECT_THROW(g.remove_node(a.id()), Error);
}

TEST(Graph, RemovedIdsAreNeverReused) {
  Graph g;
  Tensor t = Tensor::from_values<float>(ElementType::f32, {1}, {1.f});
  Node& c = make_op(g, "opset1.Constant", {}, {{"value", t}}, "c");
  NodeId id = c.id();
  g.remove_node(id);
  EXPECT_EQ(g.node(id), nullptr);
  Node& d = make_op(g, "opset1.Constant", {}, {{"value", t}}, "d");
  EXPECT_NE(d.id(), id);
  EXPECT_THROW(g.at(id), Error);
}

TEST(Graph, DeadCodeRemovalKeepsParametersAndLiveNodes) {
  Graph g;
  Node& a = param(g, "a", {2});
  Tensor t = Tensor::from_values<float>(ElementType::f32, {2}, {1.f, 2.f});
  make_op(g, "opset1.Constant", {}, {{"value", t}}, "unused");
  param(g, "b", {2});
  make_op(g, "opset1.Result", {a.output()}, {}, "out");
  EXPECT_EQ(g.remove_dead_nodes(), 1u);
  EXPECT_EQ(g.node_count(), 3u);
  EXPECT_EQ(g.parameters().size(), 2u);
}

TEST(Graph, TopologicalOrderIsDeterministicAndDetectsCycles) {
  Graph g;
  Node& a = g.add_node("x.A", "a", {}, {}, 1);
  Node& b = g.add_node("x.B", "b", {a.output()}, {}, 1);
  Node& c = g.add_node("x.C", "c", {b.output()}, {}, 1);
  auto order = g.topological_order();
  EXPECT_EQ(order, (std::vector<NodeId>{a.id(), b.id(), c.id()}));
  g.set_input(b.id(), 0, c.output());
  try {
    g.topological_order();
    FAIL() << "cycle not detected";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos);
  }
}

TEST(Graph, UniqueNames) {
  Graph g;
  g.add_node("x.A", "conv", {}, {}, 1);
  EXPECT_EQ(g.unique_name("conv"), "conv_1");
  EXPECT_EQ(g.unique_name("relu"), "relu");
}

TEST(Tensor, HalfConversionRoundTrips) {
  for (float f : {0.f, 1.f, -2.5f, 65504.f, 6.1035156e-05f, 5.9604645e-08f, 0.1f}) {
    float back = f16_to_float(float_to_f16(f));
    EXPECT_NEAR(back, f, std::abs(f) * 1e-3 + 1e-9) << f;
  }
  EXPECT_EQ(float_to_f16(1e6f), 0x7c00);  // overflow becomes +inf
}

TEST(Tensor, RejectsTooSmallBuffers) {
  EXPECT_THROW(Tensor::from_bytes(ElementType::f32, {2, 2}, std::vector<uint8_t>(15)), Error);
}

}  // namespace
}  // namespace remo
