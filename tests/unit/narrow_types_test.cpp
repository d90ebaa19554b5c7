// Element types narrower than a byte or than f16: names, packing, float8/float4 rounding, and the
// element-wise math ops added with them (trigonometry, bitwise, remainders, rounding, class tests).
#include <gtest/gtest.h>

#include <cmath>

#include "engine/graph/narrow_float.h"
#include "engine/ir/ir_reader.h"
#include "engine/ir/ir_writer.h"
#include "tests/unit/ops_test_helpers.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace test;

Tensor typed(ElementType type, Shape shape, const std::vector<double>& values) {
  std::vector<uint8_t> bytes(byte_size(type, values.size()));
  for (size_t i = 0; i < values.size(); ++i) write_from_double(type, bytes.data(), i, values[i]);
  return Tensor::from_bytes(type, std::move(shape), std::move(bytes));
}

TEST(NarrowTypes, NamesAndWidthsFollowTheIr) {
  const std::vector<std::tuple<ElementType, std::string, std::string, size_t>> cases = {
      {ElementType::u2, "u2", "u2", 2},          {ElementType::u3, "u3", "u3", 3},
      {ElementType::u6, "u6", "u6", 6},          {ElementType::nf4, "nf4", "NF4", 4},
      {ElementType::f8e4m3, "f8e4m3", "F8E4M3", 8}, {ElementType::f8e5m2, "f8e5m2", "F8E5M2", 8},
      {ElementType::f4e2m1, "f4e2m1", "F4E2M1", 4}, {ElementType::f8e8m0, "f8e8m0", "F8E8M0", 8}};
  for (const auto& [type, name, precision, bits] : cases) {
    EXPECT_EQ(type_name(type), name);
    EXPECT_EQ(precision_name(type), precision);
    EXPECT_EQ(bit_width(type), bits);
    EXPECT_EQ(parse_element_type(name), type);
  }
  EXPECT_TRUE(is_floating(ElementType::f8e4m3));
  EXPECT_TRUE(is_integral(ElementType::u2));
  EXPECT_FALSE(is_signed(ElementType::u6));
  EXPECT_FALSE(has_element_access(ElementType::nf4));
  EXPECT_EQ(byte_size(ElementType::u2, 5), 2u);
}

TEST(NarrowTypes, FourAndTwoBitValuesPackLowBitsFirst) {
  Tensor i4 = typed(ElementType::i4, {3}, {1, -2, 7});
  EXPECT_EQ(i4.byte_count(), 2u);
  EXPECT_EQ(i4.bytes()[0], 0xE1);
  EXPECT_EQ(i4.bytes()[1], 0x07);
  EXPECT_EQ(i4.to_int64(), (std::vector<int64_t>{1, -2, 7}));
  Tensor u2 = typed(ElementType::u2, {4}, {1, 2, 3, 1});
  EXPECT_EQ(u2.bytes()[0], 0x79);
  Tensor f4 = typed(ElementType::f4e2m1, {4}, {1, 2, 3, 1});
  EXPECT_EQ(f4.bytes()[0], 0x42);
  EXPECT_EQ(f4.bytes()[1], 0x25);
  EXPECT_EQ(f4.to_double(), (std::vector<double>{1, 2, 3, 1}));
}

TEST(NarrowTypes, Float8RoundsToNearestEven) {
  // The bit patterns OpenVINO gives the same values.
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, 1.0), 0x38);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, 448.0), 0x7E);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, 1000.0), 0x7F);  // NaN: no infinities
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, 1000.0, true), 0x7E);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, 0.3), 0x2A);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, -2.0), 0xC0);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e5m2, 1000.0), 0x64);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e5m2, 1e6), 0x7C);  // infinity
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e5m2, 0.3), 0x35);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e8m0, 448.0), 136);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e8m0, 0.3), 125);
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f4e2m1, 100.0), 0x7);  // saturates at 6
  // Subnormals: the smallest e4m3 value is 2^-9.
  EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, std::ldexp(1.0, -9)), 0x01);
  EXPECT_EQ(narrow_float_to_double(NarrowFloat::f8e4m3, 0x01), std::ldexp(1.0, -9));
  EXPECT_TRUE(std::isnan(narrow_float_to_double(NarrowFloat::f8e4m3, 0xFF)));
  EXPECT_TRUE(std::isinf(narrow_float_to_double(NarrowFloat::f8e5m2, 0xFC)));
  EXPECT_EQ(narrow_float_to_double(NarrowFloat::f4e2m1, 0xF), -6.0);
  // Every e4m3 pattern that is a number survives a round trip.
  for (int bits = 0; bits < 256; ++bits) {
    const double v = narrow_float_to_double(NarrowFloat::f8e4m3, static_cast<uint8_t>(bits));
    if (!std::isnan(v)) {
      EXPECT_EQ(double_to_narrow_float(NarrowFloat::f8e4m3, v), bits) << bits;
    }
  }
}

TEST(NarrowTypes, ConvertToAndFromFloat8AndInt4) {
  Tensor y = run("opset1.Convert", {f32({3}, {0.3f, -2.f, 1000.f})}, {{"destination_type", ElementType::f8e5m2}});
  EXPECT_EQ(y.type(), ElementType::f8e5m2);
  EXPECT_EQ(values(y), (std::vector<double>{0.3125, -2, 1024}));
  Tensor back = run("opset1.Convert", {y}, {{"destination_type", ElementType::f32}});
  EXPECT_EQ(values(back), (std::vector<double>{0.3125, -2, 1024}));
  Tensor i4 = run("opset1.Convert", {i32({2}, {7, -8})}, {{"destination_type", ElementType::i4}});
  EXPECT_EQ(int_values(i4), (std::vector<int64_t>{7, -8}));
}

