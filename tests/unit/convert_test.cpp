// Whole conversions through convert_model, as the CLI runs them.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

const std::string kExampleModel = std::string(REMO_TEST_DATA_DIR) + "/example/tiny_cnn.onnx";

ConvertOptions options_for(const fs::path& out, const fs::path& extensions) {
  ConvertOptions o;
  o.input_model = kExampleModel;
  o.output_dir = out.string();
  o.extensions = {extensions.string()};
  return o;
}

TEST(Convert, EditingARuleFileChangesTheNextConversionWithoutARebuild) {
  ScratchDir dir("remo_convert");
  fs::path ext = dir.path() / "ext";
  fs::create_directories(ext);
  std::ofstream(ext / "relu.lua") << "remo.translate('onnx.Relu', function(n) return remo.op('opset1.Relu', {n:input(1)}) end)\n";
  convert_model(options_for(dir.path() / "first", ext));
  std::string first = slurp(dir.path() / "first" / "tiny_cnn.xml");
  EXPECT_NE(first.find("type=\"ReLU\""), std::string::npos);
  EXPECT_EQ(first.find("type=\"Clamp\""), std::string::npos);

  std::ofstream(ext / "relu.lua")
      << "remo.translate('onnx.Relu', function(n) return remo.op('opset1.Clamp', {n:input(1)}, {min = 0.0, max = 1e30}) end)\n";
  convert_model(options_for(dir.path() / "second", ext));
  std::string second = slurp(dir.path() / "second" / "tiny_cnn.xml");
  EXPECT_EQ(second.find("type=\"ReLU\""), std::string::npos);
  EXPECT_NE(second.find("type=\"Clamp\""), std::string::npos);
}

TEST(Convert, ABrokenRuleFileStopsTheConversionAndWritesNothing) {
  ScratchDir dir("remo_convert");
  fs::path ext = dir.path() / "ext";
  fs::create_directories(ext);
  std::ofstream(ext / "broken.lua") << "remo.translate('onnx.Relu', function(n) return n:input(1) end\n";
  try {
    convert_model(options_for(dir.path() / "out", ext));
    FAIL() << "converted with a broken rule file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("ext/broken.lua:"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "tiny_cnn.xml"));
}

}  // namespace
}  // namespace remo
