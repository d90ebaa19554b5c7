// Convolution, GroupConvolution, MaxPool-1/8 and AvgPool.
#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

Attributes conv_attrs(std::vector<int64_t> strides, std::vector<int64_t> pads, std::string auto_pad = "explicit",
                      std::vector<int64_t> dilations = {}) {
  if (dilations.empty()) dilations.assign(strides.size(), 1);
  return {{"strides", strides}, {"dilations", dilations}, {"pads_begin", pads}, {"pads_end", pads},
          {"auto_pad", auto_pad}};
}

Attributes pool_attrs(std::vector<int64_t> kernel, std::vector<int64_t> strides, std::vector<int64_t> pads,
                      std::string rounding = "floor", std::string auto_pad = "explicit") {
  return {{"kernel", kernel}, {"strides", strides}, {"pads_begin", pads}, {"pads_end", pads},
          {"rounding_type", rounding}, {"auto_pad", auto_pad}};
}

const Tensor kImage = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});

TEST(OpsConvolution, InfersOutputShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 224, 224});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{64, 3, 7, 7});
  EXPECT_EQ(out(g, make(g, "opset1.Convolution", {x, w}, conv_attrs({2, 2}, {3, 3}))).shape,
            PartialShape({1, 64, 112, 112}));
  auto dyn = param(g, ElementType::f32, std::vector<int64_t>{-1, 3, -1, 10});
  auto w3 = param(g, ElementType::f32, std::vector<int64_t>{8, 3, 3, 3});
  EXPECT_EQ(out(g, make(g, "opset1.Convolution", {dyn, w3}, conv_attrs({1, 1}, {0, 0}))).shape,
            PartialShape({-1, 8, -1, 8}));
  auto five = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 5, 5});
  EXPECT_EQ(out(g, make(g, "opset1.Convolution", {five, w3}, conv_attrs({2, 2}, {0, 0}, "same_upper"))).shape,
            PartialShape({1, 8, 3, 3}));
  EXPECT_EQ(out(g, make(g, "opset1.Convolution", {five, w3}, conv_attrs({2, 2}, {}, "valid"))).shape,
            PartialShape({1, 8, 2, 2}));
  auto seven = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 7, 7});
  EXPECT_EQ(out(g, make(g, "opset1.Convolution", {seven, w3}, conv_attrs({1, 1}, {0, 0}, "explicit", {2, 2}))).shape,
            PartialShape({1, 8, 3, 3}));
  auto any = param(g, ElementType::f32, PartialShape::dynamic_rank());
  EXPECT_EQ(out(g, make(g, "opset1.Convolution", {any, w3}, conv_attrs({1, 1}, {0, 0}))).shape,
            PartialShape({-1, 8, -1, -1}));
}

TEST(OpsConvolution, RejectsInconsistentInputs) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 8, 8});
  auto w4 = param(g, ElementType::f32, std::vector<int64_t>{8, 4, 3, 3});
  auto w3d = param(g, ElementType::f32, std::vector<int64_t>{8, 3, 3});
  auto big = param(g, ElementType::f32, std::vector<int64_t>{8, 3, 9, 9});
  auto wh = param(g, ElementType::f16, std::vector<int64_t>{8, 3, 3, 3});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{8, 3, 3, 3});
  expect_error([&] { make(g, "opset1.Convolution", {x, w4}, conv_attrs({1, 1}, {0, 0})); }, "3 channels");
  expect_error([&] { make(g, "opset1.Convolution", {x, w3d}, conv_attrs({1, 1}, {0, 0})); }, "must have rank 4");
  expect_error([&] { make(g, "opset1.Convolution", {x, big}, conv_attrs({1, 1}, {0, 0})); }, "larger than the padded input");
  expect_error([&] { make(g, "opset1.Convolution", {x, wh}, conv_attrs({1, 1}, {0, 0})); }, "same element type");
  expect_error([&] { make(g, "opset1.Convolution", {x, w}, conv_attrs({1}, {0, 0})); }, "strides has 1 values, expected 2");
  expect_error([&] { make(g, "opset1.Convolution", {x, w}, {{"strides", std::vector<int64_t>{1, 1}}}); },
               "missing required attribute");
}

