// Reshape, Squeeze, Unsqueeze, ShapeOf, Transpose, Concat, Tile and Broadcast-3.
#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

PartialShape reshaped(const PartialShape& in, std::vector<int64_t> target, bool special_zero = false) {
  Graph g;
  auto x = param(g, ElementType::f32, in);
  return out(g, make(g, "opset1.Reshape", {x, constant(g, ints(target))}, {{"special_zero", special_zero}})).shape;
}

TEST(OpsReshape, InfersTargets) {
  EXPECT_EQ(reshaped(std::vector<int64_t>{2, 3, 4}, {4, -1}), PartialShape({4, 6}));
  EXPECT_EQ(reshaped(std::vector<int64_t>{2, 3, 4}, {0, -1}, true), PartialShape({2, 12}));
  EXPECT_EQ(reshaped(std::vector<int64_t>{-1, 3, 4}, {0, -1}, true), PartialShape({-1, 12}));
  EXPECT_EQ(reshaped(std::vector<int64_t>{-1, 3, 4}, {-1, 6}), PartialShape({-1, 6}));
  EXPECT_EQ(reshaped(std::vector<int64_t>{0, 3}, {-1, 0}, true), PartialShape({0, 3}));
  expect_error([] { reshaped(std::vector<int64_t>{2, 3}, {-1, -1}); }, "more than one -1");
  expect_error([] { reshaped(std::vector<int64_t>{2, 3}, {5}); }, "element counts differ");
  expect_error([] { reshaped(std::vector<int64_t>{2, 3}, {4, -1}); }, "do not divide");
  expect_error([] { reshaped(std::vector<int64_t>{2, 3}, {0, -1}); }, "next to a zero dimension");
  expect_error([] { reshaped(std::vector<int64_t>{2, 3}, {-2, 3}); }, "invalid value");
  expect_error([] { reshaped(std::vector<int64_t>{6}, {3, 0}, true); }, "copies input dimension 1");
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, 3});
  auto unknown = param(g, ElementType::i64, std::vector<int64_t>{3});
  EXPECT_EQ(out(g, make(g, "opset1.Reshape", {x, unknown}, {{"special_zero", false}})).shape, PartialShape({-1, -1, -1}));
}

TEST(OpsReshape, EvaluateKeepsTheBytes) {
  const Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor r = run("opset1.Reshape", {x, ints({0, 3, -1})}, {{"special_zero", true}});
  EXPECT_EQ(r.shape(), (Shape{2, 3, 1}));
  Tensor flat = run("opset1.Reshape", {x, ints({-1})}, {{"special_zero", false}});
  EXPECT_EQ(flat.shape(), (Shape{6}));
  EXPECT_EQ(flat.bytes(), x.bytes());
  expect_near(flat, {1, 2, 3, 4, 5, 6});
}

TEST(OpsSqueeze, RemovesUnitAxes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 1, 2});
  EXPECT_EQ(out(g, make(g, "opset1.Squeeze", {x})).shape, PartialShape({3, 2}));
  EXPECT_EQ(out(g, make(g, "opset1.Squeeze", {x, constant(g, ints({0, -2}))})).shape, PartialShape({3, 2}));
  EXPECT_EQ(out(g, make(g, "opset1.Squeeze", {x, constant(g, scalar(2))})).shape, PartialShape({1, 3, 2}));
  EXPECT_EQ(out(g, make(g, "opset1.Squeeze", {x, constant(g, ints({}))})).shape, PartialShape({3, 2}));
  expect_error([&] { make(g, "opset1.Squeeze", {x, constant(g, ints({1}))}); }, "its size is 3, not 1");
  expect_error([&] { make(g, "opset1.Squeeze", {x, constant(g, ints({4}))}); }, "out of range");
  auto d = param(g, ElementType::f32, std::vector<int64_t>{-1, 3});
  EXPECT_FALSE(out(g, make(g, "opset1.Squeeze", {d})).shape.rank_known());
  EXPECT_EQ(out(g, make(g, "opset1.Squeeze", {d, constant(g, ints({0}))})).shape, PartialShape({3}));
  EXPECT_EQ(run("opset1.Squeeze", {f32({1, 2, 1}, {5, 6})}).shape(), (Shape{2}));
  EXPECT_EQ(run("opset1.Squeeze", {f32({1, 2, 1}, {5, 6}), ints({0})}).shape(), (Shape{2, 1}));
}

