// The TensorFlow-only options through convert_model: --tensorboard_logdir writes one event file
// per conversion (not one per re-read of the model by --verify or a cut's probe), and
// --tensorflow_custom_layer_libraries is accepted with a warning.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/cli/options.h"
#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "frontends/tensorflow/proto/graph.pb.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using remo::testing_support::ScratchDir;
namespace fs = std::filesystem;

// x: Placeholder f32 [1, 3] -> Relu -> Tanh.
std::string relu_model(const ScratchDir& dir) {
  tensorflow::GraphDef g;
  auto* x = g.add_node();
  x->set_name("x");
  x->set_op("Placeholder");
  (*x->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  for (int d : {1, 3}) (*x->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(d);
  for (auto [name, op, input] : {std::tuple{"relu", "Relu", "x"}, std::tuple{"tanh", "Tanh", "relu"}}) {
    auto* n = g.add_node();
    n->set_name(name);
    n->set_op(op);
    n->add_input(input);
    (*n->mutable_attr())["T"].set_type(tensorflow::DT_FLOAT);
  }
  std::string path = (dir.path() / "relu.pb").string();
  std::ofstream(path, std::ios::binary) << g.SerializeAsString();
  return path;
}

size_t event_files(const fs::path& logdir) {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(logdir))
    count += entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0;
  return count;
}

TEST(TfOptions, CommandLineFlagsReachTheOptions) {
  CliRequest req = parse_command_line({"-m", "g.pb", "--tensorboard_logdir", "logs",
                                       "--tensorflow_custom_layer_libraries", "a.so,b.so"});
  EXPECT_EQ(req.convert.tensorboard_logdir, "logs");
  EXPECT_EQ(req.convert.tensorflow_custom_layer_libraries, "a.so,b.so");
  EXPECT_THROW(parse_command_line({"-m", "g.pb", "--tensorboard_logdir="}), Error);
  EXPECT_THROW(parse_command_line({"-m", "g.pb", "--tensorboard_logdir"}), Error);
}

TEST(TfOptions, OneEventFileEvenWhenVerifyAndACutReadTheModelAgain) {
  ScratchDir dir("tf_options");
  ConvertOptions o;
  o.input_model = relu_model(dir);
  o.output_dir = (dir.path() / "out").string();
  o.tensorboard_logdir = (dir.path() / "logs").string();
  o.verify = true;
  o.edits.inputs = {InputSpec{.name = "relu", .text = "relu"}};  // a cut: the probe reads the model too
  ConvertSummary s = convert_model(o);
  EXPECT_TRUE(fs::exists(s.xml_path));
  EXPECT_EQ(event_files(dir.path() / "logs"), 1u);
}

TEST(TfOptions, CustomLayerLibrariesAreAnsweredWithAWarningThatConvertsAnyway) {
  ScratchDir dir("tf_options");
  ConvertOptions o;
  o.input_model = relu_model(dir);
  o.output_dir = (dir.path() / "out").string();
  o.tensorflow_custom_layer_libraries = "libmy_ops.so";
  ConvertSummary s = convert_model(o);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("libmy_ops.so"), std::string::npos);
  EXPECT_NE(s.warnings[0].find("--extensions"), std::string::npos);
  EXPECT_TRUE(fs::exists(s.xml_path));
}

}  // namespace
}  // namespace remo
