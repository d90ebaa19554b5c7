// Gather, Slice, StridedSlice, Split, VariadicSplit and Pad.
#include <limits>

#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

PartialShape gathered(std::vector<int64_t> data, std::vector<int64_t> indices, int64_t axis, int64_t batch_dims = 0) {
  Graph g;
  auto d = param(g, ElementType::f32, data), i = param(g, ElementType::i64, indices);
  return out(g, make(g, "opset8.Gather", {d, i, constant(g, scalar(axis))}, {{"batch_dims", batch_dims}})).shape;
}

TEST(OpsGather, InfersShapes) {
  EXPECT_EQ(gathered({5, 6, 7}, {2, 3}, 1), PartialShape({5, 2, 3, 7}));
  EXPECT_EQ(gathered({5, 6, 7}, {2, 3}, -1), PartialShape({5, 6, 2, 3}));
  EXPECT_EQ(gathered({5, 6, 7}, {}, 0), PartialShape({6, 7}));
  EXPECT_EQ(gathered({2, 5, 7}, {-1, 3}, 1, 1), PartialShape({2, 3, 7}));
  EXPECT_EQ(gathered({-1, 5}, {4}, 1), PartialShape({-1, 4}));
  expect_error([] { gathered({5, 6}, {2}, 2); }, "out of range");
  expect_error([] { gathered({2, 5, 7}, {2, 3}, 0, 1); }, "not exceed axis");
  expect_error([] { gathered({2, 5, 7}, {3, 3}, 1, 1); }, "batch");
  Graph g;
  auto d = param(g, ElementType::f32, std::vector<int64_t>{5, 6, 7});
  auto i = param(g, ElementType::i32, std::vector<int64_t>{2, 3});
  auto axis = param(g, ElementType::i64, std::vector<int64_t>{});
  EXPECT_EQ(out(g, make(g, "opset8.Gather", {d, i, axis})).shape, PartialShape({-1, -1, -1, -1}));
  expect_error([&] { make(g, "opset1.Gather", {d, i, axis}, {{"batch_dims", int64_t{0}}}); }, "unknown attribute");
}

TEST(OpsGather, EvaluatesIndicesIncludingNegativeAndOutOfRange) {
  const Tensor data = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  expect_near(run("opset8.Gather", {data, ints({2, -3}), scalar(0)}), {5, 6, 1, 2});
  expect_near(run("opset8.Gather", {data, i32({1}, {1}), scalar(1)}), {2, 4, 6});
  expect_near(run("opset8.Gather", {data, ints({5}), scalar(0)}), {0, 0});
  expect_near(run("opset7.Gather", {data, scalar(1), scalar(0)}), {3, 4});
  expect_near(run("opset1.Gather", {data, ints({0, 0}), scalar(-1)}), {1, 1, 3, 3, 5, 5});
  // batch_dims = 1: each row picks with its own indices.
  expect_near(run("opset8.Gather", {f32({2, 3}, {1, 2, 3, 4, 5, 6}), i64({2, 2}, {2, 0, 1, 1}), scalar(1)},
                  {{"batch_dims", int64_t{1}}}),
              {3, 1, 5, 5});
}

Tensor slice(const Tensor& data, std::vector<int64_t> start, std::vector<int64_t> stop, std::vector<int64_t> step,
             std::vector<int64_t> axes = {}) {
  std::vector<Tensor> in{data, ints(start), ints(stop), ints(step)};
  if (!axes.empty()) in.push_back(ints(axes));
  return run("opset8.Slice", in);
}

