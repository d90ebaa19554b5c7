// Whole conversions of a program Paddle saved (the fuzz seed tests/fuzz/seeds/paddle_model/tiny_cnn:
// conv, batch_norm, relu, adaptive pool, flatten, linear, softmax) through convert_model.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "frontends/paddle/proto/framework.pb.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

// Unpacks the seed into DIR/tiny.pdmodel + DIR/tiny.pdiparams; returns the program.
paddle_proto::ProgramDesc unpack_seed(const fs::path& dir) {
  std::string bytes = slurp(std::string(REMO_SOURCE_RULES_DIR) + "/tests/fuzz/seeds/paddle_model/tiny_cnn");
  uint32_t n = 0;
  if (bytes.size() >= 4) std::memcpy(&n, bytes.data(), 4);
  paddle_proto::ProgramDesc program;
  EXPECT_TRUE(bytes.size() >= 4 + size_t{n} && program.ParseFromString(bytes.substr(4, n)));
  std::ofstream(dir / "tiny.pdmodel", std::ios::binary) << bytes.substr(4, n);
  std::ofstream(dir / "tiny.pdiparams", std::ios::binary) << bytes.substr(4 + n);
  return program;
}

TEST(PaddleConvert, ConvertsAProgramPaddleSaved) {
  ScratchDir dir("remo_paddle");
  unpack_seed(dir.path());
  ConvertOptions o;
  o.input_model = (dir.path() / "tiny.pdmodel").string();
  o.output_dir = (dir.path() / "out").string();
  ConvertSummary s = convert_model(o);
  std::string xml = slurp(s.xml_path);
  EXPECT_NE(xml.find("type=\"Convolution\""), std::string::npos);
  EXPECT_NE(xml.find("type=\"SoftMax\""), std::string::npos);
  EXPECT_TRUE(fs::exists(s.bin_path));
}

TEST(PaddleConvert, FrameworkFlagReadsAFileWithAnotherExtension) {
  ScratchDir dir("remo_paddle");
  unpack_seed(dir.path());
  fs::rename(dir.path() / "tiny.pdmodel", dir.path() / "tiny.model");
  ConvertOptions o;
  o.input_model = (dir.path() / "tiny.model").string();
  o.framework = "paddle";
  o.output_dir = (dir.path() / "out").string();
  EXPECT_NO_THROW(convert_model(o));
}

TEST(PaddleConvert, AnUnknownOpIsNamedAndNothingIsWritten) {
  ScratchDir dir("remo_paddle");
  paddle_proto::ProgramDesc program = unpack_seed(dir.path());
  for (auto& op : *program.mutable_blocks(0)->mutable_ops())
    if (op.type() == "relu") op.set_type("mystery_act");
  std::ofstream(dir.path() / "tiny.pdmodel", std::ios::binary | std::ios::trunc) << program.SerializeAsString();
  ConvertOptions o;
  o.input_model = (dir.path() / "tiny.pdmodel").string();
  o.output_dir = (dir.path() / "out").string();
  try {
    convert_model(o);
    FAIL() << "converted a program with an unknown op";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("paddle.mystery_act"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "tiny.xml"));
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "tiny.bin"));
}

TEST(PaddleConvert, ATruncatedParameterFileIsNamedAndNothingIsWritten) {
  ScratchDir dir("remo_paddle");
  unpack_seed(dir.path());
  fs::resize_file(dir.path() / "tiny.pdiparams", fs::file_size(dir.path() / "tiny.pdiparams") - 1);
  ConvertOptions o;
  o.input_model = (dir.path() / "tiny.pdmodel").string();
  o.output_dir = (dir.path() / "out").string();
  try {
    convert_model(o);
    FAIL() << "converted with a truncated .pdiparams";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tiny.pdiparams: variable '"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("truncated data"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "tiny.xml"));
}

}  // namespace
}  // namespace remo
