// Interpolate-4/11, Convert and Range.
#include <cmath>
#include <limits>

#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

Attributes resize(std::string mode, std::string shape_mode = "sizes", std::string transform = "half_pixel",
                  std::string nearest = "round_prefer_floor") {
  return {{"mode", mode}, {"shape_calculation_mode", shape_mode}, {"coordinate_transformation_mode", transform},
          {"nearest_mode", nearest}};
}

// Interpolate-11 of a 1-D signal to `size` elements.
Tensor resize_1d(const Tensor& x, int64_t size, Attributes attrs) {
  return run("opset11.Interpolate", {x, ints({size}), ints({0})}, std::move(attrs));
}

TEST(OpsInterpolate, Nearest) {
  const Tensor image = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  expect_near(run("opset11.Interpolate", {image, ints({4, 4}), ints({2, 3})}, resize("nearest", "sizes", "asymmetric", "floor")),
              {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
  const Tensor row = f32({4}, {1, 2, 3, 4});
  // Downsampling by 2 with half_pixel lands exactly on .5: floor and ceil preferences differ.
  expect_near(resize_1d(row, 2, resize("nearest")), {1, 3});
  expect_near(resize_1d(row, 2, resize("nearest", "sizes", "half_pixel", "round_prefer_ceil")), {2, 4});
  expect_near(resize_1d(row, 3, resize("nearest", "sizes", "align_corners", "round_prefer_ceil")), {1, 3, 4});
  // simple: ceil when downsampling.
  expect_near(resize_1d(row, 2, resize("nearest", "sizes", "asymmetric", "simple")), {1, 3});
  expect_near(resize_1d(row, 3, resize("nearest", "sizes", "asymmetric", "simple")), {1, 3, 4});
  EXPECT_EQ(int_values(resize_1d(u8({2}, {7, 9}), 4, resize("nearest", "sizes", "asymmetric", "floor"))),
            (std::vector<int64_t>{7, 7, 9, 9}));
}

TEST(OpsInterpolate, LinearOnnxAndLinear) {
  const Tensor pair = f32({2}, {1, 2});
  expect_near(resize_1d(pair, 4, resize("linear_onnx")), {1, 1.25, 1.75, 2});
  expect_near(resize_1d(pair, 4, resize("linear")), {1, 1.25, 1.75, 2});
  expect_near(resize_1d(f32({3}, {1, 2, 3}), 5, resize("linear_onnx", "sizes", "align_corners")), {1, 1.5, 2, 2.5, 3});
  // Separable in 2-D: the middle rows blend the input rows 3:1 and 1:3.
  expect_near(run("opset11.Interpolate", {f32({1, 1, 2, 2}, {1, 2, 3, 4}), ints({4, 4}), ints({2, 3})}, resize("linear_onnx")),
              {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4});
  // Antialiased downsampling widens the triangle to 1/scale input pixels.
  Attributes antialias = resize("linear");
  antialias["antialias"] = true;
  expect_near(resize_1d(f32({4}, {1, 2, 3, 4}), 2, antialias), {3 / 1.75, 5.75 / 1.75});
}

TEST(OpsInterpolate, Cubic) {
  Attributes cubic = resize("cubic", "scales", "asymmetric");
  // Cubic convolution reproduces a ramp away from the borders...
  Tensor ramp = run("opset11.Interpolate", {f32({6}, {0, 1, 2, 3, 4, 5}), f32({1}, {2}), ints({0})}, cubic);
  ASSERT_EQ(ramp.shape(), (Shape{12}));
  EXPECT_NEAR(values(ramp)[5], 2.5, 1e-6);
  EXPECT_NEAR(values(ramp)[4], 2.0, 1e-6);
  // ...and halfway between samples weighs the four neighbours (-0.09375, 0.59375, 0.59375, -0.09375).
  Tensor bump = run("opset11.Interpolate", {f32({5}, {0, 0, 1, 0, 0}), f32({1}, {2}), ints({0})}, cubic);
  EXPECT_NEAR(values(bump)[5], 0.59375, 1e-6);
  EXPECT_NEAR(values(bump)[3], 0.59375, 1e-6);
  EXPECT_NEAR(values(bump)[7], -0.09375, 1e-6);
}

TEST(OpsInterpolate, InfersShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 10, -1});
  auto c = [&](const Tensor& t) { return constant(g, t); };
  EXPECT_EQ(out(g, make(g, "opset11.Interpolate", {x, c(f32({2}, {2.5f, 0.33f})), c(ints({2, 3}))},
                        resize("linear", "scales"))).shape,
            PartialShape({1, 3, 25, -1}));
  auto square = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 10, 10});
  EXPECT_EQ(out(g, make(g, "opset11.Interpolate", {square, c(f32({2}, {2.5f, 0.33f})), c(ints({2, 3}))},
                        resize("linear", "scales"))).shape,
            PartialShape({1, 3, 25, 3}));
  // Interpolate-4: sizes and scales are both inputs; the mode picks one. Axes default to all.
  EXPECT_EQ(out(g, make(g, "opset4.Interpolate", {x, c(ints({20, 30})), c(f32({2}, {1, 1})), c(ints({2, 3}))},
                        resize("nearest"))).shape,
            PartialShape({1, 3, 20, 30}));
  EXPECT_EQ(out(g, make(g, "opset4.Interpolate", {square, c(ints({1, 3, 5, 5})), c(f32({4}, {1, 1, 1, 1}))},
                        resize("nearest"))).shape,
            PartialShape({1, 3, 5, 5}));
  Attributes padded = resize("nearest", "scales");
  padded["pads_begin"] = std::vector<int64_t>{0, 0, 1, 1};
  padded["pads_end"] = std::vector<int64_t>{0, 0, 1};
  EXPECT_EQ(out(g, make(g, "opset11.Interpolate", {square, c(f32({2}, {1, 1})), c(ints({2, 3}))}, padded)).shape,
            PartialShape({1, 3, 12, 11}));
  auto sizes = param(g, ElementType::i64, std::vector<int64_t>{2});
  EXPECT_EQ(out(g, make(g, "opset11.Interpolate", {square, sizes, c(ints({2, 3}))}, resize("nearest"))).shape,
            PartialShape({1, 3, -1, -1}));
  expect_error([&] { make(g, "opset11.Interpolate", {square, c(f32({2}, {1, 1})), c(ints({2, 3}))}, resize("nearest")); },
               "integer");
  expect_error([&] { make(g, "opset11.Interpolate", {square, c(ints({5})), c(ints({2, 3}))}, resize("nearest")); },
               "1 values for 2 axes");
  expect_error([&] { make(g, "opset4.Interpolate", {square, c(ints({5}))}, resize("nearest")); }, "takes 3..4 inputs");
  expect_error([&] { make(g, "opset4.Interpolate", {square, c(ints({5})), c(f32({1}, {1}))}, resize("bilinear_pillow")); },
               "expected one of");
}

