// ConvolutionBackpropData, GroupConvolutionBackpropData, MaxPool-14/AvgPool-14 ceil_torch, LRN,
// DeformableConvolution, ROIPooling, GridSample, Col2Im, DFT/IDFT/RDFT/IRDFT and STFT.
#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

Attributes deconv_attrs(std::vector<int64_t> strides, std::vector<int64_t> pads_begin, std::vector<int64_t> pads_end,
                        std::vector<int64_t> output_padding = {}, std::string auto_pad = "explicit") {
  std::vector<int64_t> ones(strides.size(), 1);
  return {{"strides", strides}, {"dilations", ones}, {"pads_begin", pads_begin}, {"pads_end", pads_end},
          {"output_padding", output_padding}, {"auto_pad", auto_pad}};
}

TEST(OpsDeconvolution, InfersOutputShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 4, 5, 5});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{4, 8, 3, 3});
  // 2 * (5 - 1) + 3 - 1 - 0 + 1 = 11
  EXPECT_EQ(out(g, make(g, "opset1.ConvolutionBackpropData", {x, w}, deconv_attrs({2, 2}, {1, 1}, {0, 0}, {1, 0}))).shape,
            PartialShape({1, 8, 11, 10}));
  auto target = constant(g, ints({12, 9}));
  EXPECT_EQ(out(g, make(g, "opset1.ConvolutionBackpropData", {x, w, target},
                        deconv_attrs({2, 2}, {0, 0}, {0, 0}, {}, "same_upper"))).shape,
            PartialShape({1, 8, 12, 9}));
  auto gw = param(g, ElementType::f32, std::vector<int64_t>{2, 2, 3, 3, 3});
  EXPECT_EQ(out(g, make(g, "opset1.GroupConvolutionBackpropData", {x, gw}, deconv_attrs({1, 1}, {0, 0}, {0, 0}))).shape,
            PartialShape({1, 6, 7, 7}));
  auto dyn = param(g, ElementType::f32, std::vector<int64_t>{-1, 4, -1, 5});
  EXPECT_EQ(out(g, make(g, "opset1.ConvolutionBackpropData", {dyn, w}, deconv_attrs({1, 1}, {0, 0}, {0, 0}))).shape,
            PartialShape({-1, 8, -1, 7}));
}

TEST(OpsDeconvolution, RejectsInconsistentInputs) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 4, 5, 5});
  auto w3 = param(g, ElementType::f32, std::vector<int64_t>{3, 8, 3, 3});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{4, 8, 3, 3});
  expect_error([&] { make(g, "opset1.ConvolutionBackpropData", {x, w3}, deconv_attrs({1, 1}, {0, 0}, {0, 0})); },
               "4 channels");
  expect_error([&] { make(g, "opset1.ConvolutionBackpropData", {x, w}, deconv_attrs({1, 1}, {4, 4}, {4, 4})); },
               "leave no output");
  expect_error([&] { make(g, "opset1.ConvolutionBackpropData", {x, w, constant(g, ints({3}))},
                          deconv_attrs({1, 1}, {0, 0}, {0, 0})); },
               "output_shape has 1 values");
}

TEST(OpsDeconvolution, ScattersThroughTheKernel) {
  // 1-D: x = [1, 2], w = [1, 10, 100], stride 2 -> [1, 10, 102, 20, 200]; pads 1/1 crop the ends.
  const Tensor x = f32({1, 1, 2}, {1, 2});
  const Tensor w = f32({1, 1, 3}, {1, 10, 100});
  expect_near(run("opset1.ConvolutionBackpropData", {x, w}, deconv_attrs({2}, {0}, {0})), {1, 10, 102, 20, 200});
  expect_near(run("opset1.ConvolutionBackpropData", {x, w}, deconv_attrs({2}, {1}, {1}, {1})), {10, 102, 20, 200});
  // output_shape 4 of natural 5: same_upper crops the start, same_lower the end
  expect_near(run("opset1.ConvolutionBackpropData", {x, w, ints({4})}, deconv_attrs({2}, {0}, {0}, {}, "same_upper")),
              {10, 102, 20, 200});
  expect_near(run("opset1.ConvolutionBackpropData", {x, w, ints({4})}, deconv_attrs({2}, {0}, {0}, {}, "same_lower")),
              {1, 10, 102, 20});
  // groups: each channel uses its own kernel
  const Tensor x2 = f32({1, 2, 1}, {1, 2});
  const Tensor gw = f32({2, 1, 1, 2}, {1, 2, 3, 4});
  expect_near(run("opset1.GroupConvolutionBackpropData", {x2, gw}, deconv_attrs({1}, {0}, {0})), {1, 2, 6, 8});
}