TEST(OpsSlice, PythonSemantics) {
  const Tensor seq = f32({10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  expect_near(slice(seq, {1}, {8}, {2}), {1, 3, 5, 7});
  expect_near(slice(seq, {8}, {1}, {-3}), {8, 5, 2});
  expect_near(slice(seq, {-3}, {kMax}, {1}), {7, 8, 9});
  expect_near(slice(seq, {-1}, {-100}, {-4}), {9, 5, 1});
  EXPECT_EQ(slice(seq, {5}, {2}, {1}).shape(), (Shape{0}));
  expect_near(slice(f32({2, 3}, {1, 2, 3, 4, 5, 6}), {1}, {3}, {1}, {-1}), {2, 3, 5, 6});
  // Axis 1 takes column 1, axis 0 (start 2 clamped to 1) takes row 1.
  expect_near(slice(f32({2, 3}, {1, 2, 3, 4, 5, 6}), {1, 2}, {0, 0}, {-1, -2}, {1, 0}), {5});
  expect_error([&] { slice(seq, {0}, {1}, {0}); }, "step must not be zero");
  expect_error([&] { run("opset8.Slice", {seq, ints({0}), ints({1, 2}), ints({1})}); }, "same length");
  expect_error([&] { slice(f32({2, 2}, {0, 0, 0, 0}), {0, 0}, {1, 1}, {1, 1}, {1, -1}); }, "twice");
}

TEST(OpsSlice, InfersDynamicCases) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{10, -1, 4});
  auto c = [&](std::vector<int64_t> v) { return constant(g, ints(v)); };
  EXPECT_EQ(out(g, make(g, "opset8.Slice", {x, c({2, 0}), c({8, 3}), c({2, 1})})).shape, PartialShape({3, -1, 4}));
  EXPECT_EQ(out(g, make(g, "opset8.Slice", {x, c({1}), c({3}), c({1}), c({2})})).shape, PartialShape({10, -1, 2}));
  auto unknown = param(g, ElementType::i64, std::vector<int64_t>{1});
  EXPECT_EQ(out(g, make(g, "opset8.Slice", {x, unknown, c({3}), c({1}), c({0})})).shape, PartialShape({-1, -1, 4}));
  EXPECT_EQ(out(g, make(g, "opset8.Slice", {x, unknown, c({3}), c({1})})).shape, PartialShape({-1, -1, -1}));
}

Attributes masks(std::vector<int64_t> begin, std::vector<int64_t> end, std::vector<int64_t> new_axis = {},
                 std::vector<int64_t> shrink = {}, std::vector<int64_t> ellipsis = {}) {
  return {{"begin_mask", begin}, {"end_mask", end}, {"new_axis_mask", new_axis}, {"shrink_axis_mask", shrink},
          {"ellipsis_mask", ellipsis}};
}

TEST(OpsStridedSlice, MasksSelectAxes) {
  std::vector<float> v(24);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  const Tensor x = f32({2, 3, 4}, v);
  auto ss = [&](std::vector<int64_t> b, std::vector<int64_t> e, std::vector<int64_t> s, Attributes a) {
    return run("opset1.StridedSlice", {x, ints(b), ints(e), ints(s)}, a);
  };
  EXPECT_EQ(ss({0, 1}, {2, 3}, {1, 1}, masks({0, 0}, {0, 0})).shape(), (Shape{2, 2, 4}));
  // begin/end masks ignore the given values on axis 0; then axis 1 takes [1:2].
  Tensor masked = ss({1, 1}, {1, 2}, {1, 1}, masks({1, 0}, {1, 0}));
  EXPECT_EQ(masked.shape(), (Shape{2, 1, 4}));
  expect_near(masked, {4, 5, 6, 7, 16, 17, 18, 19});
  // Shrinking axis 1 at coordinate 2.
  Tensor shrunk = ss({0, 2}, {1, 3}, {1, 1}, masks({0, 0}, {0, 0}, {}, {0, 1}));
  EXPECT_EQ(shrunk.shape(), (Shape{1, 4}));
  expect_near(shrunk, {8, 9, 10, 11});
  EXPECT_EQ(ss({0}, {0}, {1}, masks({0}, {0}, {1})).shape(), (Shape{1, 2, 3, 4}));
  // The ellipsis stands for the axes between the explicit entries.
  EXPECT_EQ(ss({1, 0}, {2, 0}, {1, 1}, masks({0, 0}, {0, 0}, {}, {}, {0, 1})).shape(), (Shape{1, 3, 4}));
  Tensor tail = ss({0, 0, 1}, {0, 0, 4}, {1, 1, 2}, masks({1, 0, 0}, {1, 0, 0}, {}, {}, {0, 1, 0}));
  EXPECT_EQ(tail.shape(), (Shape{2, 3, 2}));
  expect_near(slice(tail, {0, 0}, {1, 1}, {1, 1}, {0, 1}), {1, 3});
  // Negative stride with the end masked walks back to the first element.
  expect_near(run("opset1.StridedSlice", {f32({5}, {0, 1, 2, 3, 4}), ints({-1}), ints({0}), ints({-1})}, masks({0}, {1})),
              {4, 3, 2, 1, 0});
  // Stride defaults to 1.
  expect_near(run("opset1.StridedSlice", {f32({5}, {0, 1, 2, 3, 4}), ints({1}), ints({-1})}, masks({0}, {0})), {1, 2, 3});
  expect_error([&] { ss({0, 5}, {1, 6}, {1, 1}, masks({0, 0}, {0, 0}, {}, {0, 1})); }, "out of range");
  expect_error([&] { ss({0, 0, 0, 0}, {1, 1, 1, 1}, {1, 1, 1, 1}, masks({}, {})); }, "4 slice entries");
}

