// The reader limits (engine/limits): each one hit gives an error naming the limit and the
// environment variable that raises it; raising it lets the same file through. Size arithmetic
// from file data never wraps around.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329, see onnx_reader_test.cpp
#endif
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <stdlib.h>

#include <fstream>

#include "engine/graph/error.h"
#include "engine/graph/tensor.h"
#include "engine/ir/ir_reader.h"
#include "engine/limits/limits.h"
#include "engine/rules/mo_config/mo_config.h"
#include "engine/rules/rule_set.h"
#include "frontends/onnx/onnx_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using testing_support::ScratchDir;

// Sets an environment variable for the scope of one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

onnx::ModelProto new_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  m.mutable_graph()->set_name("main");
  return m;
}

// `depth` If nodes, each holding the next in its then_branch.
onnx::ModelProto nested_model(int depth) {
  auto m = new_model();
  onnx::GraphProto* g = m.mutable_graph();
  for (int level = 0; level < depth; ++level) {
    auto* n = g->add_node();
    n->set_op_type("If");
    n->add_output("y" + std::to_string(level));
    g->add_output()->set_name("y" + std::to_string(level));
    auto* a = n->add_attribute();
    a->set_name("then_branch");
    a->set_type(onnx::AttributeProto::GRAPH);
    g = a->mutable_g();
  }
  return m;
}

// One initializer w of `count` floats, as the model's output.
onnx::ModelProto initializer_model(int count) {
  auto m = new_model();
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name("w");
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(count);
  for (int i = 0; i < count; ++i) t->add_float_data(static_cast<float>(i));
  m.mutable_graph()->add_output()->set_name("w");
  return m;
}

class Limits : public ::testing::Test {
 protected:
  std::string write(const onnx::ModelProto& m) {
    std::string path = (dir_.path() / "model.onnx").string();
    std::ofstream(path, std::ios::binary) << m.SerializeAsString();
    return path;
  }
  std::string read_error(const onnx::ModelProto& m) {
    std::string path = write(m);
    return error_of([&] { read_onnx_model(path); });
  }
  ScratchDir dir_{"remo_limits"};
};

TEST_F(Limits, ValuesComeFromTheEnvironmentOrTheDefault) {
  EXPECT_EQ(limit_value(kMaxGraphDepth), 64u);
  ScopedEnv env("REMO_MAX_GRAPH_DEPTH", "7");
  EXPECT_EQ(limit_value(kMaxGraphDepth), 7u);
  for (const char* bad : {"-1", "0", "ten", "12abc", "99999999999999999999999"}) {
    ScopedEnv wrong("REMO_MAX_STRING_BYTES", bad);
    EXPECT_EQ(error_of([] { limit_value(kMaxStringBytes); }),
              std::string("the environment variable REMO_MAX_STRING_BYTES='") + bad + "' is not a positive integer");
  }
}

TEST_F(Limits, SubgraphDepthNamesTheLimitAndCanBeRaised) {
  EXPECT_NO_THROW(read_onnx_model(write(nested_model(64))));
  std::string msg = read_error(nested_model(65));
  EXPECT_NE(msg.find("sub-graphs are nested more than 64 levels deep (limit REMO_MAX_GRAPH_DEPTH=64; raise it by "
                     "setting that environment variable, e.g. REMO_MAX_GRAPH_DEPTH=128)"),
            std::string::npos)
      << msg;
  // Far deeper files fail in protobuf's own parser, whose budget follows the same limit.
  msg = read_error(nested_model(300));
  EXPECT_NE(msg.find("nested too deeply) (limit REMO_MAX_GRAPH_DEPTH=64"), std::string::npos) << msg;
  {
    ScopedEnv env("REMO_MAX_GRAPH_DEPTH", "300");
    EXPECT_NO_THROW(read_onnx_model(write(nested_model(300))));
  }
  ScopedEnv env("REMO_MAX_GRAPH_DEPTH", "3");
  msg = read_error(nested_model(4));
  EXPECT_NE(msg.find("nested more than 3 levels deep (limit REMO_MAX_GRAPH_DEPTH=3;"), std::string::npos) << msg;
}

TEST_F(Limits, TensorElementCountNamesTheLimitAndCanBeRaised) {
  ScopedEnv env("REMO_MAX_TENSOR_ELEMENTS", "10");
  std::string msg = read_error(initializer_model(16));
  EXPECT_NE(msg.find("tensor 'w' has 16 elements, more than 10 (limit REMO_MAX_TENSOR_ELEMENTS=10;"),
            std::string::npos)
      << msg;
  EXPECT_NO_THROW(read_onnx_model(write(initializer_model(10))));
  ScopedEnv raised("REMO_MAX_TENSOR_ELEMENTS", "16");
  EXPECT_NO_THROW(read_onnx_model(write(initializer_model(16))));
}