TEST(OpsUnsqueeze, InsertsAxesInOutputPositions) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{3, -1});
  EXPECT_EQ(out(g, make(g, "opset1.Unsqueeze", {x, constant(g, ints({0, 3}))})).shape, PartialShape({1, 3, -1, 1}));
  EXPECT_EQ(out(g, make(g, "opset1.Unsqueeze", {x, constant(g, ints({-1}))})).shape, PartialShape({3, -1, 1}));
  EXPECT_EQ(out(g, make(g, "opset1.Unsqueeze", {x, constant(g, ints({1, 1}))})).shape, PartialShape({3, 1, -1}));
  expect_error([&] { make(g, "opset1.Unsqueeze", {x, constant(g, ints({3}))}); }, "out of range");
  auto axes = param(g, ElementType::i64, std::vector<int64_t>{1});
  EXPECT_FALSE(out(g, make(g, "opset1.Unsqueeze", {x, axes})).shape.rank_known());
  Tensor r = run("opset1.Unsqueeze", {f32({2}, {7, 8}), ints({0})});
  EXPECT_EQ(r.shape(), (Shape{1, 2}));
  expect_near(r, {7, 8});
}

TEST(OpsShapeOf, ReportsTheShape) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, -1, 3});
  Node& s1 = make(g, "opset1.ShapeOf", {x});
  EXPECT_EQ(out(g, s1).type, ElementType::i64);
  EXPECT_EQ(out(g, s1).shape, PartialShape({3}));
  Node& s3 = make(g, "opset3.ShapeOf", {x}, {{"output_type", ElementType::i32}});
  EXPECT_EQ(out(g, s3).type, ElementType::i32);
  auto any = param(g, ElementType::f32, PartialShape::dynamic_rank());
  EXPECT_EQ(out(g, make(g, "opset3.ShapeOf", {any})).shape, PartialShape({-1}));
  expect_error([&] { make(g, "opset3.ShapeOf", {x}, {{"output_type", ElementType::f32}}); }, "i32 or i64");
  EXPECT_EQ(int_values(run("opset3.ShapeOf", {f32({2, 1}, {0, 0})}, {{"output_type", ElementType::i32}})),
            (std::vector<int64_t>{2, 1}));
  // ShapeOf of a static shape folds, so a Reshape target computed from it is known.
  auto st = param(g, ElementType::f32, std::vector<int64_t>{4, 5});
  auto shape = make(g, "opset1.ShapeOf", {st}).output();
  EXPECT_EQ(out(g, make(g, "opset1.Reshape", {x, shape}, {{"special_zero", false}})).shape, PartialShape({4, 5}));
}

TEST(OpsTranspose, PermutesAxes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, -1, 4});
  EXPECT_EQ(out(g, make(g, "opset1.Transpose", {x, constant(g, ints({2, 0, 1}))})).shape, PartialShape({4, 2, -1}));
  EXPECT_EQ(out(g, make(g, "opset1.Transpose", {x, constant(g, ints({}))})).shape, PartialShape({4, -1, 2}));
  expect_error([&] { make(g, "opset1.Transpose", {x, constant(g, ints({0, 0, 1}))}); }, "not a permutation");
  expect_error([&] { make(g, "opset1.Transpose", {x, constant(g, ints({1, 0}))}); }, "not a permutation");
  auto order = param(g, ElementType::i64, std::vector<int64_t>{3});
  EXPECT_EQ(out(g, make(g, "opset1.Transpose", {x, order})).shape, PartialShape({-1, -1, -1}));
  expect_near(run("opset1.Transpose", {f32({2, 3}, {1, 2, 3, 4, 5, 6}), ints({1, 0})}), {1, 4, 2, 5, 3, 6});
  // [1, 2, 3] -> order (2, 0, 1) gives [3, 1, 2].
  Tensor t = run("opset1.Transpose", {f32({1, 2, 3}, {1, 2, 3, 4, 5, 6}), ints({2, 0, 1})});
  EXPECT_EQ(t.shape(), (Shape{3, 1, 2}));
  expect_near(t, {1, 4, 2, 5, 3, 6});
}