TEST(OpsInterpolate, PadsBeforeResampling) {
  Attributes padded = resize("nearest", "scales", "asymmetric", "floor");
  padded["pads_begin"] = std::vector<int64_t>{1};
  padded["pads_end"] = std::vector<int64_t>{1};
  expect_near(run("opset11.Interpolate", {f32({2}, {1, 2}), f32({1}, {1}), ints({0})}, padded), {0, 1, 2, 0});
  expect_near(run("opset4.Interpolate", {f32({2}, {1, 2}), ints({8}), f32({1}, {2})}, padded), {0, 0, 1, 1, 2, 2, 0, 0});
}

TEST(OpsConvert, TruncatesSaturatesAndWraps) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = f32({4}, {1.7f, -1.7f, 300, nan});
  EXPECT_EQ(int_values(run("opset1.Convert", {x}, {{"destination_type", ElementType::i32}})),
            (std::vector<int64_t>{1, -1, 300, 0}));
  EXPECT_EQ(int_values(run("opset1.Convert", {x}, {{"destination_type", ElementType::u8}})),
            (std::vector<int64_t>{1, 0, 255, 0}));
  EXPECT_EQ(int_values(run("opset1.Convert", {ints({-1, 256})}, {{"destination_type", ElementType::u8}})),
            (std::vector<int64_t>{255, 0}));
  EXPECT_EQ(int_values(run("opset1.Convert", {f32({3}, {0, 0.5f, -2})}, {{"destination_type", ElementType::boolean}})),
            (std::vector<int64_t>{0, 1, 1}));
  expect_near(run("opset1.Convert", {f32({2}, {1.7f, 300})}, {{"destination_type", std::string("f16")}}),
              {1.7001953125, 300});
  expect_near(run("opset1.Convert", {i32({2}, {-3, 7})}, {{"destination_type", ElementType::f64}}), {-3, 7});
  Graph g;
  auto p = param(g, ElementType::f32, std::vector<int64_t>{-1, 2});
  const auto& info = out(g, make(g, "opset1.Convert", {p}, {{"destination_type", ElementType::i64}}));
  EXPECT_EQ(info.type, ElementType::i64);
  EXPECT_EQ(info.shape, PartialShape({-1, 2}));
  expect_error([&] { make(g, "opset1.Convert", {p}, {{"destination_type", ElementType::dynamic}}); }, "concrete");
}

Tensor range(const Tensor& start, const Tensor& stop, const Tensor& step, ElementType type) {
  return run("opset4.Range", {start, stop, step}, {{"output_type", type}});
}

TEST(OpsRange, GeneratesSequences) {
  EXPECT_EQ(int_values(range(scalar(2), scalar(23), scalar(3), ElementType::i32)),
            (std::vector<int64_t>{2, 5, 8, 11, 14, 17, 20}));
  EXPECT_EQ(int_values(range(scalar(23), scalar(2), scalar(-3), ElementType::i64)),
            (std::vector<int64_t>{23, 20, 17, 14, 11, 8, 5}));
  expect_near(range(scalar_f32(1), scalar_f32(2.5f), scalar_f32(0.5f), ElementType::f32), {1, 1.5, 2});
  // Integer output truncates the inputs first: [0.5, 3.7) by 1 -> [0, 3).
  EXPECT_EQ(int_values(range(scalar_f32(0.5f), scalar_f32(3.7f), scalar_f32(1), ElementType::i32)),
            (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(range(scalar(5), scalar(1), scalar(1), ElementType::i64).shape(), (Shape{0}));
  expect_error([] { range(scalar(0), scalar(5), scalar(0), ElementType::i64); }, "step must not be zero");
  expect_error([] { range(scalar_f32(0), scalar_f32(1), scalar_f32(0.5f), ElementType::i64); }, "step must not be zero");
  expect_error([] { range(scalar(0), scalar(1), scalar(1), ElementType::boolean); }, "numeric");
  Graph g;
  auto start = param(g, ElementType::i64, std::vector<int64_t>{});
  auto c = constant(g, scalar(1));
  EXPECT_EQ(out(g, make(g, "opset4.Range", {start, c, c}, {{"output_type", ElementType::i64}})).shape, PartialShape({-1}));
  expect_error([&] { make(g, "opset4.Range", {constant(g, ints({1, 2})), c, c}, {{"output_type", ElementType::i64}}); },
               "must be a scalar");
}

}  // namespace
}  // namespace remo
