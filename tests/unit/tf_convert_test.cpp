// TensorFlow graphs through convert_model, as the CLI runs them: layout, text/binary selection,
// and what a user sees when a graph cannot be converted.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/cli/options.h"
#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

// Placeholder [1,4,4,2] -> Conv2D 3x3 SAME -> BiasAdd -> Relu (with a control input) -> Mean over H, W.
const std::string kTextModel = std::string(REMO_TEST_DATA_DIR) + "/tf/conv_bias_relu_mean.pbtxt";
const std::string kBinaryModel = std::string(REMO_TEST_DATA_DIR) + "/tf/conv_bias_relu_mean.pb";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Converts into dir/folder/m.xml and returns the XML.
std::string convert(const ScratchDir& dir, ConvertOptions o, const std::string& folder = "out") {
  o.output_dir = (dir.path() / folder).string();
  o.model_name = "m";
  convert_model(o);
  return slurp(dir.path() / folder / "m.xml");
}

TEST(TfConvert, NhwcNetworkBecomesNchwWithNoTransposeLeft) {
  ScratchDir dir("remo_tf");
  ConvertOptions o;
  o.input_model = kTextModel;
  std::string xml = convert(dir, o);
  EXPECT_EQ(count(xml, "type=\"Transpose\""), 0u) << xml;
  EXPECT_EQ(count(xml, "type=\"Convolution\""), 1u);
  EXPECT_NE(xml.find("shape=\"1,2,4,4\""), std::string::npos) << "the input is declared NCHW";
}

TEST(TfConvert, DisablingTheLayoutChangeKeepsNhwcInputs) {
  ScratchDir dir("remo_tf");
  ConvertOptions o;
  o.input_model = kTextModel;
  o.disable_nhwc_to_nchw = true;
  std::string xml = convert(dir, o);
  EXPECT_NE(xml.find("shape=\"1,4,4,2\""), std::string::npos);
  EXPECT_EQ(count(xml, "type=\"Transpose\""), 1u) << "only the one into the convolution remains";
}

TEST(TfConvert, BinaryAndTextGiveTheSameIr) {
  ScratchDir dir("remo_tf");
  ConvertOptions text, binary;
  text.input_model = kTextModel;
  binary.input_model = kBinaryModel;
  EXPECT_EQ(convert(dir, text, "a"), convert(dir, binary, "b"));
  EXPECT_EQ(slurp(dir.path() / "a" / "m.bin"), slurp(dir.path() / "b" / "m.bin"));
}

TEST(TfConvert, ATextFileWithAnotherExtensionNeedsTheFlag) {
  ScratchDir dir("remo_tf");
  fs::path renamed = dir.path() / "graph.txt";
  fs::copy_file(kTextModel, renamed);
  ConvertOptions o;
  o.input_model = renamed.string();
  o.output_dir = (dir.path() / "out").string();
  EXPECT_THROW(convert_model(o), Error) << "unknown extension without --framework";
  o.framework = "tf";
  try {
    convert_model(o);
    FAIL() << "a text file read as binary";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--input_model_is_text"), std::string::npos) << e.what();
  }
  o.input_model_is_text = true;
  convert_model(o);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "graph.xml"));
}

TEST(TfConvert, AnUnknownOpIsNamedAndNothingIsWritten) {
  ScratchDir dir("remo_tf");
  std::string text = slurp(kTextModel);
  text.replace(text.find("op: \"Relu\""), 10, "op: \"MyCustomRelu\"");
  fs::path model = dir.path() / "custom.pbtxt";
  std::ofstream(model) << text;
  ConvertOptions o;
  o.input_model = model.string();
  o.output_dir = (dir.path() / "out").string();
  try {
    convert_model(o);
    FAIL() << "converted an op with no translation";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tf.MyCustomRelu"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "custom.xml"));
}

TEST(TfConvert, AnOpThatNeedsARankAsksForAnInputShape) {
  ScratchDir dir("remo_tf");
  std::string text = slurp(kTextModel);
  size_t shape = text.find("attr { key: \"shape\"");
  text.erase(shape, text.find("} } } }", shape) + 7 - shape);  // a Placeholder without a shape
  fs::path model = dir.path() / "noshape.pbtxt";
  std::ofstream(model) << text;
  ConvertOptions o;
  o.input_model = model.string();
  o.output_dir = (dir.path() / "out").string();
  try {
    convert_model(o);
    FAIL() << "converted a Conv2D of unknown rank";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--input_shape"), std::string::npos) << e.what();
  }
  o.edits.input_shapes = {PartialShape({1, 4, 4, 2})};
  convert_model(o);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "noshape.xml"));
}

TEST(TfConvert, CommandLineFlagsReachTheOptions) {
  CliRequest req = parse_command_line({"--input_model", "g.txt", "--framework", "tensorflow",
                                       "--input_model_is_text", "--disable_nhwc_to_nchw"});
  EXPECT_EQ(req.convert.framework, "tf");
  EXPECT_TRUE(req.convert.input_model_is_text);
  EXPECT_TRUE(req.convert.disable_nhwc_to_nchw);
  EXPECT_EQ(parse_command_line({"-m", "g.pb"}).convert.framework, "");
  EXPECT_THROW(parse_command_line({"-m", "g.pb", "--framework", "caffe"}), Error);
  EXPECT_THROW(parse_command_line({"-m", "g.pb", "--input_model_is_text=1"}), Error);
}

}  // namespace
}  // namespace remo