TEST(NarrowTypes, ConstantsRoundTripThroughTheIr) {
  Graph g;
  const std::vector<Tensor> tensors = {typed(ElementType::i4, {3}, {1, -2, 7}),
                                       typed(ElementType::u2, {5}, {0, 1, 2, 3, 1}),
                                       typed(ElementType::f8e4m3, {2}, {0.3125, -448}),
                                       typed(ElementType::f4e2m1, {3}, {0.5, -6, 3})};
  for (const Tensor& t : tensors) make_op(g, "opset1.Result", {constant(g, t)}, {}, g.unique_name("out"));
  testing_support::ScratchDir dir;
  write_ir(g, dir.path().string(), IrWriteOptions{"narrow", {}});
  const std::string xml = testing_support::slurp(dir.path() / "narrow.xml");
  EXPECT_NE(xml.find("element_type=\"f8e4m3\""), std::string::npos);
  EXPECT_NE(xml.find("precision=\"F8E4M3\""), std::string::npos);
  EXPECT_NE(xml.find("precision=\"u2\""), std::string::npos);
  IrModel back = read_ir((dir.path() / "narrow.xml").string());
  ASSERT_EQ(back.graph->results().size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Node& result = back.graph->at(back.graph->results()[i]);
    const Tensor& t = back.graph->at(result.input(0).node).attr<Tensor>("value");
    EXPECT_EQ(t.type(), tensors[i].type());
    EXPECT_EQ(t.byte_count(), tensors[i].byte_count());
    EXPECT_EQ(t.to_double(), tensors[i].to_double());
  }
}

TEST(MathOps, Trigonometry) {
  expect_near(run("opset1.Sin", {f32({2}, {0.f, 1.5707964f})}), {0, 1});
  expect_near(run("opset1.Acos", {f32({1}, {1.f})}), {0});
  expect_near(run("opset4.Atanh", {f32({1}, {0.5f})}), {std::atanh(0.5)});
  expect_near(run("opset1.Cosh", {f32({1}, {1.f})}), {std::cosh(1.0)});
}

TEST(MathOps, BitwiseAndShifts) {
  EXPECT_EQ(int_values(run("opset13.BitwiseAnd", {i32({2}, {12, -1}), i32({2}, {10, 5})})), (std::vector<int64_t>{8, 5}));
  EXPECT_EQ(int_values(run("opset13.BitwiseNot", {u8({2}, {0, 15})})), (std::vector<int64_t>{255, 240}));
  EXPECT_EQ(int_values(run("opset13.BitwiseNot", {boolean({2}, {0, 1})})), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(int_values(run("opset15.BitwiseLeftShift", {u8({3}, {200, 1, 1}), u8({3}, {1, 7, 8})})),
            (std::vector<int64_t>{144, 128, 0}));
  EXPECT_EQ(int_values(run("opset15.BitwiseRightShift", {i32({2}, {-16, 16}), i32({2}, {2, 40})})),
            (std::vector<int64_t>{-4, 0}));
  expect_error([] { run("opset15.BitwiseLeftShift", {f32({1}, {1.f}), f32({1}, {1.f})}); }, "an integer type");
}

TEST(MathOps, RemaindersFollowTheirDivisions) {
  EXPECT_EQ(int_values(run("opset1.Mod", {i32({2}, {-7, 7}), i32({2}, {3, -3})})), (std::vector<int64_t>{-1, 1}));
  EXPECT_EQ(int_values(run("opset1.FloorMod", {i32({2}, {-7, 7}), i32({2}, {3, -3})})), (std::vector<int64_t>{2, -2}));
  expect_near(run("opset1.FloorMod", {f32({1}, {-4.5f}), f32({1}, {3.f})}), {1.5});
  expect_error([] { run("opset1.Mod", {i32({1}, {1}), i32({1}, {0})}); }, "remainder by zero");
}

TEST(MathOps, RoundSignAndClassTests) {
  expect_near(run("opset5.Round", {f32({4}, {0.5f, 1.5f, 2.5f, -2.5f})}), {0, 2, 2, -2});
  expect_near(run("opset5.Round", {f32({2}, {0.5f, -2.5f})}, {{"mode", std::string("half_away_from_zero")}}), {1, -3});
  expect_near(run("opset1.Sign", {f32({3}, {-3.f, 0.f, 2.f})}), {-1, 0, 1});
  Tensor inf = run("opset10.IsInf", {f32({3}, {-INFINITY, INFINITY, 1.f})}, {{"detect_negative", false}});
  EXPECT_EQ(inf.type(), ElementType::boolean);
  EXPECT_EQ(int_values(inf), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(int_values(run("opset10.IsNaN", {f32({2}, {NAN, 1.f})})), (std::vector<int64_t>{1, 0}));
}

TEST(MathOps, LogSoftmax) {
  expect_near(run("opset5.LogSoftmax", {f32({2, 2}, {1.f, 1.f, 0.f, 1000.f})}, {{"axis", int64_t{1}}}),
              {std::log(0.5), std::log(0.5), -1000, 0});
}

}  // namespace
}  // namespace remo