TEST(OpsPooling, CeilTorchDropsAWindowStartingInThePadding) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 1, 4, 4});
  Attributes a{{"kernel", std::vector<int64_t>{1, 1}}, {"strides", std::vector<int64_t>{2, 2}},
               {"pads_begin", std::vector<int64_t>{0, 0}}, {"pads_end", std::vector<int64_t>{1, 1}},
               {"exclude-pad", true}, {"rounding_type", std::string("ceil")}};
  EXPECT_EQ(out(g, make(g, "opset14.AvgPool", {x}, a)).shape, PartialShape({1, 1, 3, 3}));
  a["rounding_type"] = std::string("ceil_torch");
  EXPECT_EQ(out(g, make(g, "opset14.AvgPool", {x}, a)).shape, PartialShape({1, 1, 2, 2}));
  expect_error([&] { make(g, "opset1.AvgPool", {x}, a); }, "expected one of: floor, ceil");
}

TEST(OpsLrn, NormalizesAcrossChannels) {
  Attributes a{{"alpha", 3.0}, {"beta", 1.0}, {"bias", 1.0}, {"size", int64_t{3}}};
  // channels [1, 2, 3]: squares summed over neighbours 5, 14, 13; y = x / (1 + 3/3 * sum)
  expect_near(run("opset1.LRN", {f32({1, 3, 1}, {1, 2, 3}), ints({1})}, a), {1.0 / 6, 2.0 / 15, 3.0 / 14});
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 4});
  expect_error([&] { make(g, "opset1.LRN", {x, constant(g, ints({3}))}, a); }, "axes");
}

TEST(OpsSampling, GridSampleAndCol2ImShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 8, 8});
  auto grid = param(g, ElementType::f32, std::vector<int64_t>{2, 4, 5, 2});
  EXPECT_EQ(out(g, make(g, "opset9.GridSample", {x, grid})).shape, PartialShape({2, 3, 4, 5}));
  auto bad = param(g, ElementType::f32, std::vector<int64_t>{3, 4, 5, 2});
  expect_error([&] { make(g, "opset9.GridSample", {x, bad}); }, "batch size");
  // bilinear at the center of a 2x2 image averages its pixels
  expect_near(run("opset9.GridSample", {f32({1, 1, 2, 2}, {1, 2, 3, 4}), f32({1, 1, 1, 2}, {0, 0})}), {2.5});

  auto cols = param(g, ElementType::f32, std::vector<int64_t>{1, 12, 9});
  auto size = constant(g, ints({4, 4}));
  auto kernel = constant(g, ints({2, 2}));
  EXPECT_EQ(out(g, make(g, "opset15.Col2Im", {cols, size, kernel})).shape, PartialShape({1, 3, 4, 4}));
  auto wrong = param(g, ElementType::f32, std::vector<int64_t>{1, 12, 8});
  expect_error([&] { make(g, "opset15.Col2Im", {wrong, size, kernel}); }, "the output size and window give 9");
  // overlapping 2x2 windows over a 2x3 image add up where they overlap
  expect_near(run("opset15.Col2Im", {f32({4, 2}, {1, 1, 1, 1, 1, 1, 1, 1}), ints({2, 3}), ints({2, 2})}),
              {1, 2, 1, 1, 2, 1});
}

TEST(OpsSignal, TransformShapes) {
  Graph g;
  auto complex = param(g, ElementType::f32, std::vector<int64_t>{2, 10, 6, 2});
  auto real = param(g, ElementType::f32, std::vector<int64_t>{2, 10, 6});
  auto axes = constant(g, ints({0, 1}));
  EXPECT_EQ(out(g, make(g, "opset7.DFT", {complex, axes, constant(g, ints({-1, 8}))})).shape,
            PartialShape({2, 8, 6, 2}));
  EXPECT_EQ(out(g, make(g, "opset9.RDFT", {real, constant(g, ints({1, 2}))})).shape, PartialShape({2, 10, 4, 2}));
  EXPECT_EQ(out(g, make(g, "opset9.IRDFT", {complex, constant(g, ints({-1}))})).shape, PartialShape({2, 10, 10}));
  expect_error([&] { make(g, "opset7.DFT", {real, axes}); }, "must be complex");
  auto signal = param(g, ElementType::f32, std::vector<int64_t>{3, 100});
  auto window = param(g, ElementType::f32, std::vector<int64_t>{16});
  EXPECT_EQ(out(g, make(g, "opset15.STFT", {signal, window, constant(g, scalar(16)), constant(g, scalar(8))})).shape,
            PartialShape({3, 11, 9, 2}));
}

