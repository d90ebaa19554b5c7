// GatherElements, GatherND, ScatterElementsUpdate, ScatterNDUpdate, TopK, NonZero, Unique, OneHot,
// CumSum, ReverseSequence, Einsum, DepthToSpace and SpaceToDepth.
#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

PartialShape shape_of(const std::string& op, std::vector<std::pair<ElementType, std::vector<int64_t>>> inputs,
                      Attributes attrs = {}, uint32_t port = 0) {
  Graph g;
  std::vector<Value> values;
  for (auto& [type, shape] : inputs) values.push_back(param(g, type, PartialShape(shape)));
  return out(g, make(g, op, values, std::move(attrs)), port).shape;
}

constexpr ElementType F = ElementType::f32;
constexpr ElementType I = ElementType::i64;

TEST(OpsGatherElements, InfersAndEvaluatesWithNegativeIndices) {
  EXPECT_EQ(shape_of("opset6.GatherElements", {{F, {3, 4}}, {I, {2, 4}}}, {{"axis", int64_t{0}}}), PartialShape({2, 4}));
  expect_error([] { shape_of("opset6.GatherElements", {{F, {3, 4}}, {I, {2}}}, {{"axis", int64_t{0}}}); }, "same rank");
  expect_near(run("opset6.GatherElements", {f32({2, 2}, {1, 2, 3, 4}), i64({2, 2}, {0, 0, 1, -2})}, {{"axis", int64_t{1}}}),
              {1, 1, 4, 3});
}

TEST(OpsGatherND, InfersAndEvaluatesWithBatchDims) {
  EXPECT_EQ(shape_of("opset8.GatherND", {{F, {2, 3, 4}}, {I, {2, 1}}}, {{"batch_dims", int64_t{1}}}), PartialShape({2, 4}));
  EXPECT_EQ(shape_of("opset8.GatherND", {{F, {5, 6}}, {I, {3, 2}}}), PartialShape({3}));
  expect_error([] { shape_of("opset8.GatherND", {{F, {5}}, {I, {3, 2}}}); }, "index 2 dimensions");
  expect_near(run("opset8.GatherND", {f32({2, 2}, {1, 2, 3, 4}), i64({2, 2}, {0, 1, 1, 0})}), {2, 3});
  expect_near(run("opset8.GatherND", {f32({2, 2}, {1, 2, 3, 4}), i64({2, 1}, {1, 0})}, {{"batch_dims", int64_t{1}}}), {2, 3});
}

TEST(OpsScatter, ElementsWithReductions) {
  const Tensor data = f32({1, 3}, {1, 2, 3});
  const Tensor indices = i64({1, 2}, {1, 1});
  const Tensor updates = f32({1, 2}, {5, 7});
  expect_near(run("opset12.ScatterElementsUpdate", {data, indices, updates, scalar(1)}), {1, 7, 3});
  expect_near(run("opset12.ScatterElementsUpdate", {data, indices, updates, scalar(-1)}, {{"reduction", std::string("sum")}}),
              {1, 14, 3});
  expect_near(run("opset12.ScatterElementsUpdate", {data, indices, updates, scalar(1)}, {{"reduction", std::string("mean")}}),
              {1, 14.0 / 3, 3});
  expect_near(run("opset12.ScatterElementsUpdate", {data, indices, updates, scalar(1)},
                  {{"reduction", std::string("max")}, {"use_init_val", false}}),
              {1, 7, 3});
  expect_error([&] { run("opset12.ScatterElementsUpdate", {data, indices, updates, scalar(1)}, {{"reduction", std::string("xor")}}); },
               "expected one of");
}

TEST(OpsScatter, NDWithReductions) {
  const Tensor data = f32({2, 2}, {1, 2, 3, 4});
  EXPECT_EQ(shape_of("opset15.ScatterNDUpdate", {{F, {2, -1}}, {I, {1, 1}}, {F, {1, 2}}}), PartialShape({2, -1}));
  expect_near(run("opset15.ScatterNDUpdate", {data, i64({1, 1}, {1}), f32({1, 2}, {9, 8})}), {1, 2, 9, 8});
  expect_near(run("opset15.ScatterNDUpdate", {data, i64({2, 2}, {0, 0, 0, 0}), f32({2}, {2, 3})}, {{"reduction", std::string("prod")}}),
              {6, 2, 3, 4});
  expect_error([] { shape_of("opset15.ScatterNDUpdate", {{F, {2}}, {I, {1, 1}}, {I, {1}}}); }, "data and updates");
}

