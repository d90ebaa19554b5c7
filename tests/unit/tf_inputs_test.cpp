// A PlaceholderWithDefault that --input names becomes a model input of its own dtype and shape
// (frontends/tensorflow/tf_inputs.h); unnamed, it stays a node that computes its default.
#include <gtest/gtest.h>

#include <fstream>

#include "engine/graph/error.h"
#include "frontends/tensorflow/proto/graph.pb.h"
#include "frontends/tensorflow/tf_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using remo::testing_support::ScratchDir;

// x: Placeholder f32 [2]; k: PlaceholderWithDefault i32 [-1] of the constant [3, 4]; y = x * k.
std::string defaulted_model(const ScratchDir& dir) {
  tensorflow::GraphDef g;
  auto add = [&](const std::string& name, const std::string& op, std::vector<std::string> inputs) {
    auto* n = g.add_node();
    n->set_name(name);
    n->set_op(op);
    for (auto& i : inputs) n->add_input(i);
    return n;
  };
  auto* x = add("x", "Placeholder", {});
  (*x->mutable_attr())["dtype"].set_type(tensorflow::DT_FLOAT);
  (*x->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(2);
  auto* c = add("k_default", "Const", {});
  (*c->mutable_attr())["dtype"].set_type(tensorflow::DT_INT32);
  auto* t = (*c->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(tensorflow::DT_INT32);
  t->mutable_tensor_shape()->add_dim()->set_size(2);
  t->add_int_val(3);
  t->add_int_val(4);
  auto* k = add("k", "PlaceholderWithDefault", {"k_default"});
  (*k->mutable_attr())["dtype"].set_type(tensorflow::DT_INT32);
  (*k->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(-1);
  add("y", "Mul", {"x", "k:0"});
  std::string path = (dir.path() / "defaulted.pb").string();
  std::ofstream(path, std::ios::binary) << g.SerializeAsString();
  return path;
}

// --input items as the command line parses them: "k:0" is node k, output port 0.
TfReadOptions feeding(std::vector<std::string> names) {
  TfReadOptions o;
  o.nhwc_to_nchw = false;
  for (const std::string& name : names) {
    InputSpec spec{.name = name, .text = name};
    if (auto colon = name.find(':'); colon != std::string::npos) {
      spec.name = name.substr(0, colon);
      spec.output_port = std::stoll(name.substr(colon + 1));
    }
    o.inputs.push_back(spec);
  }
  return o;
}

TEST(TfInputs, UnnamedPlaceholderWithDefaultComputesItsDefault) {
  ScratchDir dir;
  auto g = read_tf_model(defaulted_model(dir), feeding({"x"}));
  ASSERT_EQ(g->parameters().size(), 1u);
  EXPECT_EQ(g->find_node("k")->op(), "tf.PlaceholderWithDefault");
}

TEST(TfInputs, NamedPlaceholderWithDefaultBecomesAnInputOfItsDtypeAndShape) {
  ScratchDir dir;
  for (const char* name : {"k", "k:0"}) {
    auto g = read_tf_model(defaulted_model(dir), feeding({"x", name}));
    ASSERT_EQ(g->parameters().size(), 2u) << name;
    Node* k = g->find_node("k");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->op(), "opset1.Parameter");
    EXPECT_EQ(k->outputs[0].type, ElementType::i32);
    EXPECT_EQ(k->outputs[0].shape.dims(), (std::vector<int64_t>{-1}));
    EXPECT_EQ(k->outputs[0].names, (std::vector<std::string>{"k", "k:0"}));
    // The default is no longer computed; the product reads the new input.
    EXPECT_EQ(g->find_node("k_default"), nullptr);
    EXPECT_EQ(g->find_node("y")->input(1).node, k->id());
  }
}

}  // namespace
}  // namespace remo