TEST(OpsConvolution, EvaluatesSmallCases) {
  const Tensor w = f32({1, 1, 2, 2}, {1, 2, 3, 4});
  expect_near(run("opset1.Convolution", {kImage, w}, conv_attrs({1, 1}, {0, 0})), {37, 47, 67, 77});
  // Padding 1 and stride 2: the corner windows see mostly zeros.
  expect_near(run("opset1.Convolution", {kImage, w}, conv_attrs({2, 2}, {1, 1})), {4, 18, 36, 77});
  // 1x1 convolution mixing two channels into two outputs.
  expect_near(run("opset1.Convolution", {f32({1, 2, 1, 2}, {1, 2, 3, 4}), f32({2, 2, 1, 1}, {1, 1, 1, -1})},
                  conv_attrs({1, 1}, {0, 0})),
              {4, 6, -2, -2});
  // 1-D with dilation 2.
  expect_near(run("opset1.Convolution", {f32({1, 1, 4}, {1, 2, 3, 4}), f32({1, 1, 2}, {1, 1})},
                  conv_attrs({1}, {0}, "explicit", {2})),
              {4, 6});
  // An even kernel with same_upper pads at the end, same_lower at the beginning.
  const Tensor row = f32({1, 1, 3}, {1, 2, 3}), pair = f32({1, 1, 2}, {1, 1});
  expect_near(run("opset1.Convolution", {row, pair}, conv_attrs({1}, {0}, "same_upper")), {3, 5, 3});
  expect_near(run("opset1.Convolution", {row, pair}, conv_attrs({1}, {0}, "same_lower")), {1, 3, 5});
  // 3-D and integer data.
  expect_near(run("opset1.Convolution", {f32({1, 1, 2, 1, 1}, {2, 3}), f32({1, 1, 2, 1, 1}, {10, 1})},
                  conv_attrs({1, 1, 1}, {0, 0, 0})),
              {23});
  EXPECT_EQ(int_values(run("opset1.Convolution", {i32({1, 1, 1, 3}, {1, 2, 3}), i32({1, 1, 1, 2}, {1, -1})},
                           conv_attrs({1, 1}, {0, 0}))),
            (std::vector<int64_t>{-1, -1}));
}

TEST(OpsGroupConvolution, InfersAndEvaluates) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 4, 5, 5});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 2, 3, 3});
  EXPECT_EQ(out(g, make(g, "opset1.GroupConvolution", {x, w}, conv_attrs({1, 1}, {0, 0}))).shape,
            PartialShape({1, 6, 3, 3}));
  auto bad = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 3, 3, 3});
  expect_error([&] { make(g, "opset1.GroupConvolution", {x, bad}, conv_attrs({1, 1}, {0, 0})); }, "expect 6");
  // Depthwise: each channel scaled by its own weight.
  expect_near(run("opset1.GroupConvolution", {f32({1, 2, 1, 2}, {1, 2, 3, 4}), f32({2, 1, 1, 1, 1}, {2, 3})},
                  conv_attrs({1, 1}, {0, 0})),
              {2, 4, 9, 12});
  // Two groups of two input channels each, one output channel per group.
  expect_near(run("opset1.GroupConvolution",
                  {f32({1, 4, 1, 1}, {1, 2, 3, 4}), f32({2, 1, 2, 1, 1}, {1, 10, 1, 100})}, conv_attrs({1, 1}, {0, 0})),
              {21, 403});
}

TEST(OpsMaxPool, InfersShapesWithRoundingAndAutoPad) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 32, 32});
  EXPECT_EQ(out(g, make(g, "opset1.MaxPool", {x}, pool_attrs({2, 2}, {2, 2}, {1, 1}))).shape, PartialShape({1, 3, 17, 17}));
  auto five = param(g, ElementType::f32, std::vector<int64_t>{1, 1, 5, -1});
  EXPECT_EQ(out(g, make(g, "opset1.MaxPool", {five}, pool_attrs({2, 2}, {2, 2}, {0, 0}))).shape, PartialShape({1, 1, 2, -1}));
  EXPECT_EQ(out(g, make(g, "opset1.MaxPool", {five}, pool_attrs({2, 2}, {2, 2}, {0, 0}, "ceil"))).shape,
            PartialShape({1, 1, 3, -1}));
  EXPECT_EQ(out(g, make(g, "opset1.MaxPool", {five}, pool_attrs({3, 3}, {2, 2}, {0, 0}, "floor", "same_lower"))).shape,
            PartialShape({1, 1, 3, -1}));
  expect_error([&] { make(g, "opset1.MaxPool", {x}, pool_attrs({2}, {2}, {0})); }, "must have rank 3");
  expect_error([&] { make(g, "opset1.MaxPool", {x}, pool_attrs({40, 40}, {1, 1}, {0, 0})); }, "larger than the padded");
  Attributes v8 = pool_attrs({2, 2}, {1, 1}, {0, 0});
  v8["dilations"] = std::vector<int64_t>{1, 1};
  Node& pool = make(g, "opset8.MaxPool", {x}, v8);
  EXPECT_EQ(out(g, pool, 1).type, ElementType::i64);
  EXPECT_EQ(out(g, pool, 1).shape, PartialShape({1, 3, 31, 31}));
  v8["index_element_type"] = ElementType::f32;
  expect_error([&] { make(g, "opset8.MaxPool", {x}, v8); }, "index_element_type");
  v8["index_element_type"] = ElementType::i32;
  v8["axis"] = int64_t{4};
  expect_error([&] { make(g, "opset8.MaxPool", {x}, v8); }, "out of range");
}

std::vector<Tensor> max_pool8(const Tensor& x, Attributes attrs, std::vector<int64_t> dilations = {1, 1}, int64_t axis = 0) {
  attrs["dilations"] = dilations;
  attrs["axis"] = axis;
  return run_all("opset8.MaxPool", {x}, attrs);
}