TEST(OpsTopK, InfersKAndChecksAttributes) {
  Graph g;
  auto x = param(g, F, PartialShape({3, 5}));
  Attributes attrs{{"axis", int64_t{-1}}, {"mode", std::string("max")}, {"sort", std::string("value")}};
  Node& top = make(g, "opset11.TopK", {x, constant(g, scalar(2))}, attrs);
  EXPECT_EQ(out(g, top, 0).shape, PartialShape({3, 2}));
  EXPECT_EQ(out(g, top, 1).type, ElementType::i32);
  // k beyond the axis length gives the whole axis; a run-time k a dynamic length.
  EXPECT_EQ(out(g, make(g, "opset11.TopK", {x, constant(g, scalar(9))}, attrs), 0).shape, PartialShape({3, 5}));
  EXPECT_EQ(out(g, make(g, "opset11.TopK", {x, param(g, I, PartialShape())}, attrs), 0).shape, PartialShape({3, -1}));
  attrs["sort"] = std::string("none");
  attrs["stable"] = true;
  expect_error([&] { make(g, "opset11.TopK", {x, constant(g, scalar(1))}, attrs); }, "stable");
}

TEST(OpsNonZero, InfersAndEvaluates) {
  EXPECT_EQ(shape_of("opset3.NonZero", {{F, {2, 3}}}), PartialShape({2, -1}));
  const Tensor r = run("opset3.NonZero", {f32({2, 2}, {0, 1, 2, 0})});
  EXPECT_EQ(r.shape(), (Shape{2, 2}));
  EXPECT_EQ(int_values(r), (std::vector<int64_t>{0, 1, 1, 0}));
}

TEST(OpsUnique, InfersOutputs) {
  Graph g;
  auto x = param(g, F, PartialShape({6}));
  Node& u = make(g, "opset10.Unique", {x});
  EXPECT_EQ(out(g, u, 0).shape, PartialShape({-1}));
  EXPECT_EQ(out(g, u, 2).shape, PartialShape({6}));
  auto m = param(g, F, PartialShape({2, 3}));
  Node& by_axis = make(g, "opset10.Unique", {m, constant(g, scalar(1))});
  EXPECT_EQ(out(g, by_axis, 0).shape, PartialShape({2, -1}));
  EXPECT_EQ(out(g, by_axis, 2).shape, PartialShape({3}));
}

TEST(OpsOneHot, InfersAndEvaluates) {
  Graph g;
  auto indices = param(g, I, PartialShape({3}));
  auto on = constant(g, scalar_f32(1)), off = constant(g, scalar_f32(0));
  Node& n = make(g, "opset1.OneHot", {indices, constant(g, scalar(4)), on, off}, {{"axis", int64_t{0}}});
  EXPECT_EQ(out(g, n).shape, PartialShape({4, 3}));
  expect_near(run("opset1.OneHot", {ints({1, 5}), scalar(3), scalar_f32(2), scalar_f32(-1)}, {{"axis", int64_t{-1}}}),
              {-1, 2, -1, -1, -1, -1});
}

TEST(OpsCumSum, EvaluatesExclusiveAndReverse) {
  const Tensor x = f32({3}, {1, 2, 3});
  expect_near(run("opset3.CumSum", {x, scalar(0)}), {1, 3, 6});
  expect_near(run("opset3.CumSum", {x, scalar(0)}, {{"exclusive", true}}), {0, 1, 3});
  expect_near(run("opset3.CumSum", {x, scalar(-1)}, {{"exclusive", true}, {"reverse", true}}), {5, 3, 0});
  expect_near(run("opset3.CumSum", {f32({2, 2}, {1, 2, 3, 4}), scalar(1)}), {1, 3, 3, 7});
}

TEST(OpsReverseSequence, ChecksAxes) {
  EXPECT_EQ(shape_of("opset1.ReverseSequence", {{F, {2, 4}}, {I, {2}}}, {{"batch_axis", int64_t{0}}}), PartialShape({2, 4}));
  expect_error([] { shape_of("opset1.ReverseSequence", {{F, {2, 4}}, {I, {3}}}, {{"batch_axis", int64_t{0}}}); }, "one length per batch");
}

TEST(OpsEinsum, InfersOutputShapes) {
  Attributes mm{{"equation", std::string("ij,jk->ik")}};
  EXPECT_EQ(shape_of("opset7.Einsum", {{F, {2, 3}}, {F, {3, 4}}}, mm), PartialShape({2, 4}));
  EXPECT_EQ(shape_of("opset7.Einsum", {{F, {5, 3, 3}}}, {{"equation", std::string("...ii")}}), PartialShape({5}));
  EXPECT_EQ(shape_of("opset7.Einsum", {{F, {2, 1, 3, 4}}, {F, {5, 4, 6}}}, {{"equation", std::string("...ij,...jk->...ik")}}),
            PartialShape({2, 5, 3, 6}));
  EXPECT_EQ(shape_of("opset7.Einsum", {{F, {2, 3}}}, {{"equation", std::string("ij->")}}), PartialShape());
  expect_error([&] { shape_of("opset7.Einsum", {{F, {2, 3}}, {F, {4, 4}}}, mm); }, "label 'j'");
  expect_error([&] { shape_of("opset7.Einsum", {{F, {2, 3}}}, mm); }, "operands");
}