TEST(OpsSignal, TransformsRoundTrip) {
  // DFT of [1, 0, 0, 0] is flat; RDFT keeps bins 0..2; IRDFT brings the signal back.
  const Tensor impulse = f32({4, 2}, {1, 0, 0, 0, 0, 0, 0, 0});
  expect_near(run("opset7.DFT", {impulse, ints({0})}), {1, 0, 1, 0, 1, 0, 1, 0});
  const Tensor signal = f32({4}, {1, 2, 3, 4});
  const Tensor spectrum = run("opset9.RDFT", {signal, ints({0})});
  expect_near(spectrum, {10, 0, -2, 2, -2, 0});
  expect_near(run("opset9.IRDFT", {spectrum, ints({0})}), {1, 2, 3, 4});
  expect_near(run("opset7.IDFT", {run("opset7.DFT", {f32({2, 2}, {1, 2, 3, 4}), ints({0})}), ints({0})}), {1, 2, 3, 4});
}

Attributes deformable_attrs(int64_t group = 1, int64_t deformable_group = 1, bool pad = true) {
  return {{"strides", std::vector<int64_t>{1, 1}}, {"dilations", std::vector<int64_t>{1, 1}},
          {"pads_begin", std::vector<int64_t>{0, 0}}, {"pads_end", std::vector<int64_t>{0, 0}},
          {"group", group}, {"deformable_group", deformable_group}, {"bilinear_interpolation_pad", pad}};
}

TEST(OpsDeformable, InfersAndChecksShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 4, 6, 6});
  auto off = param(g, ElementType::f32, std::vector<int64_t>{1, 36, 4, 4});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{8, 2, 3, 3});
  EXPECT_EQ(out(g, make(g, "opset8.DeformableConvolution", {x, off, w}, deformable_attrs(2, 2))).shape,
            PartialShape({1, 8, 4, 4}));
  expect_error([&] { make(g, "opset8.DeformableConvolution", {x, off, w}, deformable_attrs(1, 2)); }, "expect 2");
  expect_error([&] { make(g, "opset8.DeformableConvolution", {x, off, w}, deformable_attrs(2, 1)); }, "18 channels");
}

TEST(OpsDeformable, SamplesAtShiftedTaps) {
  // 1x1 kernel of weight 1 over a 1x2 image [10, 20]: x offsets 0.5 and 0 sample 15 and 20;
  // an offset of 1.5 lands half a pixel past the border: 10 with the zero padding, 0 without.
  const Tensor x = f32({1, 1, 1, 2}, {10, 20});
  const Tensor w = f32({1, 1, 1, 1}, {1});
  const Tensor off = f32({1, 2, 1, 2}, {0, 0, 0.5, 0});
  expect_near(run("opset8.DeformableConvolution", {x, off, w}, deformable_attrs()), {15, 20});
  const Tensor past = f32({1, 2, 1, 2}, {0, 0, 1.5, 0});
  expect_near(run("opset8.DeformableConvolution", {x, past, w}, deformable_attrs()), {10, 20});
  expect_near(run("opset8.DeformableConvolution", {x, past, w}, deformable_attrs(1, 1, false)), {0, 20});
  const Tensor mask = f32({1, 1, 1, 2}, {0.5, 2});
  expect_near(run("opset8.DeformableConvolution", {x, off, w, mask}, deformable_attrs()), {7.5, 40});
}

TEST(OpsRoiPooling, PoolsEachBoxIntoAFixedGrid) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 3, 8, 8});
  auto boxes = param(g, ElementType::f32, std::vector<int64_t>{5, 5});
  Attributes a{{"pooled_h", int64_t{2}}, {"pooled_w", int64_t{3}}, {"spatial_scale", 1.0}};
  EXPECT_EQ(out(g, make(g, "opset2.ROIPooling", {x, boxes}, a)).shape, PartialShape({5, 3, 2, 3}));
  auto bad = param(g, ElementType::f32, std::vector<int64_t>{5, 4});
  expect_error([&] { make(g, "opset2.ROIPooling", {x, bad}, a); }, "[num_rois, 5]");
  // one box over the whole 2x2 map, one bin: its maximum
  const Tensor map = f32({1, 1, 2, 2}, {1, 4, 3, 2});
  Attributes one{{"pooled_h", int64_t{1}}, {"pooled_w", int64_t{1}}, {"spatial_scale", 1.0}};
  expect_near(run("opset2.ROIPooling", {map, f32({1, 5}, {0, 0, 0, 1, 1})}, one), {4});
  expect_error([&] { run("opset2.ROIPooling", {map, f32({1, 5}, {3, 0, 0, 1, 1})}, one); }, "names batch 3");
}

}  // namespace
}  // namespace remo
