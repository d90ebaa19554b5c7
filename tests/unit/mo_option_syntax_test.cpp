// mo's option syntax: every accepted form, and a clear error for each malformed one.
#include <gtest/gtest.h>

#include "engine/cli/mo_option_syntax.h"
#include "engine/cli/options.h"
#include "engine/graph/error.h"

namespace remo {
namespace {

// The message of the Error `fn` throws; fails the test if it throws none.
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error thrown";
  return "";
}

TEST(InputOption, PlainNamesSeparatedByCommas) {
  auto specs = parse_input_option("data, info");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "data");
  EXPECT_EQ(specs[1].name, "info");
  EXPECT_FALSE(specs[0].shape || specs[0].type || specs[0].value || specs[0].output_port || specs[0].input_port);
}

TEST(InputOption, PortsOnEitherSide) {
  auto specs = parse_input_option("conv1:1,0:add");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].name, "conv1");
  EXPECT_EQ(specs[0].output_port, 1);
  EXPECT_FALSE(specs[0].input_port);
  EXPECT_EQ(specs[1].name, "add");
  EXPECT_EQ(specs[1].input_port, 0);
  EXPECT_FALSE(specs[1].output_port);
}

TEST(InputOption, ANameWithAColonButNoNumberIsJustAName) {
  auto specs = parse_input_option("scope:conv");
  ASSERT_EQ(specs.size(), 1u);
  EXPECT_EQ(specs[0].name, "scope:conv");
  EXPECT_FALSE(specs[0].output_port || specs[0].input_port);
}

TEST(InputOption, ShapesWithCommasOrSpacesAndDynamicDims) {
  auto specs = parse_input_option("data[1,3,224,224],mask[1 ? -1]");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].shape, PartialShape({1, 3, 224, 224}));
  EXPECT_EQ(specs[1].shape, PartialShape({1, -1, -1}));
  EXPECT_EQ(parse_input_option("x[]")[0].shape, PartialShape(std::vector<int64_t>{}));
}

TEST(InputOption, TypeInBracesInMoAndOpenVinoSpelling) {
  EXPECT_EQ(parse_input_option("ids{i64}")[0].type, ElementType::i64);
  EXPECT_EQ(parse_input_option("ids{int32}")[0].type, ElementType::i32);
  EXPECT_EQ(parse_input_option("x{FP16}")[0].type, ElementType::f16);
  EXPECT_EQ(parse_input_option("m{bool}")[0].type, ElementType::boolean);
  auto spec = parse_input_option("ids[2,3]{i32}")[0];
  EXPECT_EQ(spec.shape, PartialShape({2, 3}));
  EXPECT_EQ(spec.type, ElementType::i32);
}

TEST(InputOption, FrozenValues) {
  auto specs = parse_input_option("axis->[1 2],scale->0.5,flag{boolean}->True,n[2]->[3,4]");
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(*specs[0].value, (std::vector<double>{1, 2}));
  EXPECT_EQ(*specs[1].value, (std::vector<double>{0.5}));
  EXPECT_EQ(*specs[2].value, (std::vector<double>{1}));
  EXPECT_EQ(specs[2].type, ElementType::boolean);
  EXPECT_EQ(specs[3].shape, PartialShape({2}));
  EXPECT_EQ(*specs[3].value, (std::vector<double>{3, 4}));
  EXPECT_EQ(specs[3].name, "n");
}

TEST(InputOption, PortShapeTypeAndValueTogether) {
  auto spec = parse_input_option("0:gather[2]{i64}->[0 1]")[0];
  EXPECT_EQ(spec.name, "gather");
  EXPECT_EQ(spec.input_port, 0);
  EXPECT_EQ(spec.shape, PartialShape({2}));
  EXPECT_EQ(spec.type, ElementType::i64);
  EXPECT_EQ(*spec.value, (std::vector<double>{0, 1}));
}

// Each malformed form: the message names the option, the item and what was expected.
void expect_error(const std::string& message, const std::vector<std::string>& parts) {
  for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
}