TEST(OpsEinsum, Evaluates) {
  const Tensor a = f32({2, 2}, {1, 2, 3, 4});
  expect_near(run("opset7.Einsum", {a, a}, {{"equation", std::string("ij,jk->ik")}}), {7, 10, 15, 22});
  expect_near(run("opset7.Einsum", {a}, {{"equation", std::string("ii")}}), {5});
  expect_near(run("opset7.Einsum", {a}, {{"equation", std::string("ij->j")}}), {4, 6});
  expect_near(run("opset7.Einsum", {a}, {{"equation", std::string("...j->j...")}}), {1, 3, 2, 4});
}

TEST(OpsTopK, EvaluatesLargestSmallestAndTies) {
  Attributes attrs{{"axis", int64_t{1}}, {"mode", std::string("max")}, {"sort", std::string("value")}, {"stable", true}};
  const auto r = run_all("opset11.TopK", {f32({1, 4}, {3, 1, 3, 2}), scalar(2)}, attrs);
  expect_near(r[0], {3, 3});
  EXPECT_EQ(int_values(r[1]), (std::vector<int64_t>{0, 2}));
  attrs["mode"] = std::string("min");
  attrs["sort"] = std::string("index");
  const auto s = run_all("opset11.TopK", {f32({1, 4}, {3, 1, 3, 2}), scalar(2)}, attrs);
  expect_near(s[0], {1, 2});
  EXPECT_EQ(int_values(s[1]), (std::vector<int64_t>{1, 3}));
}

TEST(OpsUnique, EvaluatesSortedAndByAxis) {
  const auto r = run_all("opset10.Unique", {f32({5}, {3, 1, 3, 2, 1})});
  expect_near(r[0], {1, 2, 3});
  EXPECT_EQ(int_values(r[1]), (std::vector<int64_t>{1, 3, 0}));
  EXPECT_EQ(int_values(r[2]), (std::vector<int64_t>{2, 0, 2, 1, 0}));
  EXPECT_EQ(int_values(r[3]), (std::vector<int64_t>{2, 1, 2}));
  const auto unsorted = run_all("opset10.Unique", {f32({5}, {3, 1, 3, 2, 1})}, {{"sorted", false}});
  expect_near(unsorted[0], {3, 1, 2});
  const auto rows = run_all("opset10.Unique", {f32({3, 2}, {1, 2, 0, 1, 1, 2}), scalar(0)});
  expect_near(rows[0], {0, 1, 1, 2});
}

TEST(OpsReverseSequence, Evaluates) {
  expect_near(run("opset1.ReverseSequence", {f32({2, 3}, {1, 2, 3, 4, 5, 6}), ints({2, 3})}, {{"batch_axis", int64_t{0}}}),
              {2, 1, 3, 6, 5, 4});
}

TEST(OpsDepthSpace, EvaluatesBothModesAndRoundTrips) {
  const Tensor x = f32({1, 4, 1, 1}, {1, 2, 3, 4});
  Attributes blocks{{"block_size", int64_t{2}}, {"mode", std::string("blocks_first")}};
  expect_near(run("opset1.DepthToSpace", {x}, blocks), {1, 2, 3, 4});
  const Tensor y = f32({1, 8, 1, 1}, {1, 2, 3, 4, 5, 6, 7, 8});
  // blocks_first: channel = block * C' + c'; depth_first: channel = c' * 4 + block.
  expect_near(run("opset1.DepthToSpace", {y}, blocks), {1, 3, 5, 7, 2, 4, 6, 8});
  Attributes depth{{"block_size", int64_t{2}}, {"mode", std::string("depth_first")}};
  expect_near(run("opset1.DepthToSpace", {y}, depth), {1, 2, 3, 4, 5, 6, 7, 8});
  const Tensor space = run("opset1.DepthToSpace", {y}, blocks);
  expect_near(run("opset1.SpaceToDepth", {space}, blocks), {1, 2, 3, 4, 5, 6, 7, 8});
}

TEST(OpsDepthSpace, InfersBothDirections) {
  Attributes attrs{{"block_size", int64_t{2}}, {"mode", std::string("blocks_first")}};
  EXPECT_EQ(shape_of("opset1.DepthToSpace", {{F, {1, 8, 2, 3}}}, attrs), PartialShape({1, 2, 4, 6}));
  EXPECT_EQ(shape_of("opset1.SpaceToDepth", {{F, {1, 2, 4, -1}}}, attrs), PartialShape({1, 8, 2, -1}));
  expect_error([&] { shape_of("opset1.DepthToSpace", {{F, {1, 6, 2, 3}}}, attrs); }, "multiple of block_size");
  expect_error([&] { shape_of("opset1.SpaceToDepth", {{F, {1, 2, 3, 4}}}, attrs); }, "not a multiple");
}

}  // namespace
}  // namespace remo