TEST(OpsStridedSlice, InfersWithUnknownBounds) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 3, 4});
  auto begin = param(g, ElementType::i64, std::vector<int64_t>{2});
  auto end = constant(g, ints({0, 0}));
  EXPECT_EQ(out(g, make(g, "opset1.StridedSlice", {x, begin, end}, masks({0, 0}, {0, 0}, {}, {0, 1}))).shape,
            PartialShape({-1, 4}));
  EXPECT_EQ(out(g, make(g, "opset1.StridedSlice", {x, constant(g, ints({0, 1})), end}, masks({1, 0}, {1, 1}))).shape,
            PartialShape({-1, 2, 4}));
}

TEST(OpsSplit, EqualParts) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{6, -1});
  Node& s = make(g, "opset1.Split", {x, constant(g, scalar(0))}, {{"num_splits", int64_t{3}}});
  ASSERT_EQ(s.outputs.size(), 3u);
  EXPECT_EQ(out(g, s, 2).shape, PartialShape({2, -1}));
  EXPECT_EQ(out(g, make(g, "opset1.Split", {x, constant(g, scalar(-1))}, {{"num_splits", int64_t{2}}}), 1).shape,
            PartialShape({6, -1}));
  expect_error([&] { make(g, "opset1.Split", {x, constant(g, scalar(0))}, {{"num_splits", int64_t{4}}}); }, "equal parts");
  auto parts = run_all("opset1.Split", {f32({6}, {1, 2, 3, 4, 5, 6}), scalar(0)}, {{"num_splits", int64_t{3}}});
  ASSERT_EQ(parts.size(), 3u);
  expect_near(parts[1], {3, 4});
  auto cols = run_all("opset1.Split", {f32({2, 2}, {1, 2, 3, 4}), scalar(1)}, {{"num_splits", int64_t{2}}});
  expect_near(cols[0], {1, 3});
  expect_near(cols[1], {2, 4});
}