TEST(InputOption, MalformedFormsNameTheOptionAndWhatWasExpected) {
  expect_error(error_of([] { parse_input_option("data[1,3"); }), {"--input", "data[1,3", "missing ']'"});
  expect_error(error_of([] { parse_input_option("data[1,x]"); }), {"--input", "'x' is not a dimension"});
  expect_error(error_of([] { parse_input_option("data[1..4]"); }), {"--input", "range", "?"});
  expect_error(error_of([] { parse_input_option("data{f33}"); }), {"--input", "f33", "unknown element type"});
  expect_error(error_of([] { parse_input_option("data{i64"); }), {"--input", "missing '}'"});
  expect_error(error_of([] { parse_input_option("data->"); }), {"--input", "nothing after '->'"});
  expect_error(error_of([] { parse_input_option("data->[1 a]"); }), {"--input", "'a' is not a number"});
  expect_error(error_of([] { parse_input_option("data->[1 2"); }), {"--input", "closing ']'"});
  expect_error(error_of([] { parse_input_option("[1,2]"); }), {"--input", "no name"});
  expect_error(error_of([] { parse_input_option("a,,b"); }), {"--input", "empty"});
  expect_error(error_of([] { parse_input_option("a[1][2]"); }), {"--input", "two shapes"});
  expect_error(error_of([] { parse_input_option("a{i32}{i64}"); }), {"--input", "two types"});
  expect_error(error_of([] { parse_input_option("a[1]x"); }), {"--input", "unexpected 'x'", "[shape]"});
}

TEST(OutputOption, NamesAndPorts) {
  auto specs = parse_output_option("relu1,conv:1,0:add");
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].name, "relu1");
  EXPECT_EQ(specs[1].output_port, 1);
  EXPECT_EQ(specs[2].input_port, 0);
  EXPECT_EQ(specs[2].name, "add");
  expect_error(error_of([] { parse_output_option("a,"); }), {"--output", "empty"});
}

TEST(MeanScaleValues, NamedUnnamedAndBareForms) {
  auto g = parse_input_values("--mean_values", "data[123,117,104],info(1 2)");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].input, "data");
  EXPECT_EQ(g[0].values, (std::vector<double>{123, 117, 104}));
  EXPECT_EQ(g[1].input, "info");
  EXPECT_EQ(g[1].values, (std::vector<double>{1, 2}));
  auto unnamed = parse_input_values("--scale_values", "[58.4,57.1,57.3],[2]");
  ASSERT_EQ(unnamed.size(), 2u);
  EXPECT_EQ(unnamed[0].input, "");
  EXPECT_EQ(unnamed[1].values, (std::vector<double>{2}));
  auto bare = parse_input_values("--mean_values", "1,2,3");
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_EQ(bare[0].values, (std::vector<double>{1, 2, 3}));
}

TEST(MeanScaleValues, MalformedForms) {
  expect_error(error_of([] { parse_input_values("--mean_values", ""); }), {"--mean_values", "no values"});
  expect_error(error_of([] { parse_input_values("--scale_values", "data[1,2"); }), {"--scale_values", "end with ']'"});
  expect_error(error_of([] { parse_input_values("--mean_values", "data[]"); }), {"--mean_values", "no values"});
  expect_error(error_of([] { parse_input_values("--mean_values", "data[1,b]"); }), {"--mean_values", "'b' is not a number"});
  expect_error(error_of([] { parse_input_values("--mean_values", "data[1],info"); }), {"--mean_values", "name[values]"});
}

TEST(LayoutOption, AllSpellings) {
  auto l = parse_layout_option("--layout", "data(nchw->nhwc),mask([n,c]),nc");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].input, "data");
  EXPECT_EQ(l[0].source, (std::vector<std::string>{"N", "C", "H", "W"}));
  EXPECT_EQ(l[0].target, (std::vector<std::string>{"N", "H", "W", "C"}));
  EXPECT_EQ(l[1].input, "mask");
  EXPECT_EQ(l[1].source, (std::vector<std::string>{"N", "C"}));
  EXPECT_TRUE(l[1].target.empty());
  EXPECT_EQ(l[2].input, "");
  EXPECT_EQ(l[2].source, (std::vector<std::string>{"N", "C"}));
  auto b = parse_layout_option("--source_layout", "data[n,?,h,w]");
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].input, "data");
  EXPECT_EQ(b[0].source, (std::vector<std::string>{"N", "?", "H", "W"}));
  EXPECT_EQ(layout_to_string(l[0].target), "[N,H,W,C]");
}