TEST(OpsMaxPool, EvaluatesTheSpecExamples) {
  const Tensor x = f32({1, 1, 3, 3}, {-1, 2, 3, 4, 5, -6, -7, 8, 9});
  // The spec's example 1 lists -6 (index 5) at row 1, column 3, but that window covers {3, -6}.
  auto padded = max_pool8(x, pool_attrs({2, 2}, {1, 1}, {1, 1}));
  expect_near(padded[0], {-1, 2, 3, 3, 4, 5, 5, 3, 4, 8, 9, 9, -7, 8, 9, 9});
  EXPECT_EQ(int_values(padded[1]), (std::vector<int64_t>{0, 1, 2, 2, 3, 4, 4, 2, 3, 7, 8, 8, 6, 7, 8, 8}));
  auto ceil_valid = max_pool8(x, pool_attrs({2, 2}, {2, 2}, {0, 0}, "ceil", "valid"));
  expect_near(ceil_valid[0], {5, 3, 8, 9});
  EXPECT_EQ(int_values(ceil_valid[1]), (std::vector<int64_t>{4, 2, 7, 8}));
  auto lower = max_pool8(x, pool_attrs({2, 2}, {1, 1}, {0, 0}, "floor", "same_lower"));
  expect_near(lower[0], {-1, 2, 3, 4, 5, 5, 4, 8, 9});
  const Tensor two = f32({1, 2, 3, 3}, {-1, 2, 3, 4, 5, -6, -7, 8, 9, 2, -1, 5, 6, -7, 1, 8, 2, -3});
  auto upper = max_pool8(two, pool_attrs({2, 2}, {1, 1}, {0, 0}, "floor", "same_upper"));
  expect_near(upper[0], {5, 5, 3, 8, 9, 9, 8, 9, 9, 6, 5, 5, 8, 2, 1, 8, 2, -3});
  EXPECT_EQ(int_values(upper[1]), (std::vector<int64_t>{4, 4, 2, 7, 8, 8, 7, 8, 8, 12, 11, 11, 15, 16, 14, 15, 16, 17}));
  // axis = 2 counts indices within each channel.
  auto per_channel = max_pool8(two, pool_attrs({2, 2}, {1, 1}, {0, 0}), {1, 1}, 2);
  EXPECT_EQ(int_values(per_channel[1]), (std::vector<int64_t>{4, 4, 7, 8, 3, 2, 6, 7}));
  const Tensor seq = f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto dilated = max_pool8(seq, pool_attrs({2, 2}, {1, 1}, {1, 1}), {2, 2});
  expect_near(dilated[0], {5, 6, 5, 8, 9, 8, 5, 6, 5});
  EXPECT_EQ(int_values(dilated[1]), (std::vector<int64_t>{4, 5, 4, 7, 8, 7, 4, 5, 4}));
}

TEST(OpsMaxPool, CeilRoundingInMaxPool1) {
  expect_near(run("opset1.MaxPool", {kImage}, pool_attrs({2, 2}, {2, 2}, {0, 0}, "ceil")), {5, 6, 8, 9});
  expect_near(run("opset1.MaxPool", {kImage}, pool_attrs({2, 2}, {2, 2}, {0, 0})), {5});
  EXPECT_EQ(int_values(run("opset1.MaxPool", {u8({1, 1, 4}, {3, 9, 1, 7})}, pool_attrs({2}, {2}, {0}))),
            (std::vector<int64_t>{9, 7}));
}

TEST(OpsAvgPool, ExcludePadAndCeil) {
  auto attrs = [](std::vector<int64_t> pads, bool exclude, std::string rounding = "floor") {
    Attributes a = pool_attrs({2, 2}, {2, 2}, pads, rounding);
    a["exclude-pad"] = exclude;
    return a;
  };
  Attributes unit = pool_attrs({2, 2}, {1, 1}, {0, 0});
  unit["exclude-pad"] = true;
  expect_near(run("opset1.AvgPool", {kImage}, unit), {3, 4, 6, 7});
  expect_near(run("opset1.AvgPool", {kImage}, attrs({1, 1}, true)), {1, 2.5, 5.5, 7});
  expect_near(run("opset1.AvgPool", {kImage}, attrs({1, 1}, false)), {0.25, 1.25, 2.75, 7});
  // Without padding the ceil windows that run off the input average what they cover.
  expect_near(run("opset1.AvgPool", {kImage}, attrs({0, 0}, false, "ceil")), {3, 4.5, 7.5, 9});
  Attributes one_d = pool_attrs({2}, {2}, {0});
  one_d["exclude-pad"] = true;
  EXPECT_EQ(int_values(run("opset1.AvgPool", {u8({1, 1, 4}, {1, 2, 4, 7})}, one_d)), (std::vector<int64_t>{2, 6}));
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, -1, 8});
  EXPECT_EQ(out(g, make(g, "opset1.AvgPool", {x}, attrs({0, 0}, true))).shape, PartialShape({1, 3, -1, 4}));
}

}  // namespace
}  // namespace remo