TEST(OpsVariadicSplit, GivenLengths) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{6, 4});
  Node& s = make(g, "opset1.VariadicSplit", {x, constant(g, scalar(0)), constant(g, ints({1, -1, 2}))});
  ASSERT_EQ(s.outputs.size(), 3u);
  EXPECT_EQ(out(g, s, 1).shape, PartialShape({3, 4}));
  expect_error([&] { make(g, "opset1.VariadicSplit", {x, constant(g, scalar(0)), constant(g, ints({1, 2}))}); },
               "do not add up");
  expect_error([&] { make(g, "opset1.VariadicSplit", {x, constant(g, scalar(0)), constant(g, ints({-1, -1}))}); },
               "more than one -1");
  auto unknown = param(g, ElementType::i64, std::vector<int64_t>{2});
  Node& u = make(g, "opset1.VariadicSplit", {x, constant(g, scalar(1)), unknown});
  ASSERT_EQ(u.outputs.size(), 2u);
  EXPECT_EQ(out(g, u, 0).shape, PartialShape({6, -1}));
  auto any_length = param(g, ElementType::i64, std::vector<int64_t>{-1});
  expect_error([&] { make(g, "opset1.VariadicSplit", {x, constant(g, scalar(1)), any_length}); }, "static length");
  auto parts = run_all("opset1.VariadicSplit", {f32({2, 3}, {1, 2, 3, 4, 5, 6}), scalar(-1), ints({2, 1})});
  expect_near(parts[0], {1, 2, 4, 5});
  expect_near(parts[1], {3, 6});
}

Tensor pad(const std::string& op, const Tensor& x, std::vector<int64_t> begin, std::vector<int64_t> end,
           const std::string& mode, const Tensor& value = {}) {
  std::vector<Tensor> in{x, ints(begin), ints(end)};
  if (!value.empty()) in.push_back(value);
  return run(op, in, {{"pad_mode", mode}});
}

TEST(OpsPad, Modes) {
  expect_near(pad("opset1.Pad", f32({2, 2}, {1, 2, 3, 4}), {1, 0}, {0, 1}, "constant", scalar_f32(9)),
              {9, 9, 9, 1, 2, 9, 3, 4, 9});
  expect_near(pad("opset1.Pad", f32({2}, {1, 2}), {1}, {1}, "constant"), {0, 1, 2, 0});
  const Tensor row = f32({3}, {1, 2, 3});
  expect_near(pad("opset1.Pad", row, {2}, {2}, "edge"), {1, 1, 1, 2, 3, 3, 3});
  expect_near(pad("opset1.Pad", row, {2}, {2}, "reflect"), {3, 2, 1, 2, 3, 2, 1});
  expect_near(pad("opset1.Pad", row, {2}, {2}, "symmetric"), {2, 1, 1, 2, 3, 3, 2});
  expect_near(pad("opset1.Pad", f32({2, 2}, {1, 2, 3, 4}), {1, 1}, {0, 0}, "reflect"), {4, 3, 4, 2, 1, 2, 4, 3, 4});
  // Pad-12 crops with negative pads.
  expect_near(pad("opset12.Pad", f32({4}, {1, 2, 3, 4}), {-1}, {1}, "constant"), {2, 3, 4, 0});
  expect_error([&] { pad("opset1.Pad", row, {-1}, {0}, "constant"); }, "must not be negative");
  expect_error([&] { pad("opset1.Pad", row, {3}, {0}, "reflect"); }, "at most 2");
  expect_error([&] { pad("opset1.Pad", row, {1}, {0}, "constant", f32({1}, {0})); }, "scalar");
  expect_error([&] { pad("opset1.Pad", row, {1}, {0}, "constant", scalar(0)); }, "same element type");
  expect_error([&] { pad("opset12.Pad", row, {-2}, {-2}, "constant"); }, "remove more");
}

TEST(OpsPad, InfersShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 3});
  EXPECT_EQ(out(g, make(g, "opset1.Pad", {x, constant(g, ints({1, 1})), constant(g, ints({1, 2}))})).shape,
            PartialShape({-1, 6}));
  auto unknown = param(g, ElementType::i64, std::vector<int64_t>{2});
  EXPECT_EQ(out(g, make(g, "opset1.Pad", {x, unknown, unknown})).shape, PartialShape({-1, -1}));
  expect_error([&] { make(g, "opset1.Pad", {x, constant(g, ints({1})), constant(g, ints({1}))}); }, "one entry per axis");
}

}  // namespace
}  // namespace remo