TEST(OpsConcat, JoinsAlongAnAxis) {
  Graph g;
  auto a = param(g, ElementType::f32, std::vector<int64_t>{2, 3});
  auto b = param(g, ElementType::f32, std::vector<int64_t>{-1, -1});
  auto c = param(g, ElementType::f32, std::vector<int64_t>{2, 4});
  EXPECT_EQ(out(g, make(g, "opset1.Concat", {a, c}, {{"axis", int64_t{1}}})).shape, PartialShape({2, 7}));
  EXPECT_EQ(out(g, make(g, "opset1.Concat", {a, b, c}, {{"axis", int64_t{-1}}})).shape, PartialShape({2, -1}));
  expect_error([&] { make(g, "opset1.Concat", {a, c}, {{"axis", int64_t{0}}}); }, "differs from the others on axis 1");
  auto r3 = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 1});
  expect_error([&] { make(g, "opset1.Concat", {a, r3}, {{"axis", int64_t{0}}}); }, "same rank");
  auto h = param(g, ElementType::f16, std::vector<int64_t>{2, 3});
  expect_error([&] { make(g, "opset1.Concat", {a, h}, {{"axis", int64_t{0}}}); }, "same element type");
  expect_error([&] { make(g, "opset1.Concat", {a, c}, {{"axis", int64_t{2}}}); }, "out of range");
  const Tensor x = f32({2, 2}, {1, 2, 3, 4}), y = f32({2, 1}, {5, 6});
  expect_near(run("opset1.Concat", {x, y}, {{"axis", int64_t{1}}}), {1, 2, 5, 3, 4, 6});
  expect_near(run("opset1.Concat", {x, f32({1, 2}, {7, 8})}, {{"axis", int64_t{0}}}), {1, 2, 3, 4, 7, 8});
  EXPECT_EQ(int_values(run("opset1.Concat", {ints({1}), ints({}), ints({2, 3})}, {{"axis", int64_t{0}}})),
            (std::vector<int64_t>{1, 2, 3}));
}

TEST(OpsTile, RepeatsData) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, -1});
  EXPECT_EQ(out(g, make(g, "opset1.Tile", {x, constant(g, ints({2}))})).shape, PartialShape({2, -1}));
  EXPECT_EQ(out(g, make(g, "opset1.Tile", {x, constant(g, ints({3, 2, 1}))})).shape, PartialShape({3, 4, -1}));
  expect_error([&] { make(g, "opset1.Tile", {x, constant(g, ints({-1}))}); }, "must not be negative");
  const Tensor m = f32({2, 2}, {1, 2, 3, 4});
  expect_near(run("opset1.Tile", {m, ints({2, 1})}), {1, 2, 3, 4, 1, 2, 3, 4});
  expect_near(run("opset1.Tile", {m, ints({1, 2})}), {1, 2, 1, 2, 3, 4, 3, 4});
  Tensor v = run("opset1.Tile", {f32({2}, {1, 2}), ints({2, 2})});
  EXPECT_EQ(v.shape(), (Shape{2, 4}));
  expect_near(v, {1, 2, 1, 2, 1, 2, 1, 2});
}

TEST(OpsBroadcast, ModesAndErrors) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{3, 1});
  EXPECT_EQ(out(g, make(g, "opset3.Broadcast", {x, constant(g, ints({2, 3, 4}))})).shape, PartialShape({2, 3, 4}));
  const Attributes bidirectional{{"mode", std::string("bidirectional")}};
  EXPECT_EQ(out(g, make(g, "opset3.Broadcast", {x, constant(g, ints({4})), }, bidirectional)).shape, PartialShape({3, 4}));
  EXPECT_EQ(out(g, make(g, "opset3.Broadcast", {x, constant(g, ints({1}))}, bidirectional)).shape, PartialShape({3, 1}));
  expect_error([&] { make(g, "opset3.Broadcast", {x, constant(g, ints({2, 4}))}); }, "cannot be broadcast");
  const Attributes explicit_mode{{"mode", std::string("explicit")}};
  expect_error([&] { make(g, "opset3.Broadcast", {x, constant(g, ints({3, 2}))}, explicit_mode); }, "axes_mapping input");
  auto target = param(g, ElementType::i64, std::vector<int64_t>{3});
  EXPECT_EQ(out(g, make(g, "opset3.Broadcast", {x, target})).shape, PartialShape({-1, -1, -1}));

  expect_near(run("opset3.Broadcast", {f32({3}, {1, 2, 3}), ints({2, 3})}), {1, 2, 3, 1, 2, 3});
  expect_near(run("opset3.Broadcast", {f32({2, 1}, {1, 2}), ints({1, 3})}, bidirectional), {1, 1, 1, 2, 2, 2});
  expect_near(run("opset3.Broadcast", {f32({2}, {1, 2}), ints({2, 3}), ints({0})}, explicit_mode), {1, 1, 1, 2, 2, 2});
  expect_near(run("opset3.Broadcast", {f32({3}, {1, 2, 3}), ints({2, 3}), ints({1})}, explicit_mode), {1, 2, 3, 1, 2, 3});
  expect_error([] { run("opset3.Broadcast", {f32({2}, {1, 2}), ints({2, 3}), ints({1})}, {{"mode", std::string("explicit")}}); },
               "cannot be broadcast");
}

}  // namespace
}  // namespace remo
