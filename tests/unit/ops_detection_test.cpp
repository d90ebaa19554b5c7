// NonMaxSuppression-9 and ROIAlign-9: shape inference and the reference evaluators.
#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

// NMS output counts are known only at run time, so the evaluator is called directly rather than
// through folding (which checks the result against the inferred, dynamic, shape).
std::vector<Tensor> evaluate(const std::string& op, const std::vector<Tensor>& inputs, Attributes attrs = {}) {
  Graph g;
  std::vector<Value> values;
  for (const Tensor& t : inputs) values.push_back(t.empty() ? Value{} : constant(g, t));
  Node& n = make(g, op, values, std::move(attrs));
  std::vector<Tensor> in;
  for (const Tensor& t : inputs) in.push_back(t);
  return OpRegistry::instance().find(op)->evaluate(n, in);
}

std::vector<int64_t> as_ints(const Tensor& t) { return t.to_int64(); }

const Tensor kBoxes = f32({1, 6, 4}, {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, -0.1f, 1, 0.9f,
                                     0, 10, 1, 11, 0, 10.1f, 1, 11.1f, 0, 100, 1, 101});
const Tensor kScores = f32({1, 1, 6}, {0.9f, 0.75f, 0.6f, 0.95f, 0.5f, 0.3f});

TEST(OpsNonMaxSuppression, InfersDynamicRowCounts) {
  Graph g;
  auto boxes = param(g, ElementType::f32, std::vector<int64_t>{2, 10, 4});
  auto scores = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 10});
  Node& n = make(g, "opset9.NonMaxSuppression", {boxes, scores}, {{"output_type", ElementType::i32}});
  EXPECT_EQ(out(g, n, 0).shape, PartialShape({-1, 3}));
  EXPECT_EQ(out(g, n, 0).type, ElementType::i32);
  EXPECT_EQ(out(g, n, 1).type, ElementType::f32);
  EXPECT_EQ(out(g, n, 2).shape, PartialShape({1}));
  auto wrong = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 9});
  expect_error([&] { make(g, "opset9.NonMaxSuppression", {boxes, wrong}); }, "box count");
  auto flat = param(g, ElementType::f32, std::vector<int64_t>{10, 4});
  expect_error([&] { make(g, "opset9.NonMaxSuppression", {flat, scores}); }, "boxes must have shape");
}

TEST(OpsNonMaxSuppression, SuppressesOverlapsPerClassInScoreOrder) {
  auto r = evaluate("opset9.NonMaxSuppression", {kBoxes, kScores, ints({3}), f32({1}, {0.5f}), f32({1}, {0.0f})},
                    {{"sort_result_descending", false}});
  EXPECT_EQ(as_ints(r[0]), (std::vector<int64_t>{0, 0, 3, 0, 0, 0, 0, 0, 5}));
  expect_near(r[1], {0, 0, 0.95f, 0, 0, 0.9f, 0, 0, 0.3f});
  EXPECT_EQ(as_ints(r[2]), (std::vector<int64_t>{3}));
  // A score threshold drops boxes before suppression; max 0 selects nothing.
  r = evaluate("opset9.NonMaxSuppression", {kBoxes, kScores, ints({6}), f32({1}, {0.5f}), f32({1}, {0.55f})});
  EXPECT_EQ(as_ints(r[0]), (std::vector<int64_t>{0, 0, 3, 0, 0, 0}));
  r = evaluate("opset9.NonMaxSuppression", {kBoxes, kScores, ints({0}), f32({1}, {0.5f})});
  EXPECT_TRUE(as_ints(r[0]).empty());
}

TEST(OpsNonMaxSuppression, CenterBoxesAndSortingAcrossClasses) {
  const Tensor boxes = f32({1, 3, 4}, {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1, 10, 10, 1, 1});
  const Tensor scores = f32({1, 2, 3}, {0.9f, 0.8f, 0.1f, 0.2f, 0.3f, 0.95f});
  auto r = evaluate("opset9.NonMaxSuppression", {boxes, scores, ints({3}), f32({1}, {0.5f})},
                    {{"box_encoding", std::string("center")}, {"sort_result_descending", true}});
  // Class 1 keeps box 2 (0.95) and box 1 (0.3), which suppresses box 0; class 0 keeps 0 and 2.
  EXPECT_EQ(as_ints(r[0]), (std::vector<int64_t>{0, 1, 2, 0, 0, 0, 0, 1, 1, 0, 0, 2}));
}

TEST(OpsROIAlign, InfersAndChecksShapes) {
  Graph g;
  auto data = param(g, ElementType::f32, std::vector<int64_t>{2, 8, 16, 16});
  auto rois = param(g, ElementType::f32, std::vector<int64_t>{-1, 4});
  auto idx = param(g, ElementType::i64, std::vector<int64_t>{5});
  Attributes a{{"pooled_h", int64_t{3}}, {"pooled_w", int64_t{2}}, {"sampling_ratio", int64_t{0}},
               {"spatial_scale", 0.25}, {"mode", std::string("avg")}};
  EXPECT_EQ(out(g, make(g, "opset9.ROIAlign", {data, rois, idx}, a)).shape, PartialShape({5, 8, 3, 2}));
  auto bad = param(g, ElementType::f32, std::vector<int64_t>{5, 5});
  expect_error([&] { make(g, "opset9.ROIAlign", {data, bad, idx}, a); }, "rois must have shape");
  a["mode"] = std::string("median");
  expect_error([&] { make(g, "opset9.ROIAlign", {data, rois, idx}, a); }, "mode");
}

TEST(OpsROIAlign, PoolsBilinearSamplesInEachAlignedMode) {
  const Tensor x = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  Attributes a{{"pooled_h", int64_t{1}}, {"pooled_w", int64_t{1}}, {"sampling_ratio", int64_t{1}},
               {"spatial_scale", 0.5}, {"mode", std::string("avg")}};
  const Tensor rois = f32({1, 4}, {0, 0, 2, 2});
  expect_near(run("opset9.ROIAlign", {x, rois, ints({0})}, a), {2.5f});
  a["aligned_mode"] = std::string("half_pixel");  // (x + 0.5) * scale - 0.5
  expect_near(run("opset9.ROIAlign", {x, rois, ints({0})}, a), {1.75f});
  a["aligned_mode"] = std::string("half_pixel_for_nn");  // x * scale - 0.5
  expect_near(run("opset9.ROIAlign", {x, rois, ints({0})}, a), {1.0f});
  // 2x2 samples at 0.25 and 0.75 of a unit box: avg 2.5, max 3.25.
  Attributes b{{"pooled_h", int64_t{1}}, {"pooled_w", int64_t{1}}, {"sampling_ratio", int64_t{2}},
               {"spatial_scale", 1.0}, {"mode", std::string("avg")}};
  expect_near(run("opset9.ROIAlign", {x, f32({1, 4}, {0, 0, 1, 1}), ints({0})}, b), {2.5f});
  b["mode"] = std::string("max");
  expect_near(run("opset9.ROIAlign", {x, f32({1, 4}, {0, 0, 1, 1}), ints({0})}, b), {3.25f});
}

}  // namespace
}  // namespace remo
