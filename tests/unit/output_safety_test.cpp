// What a conversion writes: never over one of its own inputs, and nothing at all (no IR, no
// temporary file) when it fails, however late.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329, see onnx_reader_test.cpp
#endif
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;
namespace fs = std::filesystem;

const std::string kExampleModel = std::string(REMO_TEST_DATA_DIR) + "/example/tiny_cnn.onnx";

// Every file below `dir`, as paths relative to it, sorted.
std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    out.push_back(fs::relative(entry.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string convert_error(const ConvertOptions& options) {
  try {
    convert_model(options);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "the conversion of " << options.input_model << " succeeded";
  return "";
}

// model.onnx: y = x * w, with w (4 floats) in the external file `weights` next to it.
void write_external_data_model(const fs::path& folder, const std::string& weights) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("main");
  auto* x = g->add_input();
  x->set_name("x");
  auto* tt = x->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_value(4);
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* location = w->add_external_data();
  location->set_key("location");
  location->set_value(weights);
  auto* n = g->add_node();
  n->set_op_type("Mul");
  n->add_input("x");
  n->add_input("w");
  n->add_output("y");
  g->add_output()->set_name("y");
  std::ofstream(folder / "model.onnx", std::ios::binary) << m.SerializeAsString();
  const float values[4] = {1, 2, 3, 4};
  std::ofstream(folder / weights, std::ios::binary).write(reinterpret_cast<const char*>(values), sizeof values);
}

TEST(OutputSafety, OutputIntoTheModelFolderNeverReplacesItsExternalWeights) {
  ScratchDir dir("remo_output_safety");
  write_external_data_model(dir.path(), "model.bin");
  const std::string weights_before = slurp(dir.path() / "model.bin");
  ConvertOptions o;
  o.input_model = (dir.path() / "model.onnx").string();
  o.output_dir = dir.path().string();  // default model name "model": model.bin is the weights file
  std::string msg = convert_error(o);
  EXPECT_NE(msg.find("model.bin: refusing to overwrite"), std::string::npos) << msg;
  EXPECT_NE(msg.find("an input of this conversion; choose another --output_dir or --model_name"), std::string::npos)
      << msg;
  EXPECT_EQ(slurp(dir.path() / "model.bin"), weights_before);
  EXPECT_EQ(files_under(dir.path()), (std::vector<std::string>{"model.bin", "model.onnx"}));

  // Another name in the same folder is fine.
  o.model_name = "model_ir";
  convert_model(o);
  EXPECT_TRUE(fs::exists(dir.path() / "model_ir.xml"));
  EXPECT_EQ(slurp(dir.path() / "model.bin"), weights_before);
}

TEST(OutputSafety, AnOutputLinkedToTheModelIsRefused) {
  ScratchDir dir("remo_output_safety");
  fs::copy_file(kExampleModel, dir.path() / "tiny_cnn.onnx");
  fs::create_directories(dir.path() / "out");
  // out/tiny_cnn.xml is the model under another name (a hard link), out/tiny_cnn.bin a symlink to it.
  fs::create_hard_link(dir.path() / "tiny_cnn.onnx", dir.path() / "out" / "tiny_cnn.xml");
  ConvertOptions o;
  o.input_model = (dir.path() / "tiny_cnn.onnx").string();
  o.output_dir = (dir.path() / "out").string();
  EXPECT_NE(convert_error(o).find("tiny_cnn.xml: refusing to overwrite '" + o.input_model + "'"), std::string::npos);
  fs::remove(dir.path() / "out" / "tiny_cnn.xml");
  fs::create_symlink(dir.path() / "tiny_cnn.onnx", dir.path() / "out" / "tiny_cnn.bin");
  EXPECT_NE(convert_error(o).find("tiny_cnn.bin: refusing to overwrite"), std::string::npos);
  EXPECT_EQ(slurp(dir.path() / "tiny_cnn.onnx"), slurp(kExampleModel));
}

TEST(OutputSafety, TheTransformationsConfigIsNeverOverwritten) {
  ScratchDir dir("remo_output_safety");
  fs::create_directories(dir.path() / "out");
  // A valid config whose one entry matches nothing in the model.
  const std::string config = "[{\"id\": \"Nothing\", \"match_kind\": \"scope\", \"instances\": [\"NoSuchScope/\"], \"op\": \"X\"}]";
  std::ofstream(dir.path() / "out" / "tiny_cnn.xml") << config;
  ConvertOptions o;
  o.input_model = kExampleModel;
  o.output_dir = (dir.path() / "out").string();
  o.transformations_config = (dir.path() / "out" / "tiny_cnn.xml").string();
  std::string msg = convert_error(o);
  EXPECT_NE(msg.find("tiny_cnn.xml: refusing to overwrite '" + o.transformations_config + "'"), std::string::npos) << msg;
  EXPECT_EQ(slurp(dir.path() / "out" / "tiny_cnn.xml"), config);
}

TEST(OutputSafety, AConversionFailingInItsLastPhaseWritesNothing) {
  ScratchDir dir("remo_output_safety");
  fs::create_directories(dir.path() / "ext");
  std::ofstream(dir.path() / "ext" / "late.lua")
      << "remo.pass('late_failure', 'back', function(graph) error('given up at the end') end)\n";
  ConvertOptions o;
  o.input_model = kExampleModel;
  o.output_dir = (dir.path() / "out").string();
  o.extensions = {(dir.path() / "ext").string()};
  std::string msg = convert_error(o);
  EXPECT_NE(msg.find("pass 'late_failure'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("given up at the end"), std::string::npos) << msg;
  EXPECT_EQ(files_under(dir.path() / "out"), std::vector<std::string>{});
}

TEST(OutputSafety, AFailedRenameLeavesNoIrAndNoTemporaryFiles) {
  ScratchDir dir("remo_output_safety");
  // The .xml cannot be renamed into place (a folder holds its name): the .bin, already renamed,
  // is taken back, and both temporary files are gone.
  fs::create_directories(dir.path() / "out" / "tiny_cnn.xml" / "occupied");
  ConvertOptions o;
  o.input_model = kExampleModel;
  o.output_dir = (dir.path() / "out").string();
  std::string msg = convert_error(o);
  EXPECT_NE(msg.find("tiny_cnn.xml: cannot rename"), std::string::npos) << msg;
  EXPECT_EQ(files_under(dir.path() / "out"), (std::vector<std::string>{"tiny_cnn.xml", "tiny_cnn.xml/occupied"}));
}

TEST(OutputSafety, ASuccessfulConversionLeavesOnlyTheIr) {
  ScratchDir dir("remo_output_safety");
  ConvertOptions o;
  o.input_model = kExampleModel;
  o.output_dir = (dir.path() / "out").string();
  convert_model(o);
  EXPECT_EQ(files_under(dir.path() / "out"), (std::vector<std::string>{"tiny_cnn.bin", "tiny_cnn.xml"}));
}

}  // namespace
}  // namespace remo