TEST_F(Limits, StringLengthNamesTheLimitAndCanBeRaised) {
  auto m = initializer_model(1);
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type("Identity");
  n->set_name(std::string(300, 'n'));
  n->add_input("w");
  n->add_output("y");
  auto* a = n->add_attribute();
  a->set_name("note");
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(std::string(200, 's'));
  ScopedEnv env("REMO_MAX_STRING_BYTES", "250");
  std::string msg = read_error(m);
  EXPECT_NE(msg.find("node name '" + std::string(32, 'n') + "...' has 300 bytes, more than 250 "
                     "(limit REMO_MAX_STRING_BYTES=250;"),
            std::string::npos)
      << msg;
  {
    ScopedEnv lower("REMO_MAX_STRING_BYTES", "100");
    n->set_name("short");
    msg = read_error(m);
    EXPECT_NE(msg.find("attribute 'note': string value '" + std::string(32, 's') + "...' has 200 bytes"),
              std::string::npos)
        << msg;
  }
  EXPECT_NO_THROW(read_onnx_model(write(m)));
}

TEST_F(Limits, JsonNestingOfRulesAndConfigsIsCapped) {
  // A pattern nested this deep would be parsed by recursion; the parser stops it first.
  std::string deep;
  for (int i = 0; i < 300; ++i) deep += R"({"op": "Relu", "inputs": [)";
  deep += R"({"op": "Relu"})";
  for (int i = 0; i < 300; ++i) deep += "]}";
  fs::create_directories(dir_.path() / "rules");
  std::ofstream(dir_.path() / "rules" / "deep.json") << R"({"patterns": {"deep": {"match": )" << deep
                                                      << R"(, "replace": "x"}}})";
  std::string msg = error_of([&] { RuleSet rules({(dir_.path() / "rules").string()}); });
  EXPECT_NE(msg.find("deep.json: JSON nested more than 256 levels deep (limit REMO_MAX_JSON_DEPTH=256;"),
            std::string::npos)
      << msg;
  const std::string config = "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
  msg = error_of([&] { parse_mo_config(config, "deep_config.json"); });
  EXPECT_NE(msg.find("deep_config.json: JSON nested more than 256 levels deep"), std::string::npos) << msg;
  ScopedEnv raised("REMO_MAX_JSON_DEPTH", "1000");
  msg = error_of([&] { RuleSet rules({(dir_.path() / "rules").string()}); });
  EXPECT_EQ(msg.find("nested more than"), std::string::npos) << msg;
}

TEST_F(Limits, ByteSizesFromFileShapesNeverWrapAround) {
  // 2^61 doubles are 2^64 bytes: the product wraps to 0 in 64 bits, and a wrapped size would let
  // a tiny buffer pass for a huge tensor.
  const int64_t huge = int64_t{1} << 61;
  ScopedEnv env("REMO_MAX_TENSOR_ELEMENTS", std::to_string(uint64_t{1} << 62));
  std::string msg = error_of([&] {
    Tensor t(ElementType::f64, Shape{huge}, std::make_shared<OwnedBuffer>(std::vector<uint8_t>(8)));
  });
  EXPECT_NE(msg.find("2305843009213693952 elements of f64 are more bytes than fit in memory"), std::string::npos)
      << msg;

  // The same through the IR reader: a Const whose shape says 2^60 f32 (2^65 bytes) over 8 bytes.
  std::ofstream(dir_.path() / "m.bin", std::ios::binary) << std::string(64, '\0');
  std::ofstream(dir_.path() / "m.xml") << R"(<?xml version="1.0"?>
<net name="m" version="11">
  <layers>
    <layer id="0" name="c" type="Const" version="opset1">
      <data element_type="f32" shape="1152921504606846976" offset="0" size="8" />
      <output><port id="0" precision="FP32"><dim>1152921504606846976</dim></port></output>
    </layer>
    <layer id="1" name="r" type="Result" version="opset1">
      <input><port id="0" precision="FP32"><dim>1152921504606846976</dim></port></input>
    </layer>
  </layers>
  <edges><edge from-layer="0" from-port="0" to-layer="1" to-port="0" /></edges>
</net>
)";
  msg = error_of([&] { read_ir((dir_.path() / "m.xml").string()); });
  EXPECT_NE(msg.find("more bytes than fit in memory"), std::string::npos) << msg;
}

}  // namespace
}  // namespace remo
