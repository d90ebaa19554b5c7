// MatMul, Softmax, BatchNormInference, MVN and the Reduce* family.
#include <cmath>

#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

PartialShape matmul_shape(std::vector<int64_t> a, std::vector<int64_t> b, bool ta = false, bool tb = false) {
  Graph g;
  auto x = param(g, ElementType::f32, a), y = param(g, ElementType::f32, b);
  return out(g, make(g, "opset1.MatMul", {x, y}, {{"transpose_a", ta}, {"transpose_b", tb}})).shape;
}

TEST(OpsMatMul, InfersShapes) {
  EXPECT_EQ(matmul_shape({2, 3}, {3, 4}), PartialShape({2, 4}));
  EXPECT_EQ(matmul_shape({2, 3}, {4, 3}, false, true), PartialShape({2, 4}));
  EXPECT_EQ(matmul_shape({3, 2}, {3, 4}, true, false), PartialShape({2, 4}));
  EXPECT_EQ(matmul_shape({5, 1, 2, 3}, {4, 3, 6}), PartialShape({5, 4, 2, 6}));
  EXPECT_EQ(matmul_shape({3}, {3, 4}), PartialShape({4}));
  EXPECT_EQ(matmul_shape({2, 3}, {3}), PartialShape({2}));
  EXPECT_EQ(matmul_shape({3}, {3}), PartialShape(std::vector<int64_t>{}));
  EXPECT_EQ(matmul_shape({-1, 3}, {-1, -1}), PartialShape({-1, -1}));
  expect_error([] { matmul_shape({2, 3}, {4, 5}); }, "inner dimensions do not match");
  expect_error([] { matmul_shape({2, 2, 3}, {3, 3, 4}); }, "batch dimensions");
  expect_error([] { matmul_shape({}, {3}); }, "scalars");
  Graph g;
  auto any = param(g, ElementType::f32, PartialShape::dynamic_rank());
  auto m = param(g, ElementType::f32, std::vector<int64_t>{3, 4});
  EXPECT_FALSE(out(g, make(g, "opset1.MatMul", {any, m})).shape.rank_known());
}

TEST(OpsMatMul, Evaluates) {
  const Tensor a = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_near(run("opset1.MatMul", {a, f32({3, 2}, {1, 0, 0, 1, 1, 1})}), {4, 5, 10, 11});
  // The same product with B given transposed, and with A given transposed.
  expect_near(run("opset1.MatMul", {a, f32({2, 3}, {1, 0, 1, 0, 1, 1})}, {{"transpose_b", true}}), {4, 5, 10, 11});
  expect_near(run("opset1.MatMul", {f32({3, 2}, {1, 4, 2, 5, 3, 6}), f32({3, 2}, {1, 0, 0, 1, 1, 1})},
                  {{"transpose_a", true}}),
              {4, 5, 10, 11});
  // A batch of two [1, 2] rows against one shared [2, 2] matrix.
  expect_near(run("opset1.MatMul", {f32({2, 1, 2}, {1, 2, 3, 4}), f32({2, 2}, {1, 2, 3, 4})}), {7, 10, 15, 22});
  expect_near(run("opset1.MatMul", {f32({3}, {1, 2, 3}), f32({3}, {4, 5, 6})}), {32});
  expect_near(run("opset1.MatMul", {f32({2}, {1, 2}), f32({2, 2, 1}, {1, 2, 3, 4})}), {5, 11});
  EXPECT_EQ(int_values(run("opset1.MatMul", {i32({1, 2}, {2, 3}), i32({2, 1}, {4, -1})})), (std::vector<int64_t>{5}));
}

TEST(OpsSoftmax, AxisRulesAndValues) {
  expect_near(run("opset8.Softmax", {f32({3}, {1, 2, 3})}, {{"axis", int64_t{0}}}), {0.0900306, 0.2447285, 0.6652410});
  expect_near(run("opset1.Softmax", {f32({2, 2}, {0, 0, 1, 3})}), {0.5, 0.5, 0.1192029, 0.8807971});
  expect_near(run("opset8.Softmax", {f32({2, 2}, {0, 1, 0, 3})}, {{"axis", int64_t{-2}}}), {0.5, 0.1192029, 0.5, 0.8807971});
  // Large inputs do not overflow.
  expect_near(run("opset8.Softmax", {f32({2}, {1000, 1000})}, {{"axis", int64_t{0}}}), {0.5, 0.5});
  expect_error([] { run("opset1.Softmax", {f32({2}, {0, 0})}, {{"axis", int64_t{-1}}}); }, "must not be negative");
  expect_error([] { run("opset8.Softmax", {f32({2}, {0, 0})}, {{"axis", int64_t{1}}}); }, "out of range");
  expect_error([] { run("opset8.Softmax", {ints({0, 0})}, {{"axis", int64_t{0}}}); }, "floating-point");
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 10});
  const auto& info = out(g, make(g, "opset8.Softmax", {x}, {{"axis", int64_t{-1}}}));
  EXPECT_EQ(info.shape, PartialShape({-1, 10}));
}

