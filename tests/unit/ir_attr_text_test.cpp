#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/graph/error.h"
#include "engine/ir/ir_attr_text.h"

namespace remo {
namespace {

TEST(IrAttrText, SpellsEachKindAsTheIrReaderParsesIt) {
  EXPECT_EQ(format_attr_value(AttrKind::Bool, true), "true");
  EXPECT_EQ(format_attr_value(AttrKind::Bool, false), "false");
  EXPECT_EQ(format_attr_value(AttrKind::Int, int64_t{-7}), "-7");
  EXPECT_EQ(format_attr_value(AttrKind::Ints, std::vector<int64_t>{1, 2, 3}), "1, 2, 3");
  EXPECT_EQ(format_attr_value(AttrKind::Ints, std::vector<int64_t>{}), "");
  EXPECT_EQ(format_attr_value(AttrKind::Floats, std::vector<double>{0.5, 1.0}), "0.5, 1");
  EXPECT_EQ(format_attr_value(AttrKind::Strings, std::vector<std::string>{"sigmoid", "tanh"}),
            "sigmoid, tanh");
  EXPECT_EQ(format_attr_value(AttrKind::String, std::string("same_upper")), "same_upper");
  EXPECT_EQ(format_attr_value(AttrKind::Type, ElementType::f32), "f32");
  EXPECT_EQ(format_attr_value(AttrKind::Type, ElementType::boolean), "boolean");
}

TEST(IrAttrText, DoublesUseTheShortestExactForm) {
  EXPECT_EQ(format_double(1e-5), "1e-05");
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(1.0), "1");
  EXPECT_EQ(format_double(-0.75), "-0.75");
  const double f32_eps = static_cast<double>(1e-5f);  // a float widened to double
  EXPECT_EQ(std::get<double>(parse_attr_value(AttrKind::Float, format_double(f32_eps))), f32_eps);
  EXPECT_THROW(format_double(std::numeric_limits<double>::infinity()), Error);
  EXPECT_THROW(format_double(std::nan("")), Error);
}

TEST(IrAttrText, ValueOfAnotherKindIsAnError) {
  EXPECT_THROW(format_attr_value(AttrKind::Float, int64_t{1}), Error);
  EXPECT_THROW(format_attr_value(AttrKind::Ints, std::string("1, 2")), Error);
  EXPECT_THROW(format_attr_value(AttrKind::Tensor, Tensor()), Error);
}

TEST(IrAttrText, ParsesWhatItWrites) {
  const std::vector<std::pair<AttrKind, AttrValue>> values = {
      {AttrKind::Bool, true},
      {AttrKind::Int, int64_t{-3}},
      {AttrKind::Float, 0.3},
      {AttrKind::String, std::string("caffe.PriorBoxParameter.CORNER")},
      {AttrKind::Ints, std::vector<int64_t>{3, -1, 0}},
      {AttrKind::Ints, std::vector<int64_t>{}},
      {AttrKind::Floats, std::vector<double>{0.1, 2.5e10}},
      {AttrKind::Strings, std::vector<std::string>{"a", "b"}},
      {AttrKind::Type, ElementType::u8},
  };
  for (const auto& [kind, value] : values) {
    const std::string text = format_attr_value(kind, value);
    AttrValue parsed = parse_attr_value(kind, text);
    EXPECT_EQ(parsed.index(), value.index()) << text;
    EXPECT_EQ(format_attr_value(kind, parsed), text);
  }
}

TEST(IrAttrText, ParsingRejectsMalformedText) {
  EXPECT_THROW(parse_attr_value(AttrKind::Int, "12abc"), Error);
  EXPECT_THROW(parse_attr_value(AttrKind::Ints, "1,,2"), Error);
  EXPECT_THROW(parse_attr_value(AttrKind::Bool, "yes"), Error);
  EXPECT_THROW(parse_attr_value(AttrKind::Type, "FP32"), Error);
  EXPECT_TRUE(std::get<bool>(parse_attr_value(AttrKind::Bool, "TRUE")));
}

TEST(IrAttrText, TensorNamesAreSortedAndCommasEscaped) {
  EXPECT_EQ(join_tensor_names({"b", "a,x", "c"}), "a\\,x,b,c");
  EXPECT_EQ(split_tensor_names("a\\,x,b,c"), (std::vector<std::string>{"a,x", "b", "c"}));
  EXPECT_TRUE(split_tensor_names("").empty());
  EXPECT_EQ(join_dims({64, 3, 7, 7}), "64, 3, 7, 7");
  EXPECT_EQ(join_dims({}), "");
}

}  // namespace
}  // namespace remo