TEST(LayoutOption, MalformedForms) {
  expect_error(error_of([] { parse_layout_option("--layout", "data(nchw"); }), {"--layout", "end with ')'"});
  expect_error(error_of([] { parse_layout_option("--layout", "nchw->nhw"); }), {"--layout", "different ranks"});
  expect_error(error_of([] { parse_layout_option("--layout", "ncc"); }), {"--layout", "axis C twice"});
  expect_error(error_of([] { parse_layout_option("--layout", "n*"); }), {"--layout", "'*'"});
  expect_error(error_of([] { parse_layout_option("--layout", "nc..."); }), {"--layout", "'...'"});
  expect_error(error_of([] { parse_layout_option("--target_layout", "nchw->nhwc"); }),
               {"--target_layout", "'->' belongs to --layout"});
  expect_error(error_of([] { parse_layout_option("--layout", "(nchw)"); }), {"--layout", "no input name"});
  expect_error(error_of([] { parse_layout_option("--layout", "data()"); }), {"--layout", "empty"});
}

TEST(BoolAndTypeOptions, Spellings) {
  EXPECT_TRUE(parse_bool_option("--x", "True"));
  EXPECT_FALSE(parse_bool_option("--x", "false"));
  expect_error(error_of([] { parse_bool_option("--compress_to_fp16", "maybe"); }),
               {"--compress_to_fp16", "maybe", "True or False"});
  EXPECT_EQ(parse_type_option("--input", "u8"), ElementType::u8);
  EXPECT_EQ(parse_type_option("--input", "float64"), ElementType::f64);
}

TEST(CommandLine, MoOptionsFillTheConvertRequest) {
  CliRequest r = parse_command_line({"-m", "a.onnx", "--input", "data[1,3,8,8]", "--output", "relu:0", "-b", "2",
                                     "--layout", "data(nchw->nhwc)", "--mean_values", "data[1,2,3]",
                                     "--scale_values", "[4,5,6]", "-s", "255", "--reverse_input_channels",
                                     "--static_shape", "--compress_to_fp16=False", "--log_level", "INFO",
                                     "--silent", "--progress", "--target_layout", "info(nc)"});
  const ModelEditOptions& e = r.convert.edits;
  ASSERT_EQ(e.inputs.size(), 1u);
  EXPECT_EQ(e.inputs[0].shape, PartialShape({1, 3, 8, 8}));
  ASSERT_EQ(e.outputs.size(), 1u);
  EXPECT_EQ(e.outputs[0].output_port, 0);
  EXPECT_EQ(e.batch, 2);
  ASSERT_EQ(e.layouts.size(), 2u);
  EXPECT_TRUE(e.layouts[1].source.empty());  // --target_layout sets only the target
  EXPECT_EQ(e.layouts[1].target, (std::vector<std::string>{"N", "C"}));
  EXPECT_EQ(e.mean_values.size(), 1u);
  EXPECT_EQ(e.scale_values.size(), 1u);
  EXPECT_EQ(e.scale, 255.0);
  EXPECT_TRUE(e.reverse_input_channels);
  EXPECT_TRUE(e.static_shape);
  EXPECT_FALSE(e.compress_to_fp16);
  EXPECT_EQ(r.log_level, LogLevel::info);
  EXPECT_TRUE(r.silent);
  EXPECT_TRUE(r.progress);
}

TEST(CommandLine, Fp16CompressionIsOnByDefaultAndBooleansTakeASeparateValue) {
  EXPECT_TRUE(parse_command_line({"-m", "a.onnx"}).convert.edits.compress_to_fp16);
  EXPECT_FALSE(parse_command_line({"-m", "a.onnx", "--compress_to_fp16", "False"}).convert.edits.compress_to_fp16);
  CliRequest r = parse_command_line({"--reverse_input_channels", "-m", "a.onnx"});
  EXPECT_TRUE(r.convert.edits.reverse_input_channels);
  EXPECT_EQ(r.convert.input_model, "a.onnx");
}

TEST(CommandLine, MalformedValuesNameTheOption) {
  expect_error(error_of([] { parse_command_line({"-m", "a.onnx", "-b", "0"}); }), {"-b", "positive whole number"});
  expect_error(error_of([] { parse_command_line({"-m", "a.onnx", "--batch", "2x"}); }), {"--batch", "positive"});
  expect_error(error_of([] { parse_command_line({"-m", "a.onnx", "--scale", "0"}); }), {"--scale", "non-zero"});
  expect_error(error_of([] { parse_command_line({"-m", "a.onnx", "--log_level", "LOUD"}); }),
               {"--log_level", "LOUD", "INFO"});
  expect_error(error_of([] { parse_command_line({"-m", "a.onnx", "--static_shape=perhaps"}); }),
               {"--static_shape", "True or False"});
}

}  // namespace
}  // namespace remo
