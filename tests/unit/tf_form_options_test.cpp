// The command-line options of TensorFlow's model forms: --input_checkpoint, --input_meta_graph,
// --saved_model_dir, --saved_model_tags, and the combinations that make no sense.
#include <gtest/gtest.h>

#include "engine/cli/options.h"
#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(TfFormOptions, ParseIntoTheConvertOptions) {
  CliRequest saved = parse_command_line({"--saved_model_dir", "m/", "--saved_model_tags", "serve, gpu"});
  EXPECT_EQ(saved.convert.saved_model_dir, "m/");
  EXPECT_EQ(saved.convert.saved_model_tags, (std::vector<std::string>{"serve", "gpu"}));
  CliRequest plain = parse_command_line({"--saved_model_dir", "m"});
  EXPECT_EQ(plain.convert.saved_model_tags, (std::vector<std::string>{"serve"}));
  CliRequest meta = parse_command_line({"--input_meta_graph", "a.meta", "--input_checkpoint", "ckpt/x"});
  EXPECT_EQ(meta.convert.input_meta_graph, "a.meta");
  EXPECT_EQ(meta.convert.input_checkpoint, "ckpt/x");
  EXPECT_NE(error_of([] { parse_command_line({"--saved_model_dir", "m", "--saved_model_tags", ","}); })
                .find("--saved_model_tags ',': expected comma-separated tags"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_command_line({"--input_checkpoint", "x"}); }).find("--input_model is required"),
            std::string::npos);
}

TEST(TfFormOptions, OneModelSourceAtATime) {
  testing_support::ScratchDir dir;
  ConvertOptions both;
  both.input_model = "a.pb";
  both.saved_model_dir = "m";
  both.output_dir = dir.path().string();
  EXPECT_NE(error_of([&] { convert_model(both); }).find("give one of --input_model, --input_meta_graph and --saved_model_dir"),
            std::string::npos);
  ConvertOptions saved_with_checkpoint;
  saved_with_checkpoint.saved_model_dir = "m";
  saved_with_checkpoint.input_checkpoint = "c";
  saved_with_checkpoint.output_dir = dir.path().string();
  EXPECT_NE(error_of([&] { convert_model(saved_with_checkpoint); }).find("a SavedModel has its own variables"),
            std::string::npos);
}

}  // namespace
}  // namespace remo
