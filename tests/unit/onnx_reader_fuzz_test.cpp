// Cheap robustness checks for the ONNX reader: every truncation and some hundred random byte
// corruptions of a valid model must either read or fail with remo::Error, never crash or hang.
// GCC 12 reports false -Wrestrict positives inside std::string when string literals go through
// inlined protobuf setters and operator+ (GCC bug 105329); the test code is not affected.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "engine/graph/error.h"
#include "frontends/onnx/onnx_reader.h"

namespace remo {
namespace {

// Covers every part of the walk: an initializer with raw_data, typed data, attributes and a body.
std::string sample_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* opset = m.add_opset_import();
  opset->set_version(17);
  auto* g = m.mutable_graph();
  auto* x = g->add_input();
  x->set_name("x");
  x->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  x->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(4);
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  w->set_raw_data(std::string(16, '\x01'));
  auto* s = g->add_initializer();
  s->set_name("s");
  s->set_data_type(onnx::TensorProto::INT64);
  s->add_int64_data(3);
  auto* mul = g->add_node();
  mul->set_op_type("Mul");
  mul->add_input("x");
  mul->add_input("w");
  mul->add_output("m");
  auto* cond = g->add_node();
  cond->set_op_type("If");
  cond->add_input("s");
  cond->add_output("y");
  auto* branch = cond->add_attribute();
  branch->set_name("then_branch");
  branch->set_type(onnx::AttributeProto::GRAPH);
  auto* neg = branch->mutable_g()->add_node();
  neg->set_op_type("Neg");
  neg->add_input("m");
  neg->add_output("n");
  branch->mutable_g()->add_output()->set_name("n");
  auto* axis = cond->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INTS);
  axis->add_ints(1);
  g->add_output()->set_name("y");
  return m.SerializeAsString();
}

class OnnxReaderFuzz : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "remo_onnx_fuzz_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Reads `bytes` as a model; only success or remo::Error are acceptable outcomes.
  void read_tolerantly(const std::string& bytes) {
    const std::string path = dir_ + "/m.onnx";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    try {
      read_onnx_model(path);
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    }
  }

  std::string dir_;
};

TEST_F(OnnxReaderFuzz, SampleModelReads) {
  const std::string path = dir_ + "/m.onnx";
  std::ofstream(path, std::ios::binary) << sample_model();
  EXPECT_NO_THROW(read_onnx_model(path));
}

TEST_F(OnnxReaderFuzz, EveryTruncationFailsCleanly) {
  const std::string bytes = sample_model();
  for (size_t n = 0; n < bytes.size(); ++n) read_tolerantly(bytes.substr(0, n));
}

TEST_F(OnnxReaderFuzz, RandomCorruptionFailsCleanly) {
  const std::string bytes = sample_model();
  std::mt19937 rng(12345);  // fixed seed: failures reproduce
  std::uniform_int_distribution<size_t> position(0, bytes.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 600; ++round) {
    std::string corrupt = bytes;
    const int flips = 1 + round % 4;
    for (int f = 0; f < flips; ++f) corrupt[position(rng)] = static_cast<char>(byte(rng));
    read_tolerantly(corrupt);
  }
}

}  // namespace
}  // namespace remo