TEST(OpsBatchNorm, NormalizesPerChannel) {
  const Tensor r = run("opset5.BatchNormInference",
                       {f32({1, 2, 2}, {1, 2, 3, 4}), f32({2}, {1, 2}), f32({2}, {0, 1}), f32({2}, {1, 3}), f32({2}, {4, 1})},
                       {{"epsilon", 0.0}});
  expect_near(r, {0, 0.5, 1, 3});
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 2, -1, -1});
  auto c = param(g, ElementType::f32, std::vector<int64_t>{2});
  auto c3 = param(g, ElementType::f32, std::vector<int64_t>{3});
  EXPECT_EQ(out(g, make(g, "opset5.BatchNormInference", {x, c, c, c, c}, {{"epsilon", 1e-5}})).shape,
            PartialShape({-1, 2, -1, -1}));
  expect_error([&] { make(g, "opset5.BatchNormInference", {x, c, c3, c, c}, {{"epsilon", 1e-5}}); }, "channel count");
}

TEST(OpsMvn, NormalizesOverAxes) {
  auto mvn = [](const Tensor& x, std::vector<int64_t> axes, bool variance, double eps, std::string mode) {
    return run("opset6.MVN", {x, ints(axes)},
               {{"eps", eps}, {"normalize_variance", variance}, {"eps_mode", mode}});
  };
  const Tensor x = f32({1, 2, 2}, {1, 3, 10, 20});
  expect_near(mvn(x, {2}, true, 0.0, "INSIDE_SQRT"), {-1, 1, -1, 1});
  expect_near(mvn(x, {2}, false, 0.0, "INSIDE_SQRT"), {-1, 1, -5, 5});
  expect_near(mvn(x, {2}, true, 1.0, "OUTSIDE_SQRT"), {-0.5, 0.5, -5.0 / 6, 5.0 / 6});
  expect_near(mvn(x, {2}, true, 3.0, "INSIDE_SQRT"), {-0.5, 0.5, -5 / std::sqrt(28.0), 5 / std::sqrt(28.0)});
  // Over both axes: mean 8.5, variance (56.25 + 30.25 + 2.25 + 132.25) / 4 = 55.25.
  const double sd = std::sqrt(55.25);
  expect_near(mvn(x, {-2, -1}, true, 0.0, "INSIDE_SQRT"), {-7.5 / sd, -5.5 / sd, 1.5 / sd, 11.5 / sd});
  expect_error([&] { mvn(x, {1, 1}, true, 0.0, "INSIDE_SQRT"); }, "twice");
  expect_error([&] { mvn(x, {3}, true, 0.0, "INSIDE_SQRT"); }, "out of range");
  expect_error([&] { mvn(x, {2}, true, 0.0, "inside"); }, "INSIDE_SQRT, OUTSIDE_SQRT");
}

TEST(OpsReduce, EvaluatesEachKind) {
  const Tensor x = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_near(run("opset1.ReduceSum", {x, ints({1})}), {6, 15});
  expect_near(run("opset1.ReduceMean", {x, ints({0})}), {2.5, 3.5, 4.5});
  expect_near(run("opset1.ReduceMax", {x, ints({-1})}), {3, 6});
  expect_near(run("opset1.ReduceMin", {x, ints({0, 1})}), {1});
  expect_near(run("opset1.ReduceProd", {x, ints({1})}), {6, 120});
  const Tensor y = f32({2, 2}, {-1, 2, 3, -4});
  expect_near(run("opset4.ReduceL1", {y, ints({1})}), {3, 7});
  expect_near(run("opset4.ReduceL2", {y, ints({1})}), {std::sqrt(5.0), 5});
  expect_near(run("opset1.ReduceSum", {x, ints({})}), {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(run("opset1.ReduceSum", {x, ints({1})}, {{"keep_dims", true}}).shape(), (Shape{2, 1}));
  EXPECT_EQ(run("opset1.ReduceMin", {x, ints({0, 1})}).shape(), Shape{});
  EXPECT_EQ(int_values(run("opset1.ReduceMean", {ints({1, 2}), ints({0})})), (std::vector<int64_t>{1}));
}

TEST(OpsReduce, InfersShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 4, 5});
  auto axes = constant(g, ints({1}));
  EXPECT_EQ(out(g, make(g, "opset1.ReduceMean", {x, axes})).shape, PartialShape({-1, 5}));
  EXPECT_EQ(out(g, make(g, "opset1.ReduceMean", {x, axes}, {{"keep_dims", true}})).shape, PartialShape({-1, 1, 5}));
  auto unknown = param(g, ElementType::i64, std::vector<int64_t>{1});
  EXPECT_EQ(out(g, make(g, "opset1.ReduceMax", {x, unknown}, {{"keep_dims", true}})).shape, PartialShape({-1, -1, -1}));
  EXPECT_FALSE(out(g, make(g, "opset1.ReduceMax", {x, unknown})).shape.rank_known());
  expect_error([&] { make(g, "opset1.ReduceSum", {x, constant(g, ints({3}))}); }, "out of range");
  auto float_axes = param(g, ElementType::f32, std::vector<int64_t>{1});
  expect_error([&] { make(g, "opset1.ReduceSum", {x, float_axes}); }, "integer");
}

}  // namespace
}  // namespace remo
