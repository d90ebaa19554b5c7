// --verify: the rewrites of a conversion are checked against the translated graph, and the first
// step that changes the outputs is named.
#include <gtest/gtest.h>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

ConvertOptions verified(const fs::path& out) {
  ConvertOptions o;
  o.input_model = std::string(REMO_TEST_DATA_DIR) + "/example/tiny_cnn.onnx";
  o.output_dir = out.string();
  o.verify = true;
  return o;
}

TEST(Verify, TheBuiltInRulesKeepTheExampleModelsOutputs) {
  ScratchDir dir("remo_verify");
  ConvertSummary s = convert_model(verified(dir.path()));
  EXPECT_NE(s.verify_report.find("match the translated graph"), std::string::npos) << s.verify_report;
  EXPECT_TRUE(fs::exists(s.xml_path));
}

TEST(Verify, NamesTheBrokenRuleAndWritesNothing) {
  ScratchDir dir("remo_verify");
  ConvertOptions o = verified(dir.path() / "out");
  o.extensions = {std::string(REMO_TEST_DATA_DIR) + "/extensions/broken_fusion"};
  try {
    convert_model(o);
    FAIL() << "a conversion through a wrong rule passed --verify";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("rule 'broken_relu_to_clamp'"), std::string::npos) << message;
    EXPECT_NE(message.find("broken_relu.json"), std::string::npos) << message;
    EXPECT_NE(message.find("changed the model's outputs"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(dir.path() / "out" / "tiny_cnn.xml"));
}

TEST(Verify, WithoutTheOptionTheBrokenRuleGoesUnnoticed) {
  // The reason --verify exists: the wrong rewrite alone converts "successfully".
  ScratchDir dir("remo_verify");
  ConvertOptions o = verified(dir.path());
  o.verify = false;
  o.extensions = {std::string(REMO_TEST_DATA_DIR) + "/extensions/broken_fusion"};
  ConvertSummary s = convert_model(o);
  EXPECT_NE(slurp(s.xml_path).find("type=\"Clamp\""), std::string::npos);
}

}  // namespace
}  // namespace remo
