// TensorFlow function libraries: bodies turned into GraphDef nodes, calls inlined (recursively),
// output-arg names resolved to ports, recursion and depth errors.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329 in inlined std::string code
#endif
#include "frontends/tensorflow/tf_function_library.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <map>

#include "engine/graph/error.h"

namespace remo::tf_import {
namespace {

tensorflow::GraphDef parse(const std::string& text) {
  tensorflow::GraphDef g;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &g)) << text;
  return g;
}

std::map<std::string, const tensorflow::NodeDef*> by_name(const tensorflow::GraphDef& g) {
  std::map<std::string, const tensorflow::NodeDef*> m;
  for (const auto& n : g.node()) m[n.name()] = &n;
  return m;
}

std::vector<std::string> inputs(const tensorflow::NodeDef& n) { return {n.input().begin(), n.input().end()}; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// A body with a multi-output op (FusedBatchNormV3's batch_mean is port 1), a ret that is an input
// arg, and a list-valued output arg of a call by op name (SparseSplit-like layouts are checked below).
const char* kCallGraph = R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "s" op: "Const" }
node { name: "call" op: "StatefulPartitionedCall" input: "x" input: "s"
       attr { key: "f" value { func { name: "body" } } } }
node { name: "use" op: "AddV2" input: "call:1" input: "call" }
library {
  function {
    signature { name: "body" input_arg { name: "a" type: DT_FLOAT } input_arg { name: "scale" type: DT_FLOAT }
                output_arg { name: "y" type: DT_FLOAT } output_arg { name: "mean" type: DT_FLOAT }
                output_arg { name: "passthrough" type: DT_FLOAT } }
    node_def { name: "bn" op: "FusedBatchNormV3" input: "a" input: "scale" input: "scale" input: "scale" input: "scale" }
    node_def { name: "relu" op: "Relu" input: "bn:y:0" input: "^bn" }
    ret { key: "y" value: "relu:activations:0" }
    ret { key: "mean" value: "bn:batch_mean:0" }
    ret { key: "passthrough" value: "a" }
  }
})";

TEST(TfFunctionLibrary, InlinesACallAndResolvesOutputArgsToPorts) {
  tensorflow::GraphDef g = parse(kCallGraph);
  EXPECT_EQ(inline_function_calls(g), 1u);
  auto nodes = by_name(g);
  ASSERT_TRUE(nodes.count("call/bn"));
  ASSERT_TRUE(nodes.count("call/relu"));
  EXPECT_EQ(inputs(*nodes["call/bn"]), (std::vector<std::string>{"x", "s", "s", "s", "s"}));
  EXPECT_EQ(inputs(*nodes["call/relu"]), (std::vector<std::string>{"call/bn:0", "^call/bn"}));
  const tensorflow::NodeDef& call = *nodes["call"];
  EXPECT_EQ(call.op(), "IdentityN");
  EXPECT_EQ(inputs(call), (std::vector<std::string>{"call/relu:0", "call/bn:1", "x"}));
  EXPECT_EQ(call.attr().at("T").list().type_size(), 3);
  EXPECT_EQ(inputs(*nodes["use"]), (std::vector<std::string>{"call:1", "call"}));
}

TEST(TfFunctionLibrary, InlinesNestedCallsByOpNameAndBindsAttributePlaceholders) {
  tensorflow::GraphDef g = parse(R"(
node { name: "x" op: "Placeholder" }
node { name: "outer" op: "PartitionedCall" input: "x" attr { key: "f" value { func { name: "f" } } } }
library {
  function {
    signature { name: "f" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "out" type: DT_FLOAT } }
    node_def { name: "inner" op: "g" input: "a" attr { key: "T" value { type: DT_HALF } } }
    ret { key: "out" value: "inner:r:0" }
  }
  function {
    signature { name: "g" input_arg { name: "b" type: DT_FLOAT }
                output_arg { name: "q" type: DT_FLOAT } output_arg { name: "r" type: DT_FLOAT } }
    node_def { name: "cast" op: "Cast" input: "b" attr { key: "DstT" value { placeholder: "T" } } }
    node_def { name: "split" op: "Split" input: "cast:y:0" attr { key: "num_split" value { i: 2 } } }
    ret { key: "q" value: "split:output:0" }
    ret { key: "r" value: "split:output:1" }
  }
})");
  EXPECT_EQ(inline_function_calls(g), 2u);
  auto nodes = by_name(g);
  ASSERT_TRUE(nodes.count("outer/inner/cast")) << g.DebugString();
  EXPECT_EQ(nodes["outer/inner/cast"]->attr().at("DstT").type(), tensorflow::DT_HALF);
  EXPECT_EQ(inputs(*nodes["outer/inner/split"]), (std::vector<std::string>{"outer/inner/cast:0"}));
  // g's output arg r is its second: the IdentityN "outer/inner" port 1.
  EXPECT_EQ(inputs(*nodes["outer"]), (std::vector<std::string>{"outer/inner:1"}));
  EXPECT_EQ(inputs(*nodes["outer/inner"]), (std::vector<std::string>{"outer/inner/split:0", "outer/inner/split:1"}));
}

TEST(TfFunctionLibrary, ListValuedOutputArgsCountFromTheNodeAttributes) {
  tensorflow::NodeDef n;
  n.set_name("ss");
  n.set_op("SparseSplit");
  (*n.mutable_attr())["num_split"].set_i(3);
  EXPECT_EQ(output_arg_port(n, "output_indices", 2, nullptr, nullptr), 2u);
  EXPECT_EQ(output_arg_port(n, "output_values", 1, nullptr, nullptr), 4u);
  EXPECT_EQ(output_arg_port(n, "output_shape", 0, nullptr, nullptr), 6u);
  EXPECT_NE(error_of([&] { output_arg_port(n, "nope", 0, nullptr, nullptr); }).find("output_indices, output_values"),
            std::string::npos);
  tensorflow::NodeDef bn;
  bn.set_name("bn");
  bn.set_op("FusedBatchNormV3");
  EXPECT_EQ(output_arg_port(bn, "reserve_space_3", 0, nullptr, nullptr), 5u);
  // A given OpDef list comes first.
  tensorflow::OpList ops;
  auto* op = ops.add_op();
  op->set_name("FusedBatchNormV3");
  op->add_output_arg()->set_name("only");
  op->add_output_arg()->set_name("reserve_space_3");
  EXPECT_EQ(output_arg_port(bn, "reserve_space_3", 0, nullptr, &ops), 1u);
}

TEST(TfFunctionLibrary, RecursionIsAnErrorNamingTheChain) {
  tensorflow::GraphDef g = parse(R"(
node { name: "x" op: "Placeholder" }
node { name: "c" op: "f" input: "x" }
library {
  function { signature { name: "f" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "o" type: DT_FLOAT } }
             node_def { name: "n" op: "g" input: "a" } ret { key: "o" value: "n:o:0" } }
  function { signature { name: "g" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "o" type: DT_FLOAT } }
             node_def { name: "n" op: "f" input: "a" } ret { key: "o" value: "n:o:0" } }
})");
  std::string message = error_of([&] { inline_function_calls(g); });
  EXPECT_NE(message.find("calls itself (f -> g -> f)"), std::string::npos) << message;
}

TEST(TfFunctionLibrary, DepthLimitIsAnError) {
  std::string text = R"(node { name: "x" op: "Placeholder" } node { name: "c" op: "f0" input: "x" } library {)";
  for (int i = 0; i < 5; ++i)
    text += "function { signature { name: \"f" + std::to_string(i) +
            "\" input_arg { name: \"a\" type: DT_FLOAT } output_arg { name: \"o\" type: DT_FLOAT } } node_def { name: "
            "\"n\" op: \"" + (i < 4 ? "f" + std::to_string(i + 1) : std::string("Relu")) +
            "\" input: \"a\" } ret { key: \"o\" value: \"n:o:0\" } }";
  text += "}";
  tensorflow::GraphDef deep = parse(text);
  InlineOptions shallow;
  shallow.max_depth = 3;
  std::string message = error_of([&] { inline_function_calls(deep, shallow); });
  EXPECT_NE(message.find("nested more than 3 deep (f0 -> f1 -> f2 -> f3)"), std::string::npos) << message;
  tensorflow::GraphDef ok = parse(text);
  EXPECT_EQ(inline_function_calls(ok), 5u);
  EXPECT_EQ(by_name(ok).at("c/n/n/n/n/n")->op(), "Relu");
}

TEST(TfFunctionLibrary, ErrorsNameTheCallAndTheFunction) {
  tensorflow::GraphDef missing = parse(R"(
node { name: "c" op: "PartitionedCall" attr { key: "f" value { func { name: "nowhere" } } } }
library { function { signature { name: "other" } } })");
  EXPECT_NE(error_of([&] { inline_function_calls(missing); }).find("calls function 'nowhere', which the graph's function library does not define"),
            std::string::npos);
  tensorflow::GraphDef bad_input = parse(R"(
node { name: "c" op: "f" }
library { function { signature { name: "f" output_arg { name: "o" type: DT_FLOAT } }
                     node_def { name: "n" op: "Relu" input: "ghost:y:0" } ret { key: "o" value: "n:activations:0" } } })");
  std::string message = error_of([&] { inline_function_calls(bad_input); });
  EXPECT_NE(message.find("node 'c' (tf.f) calling 'f': function 'f': input 'ghost:y:0' names no node"), std::string::npos)
      << message;
  tensorflow::GraphDef arity = parse(R"(
node { name: "c" op: "f" }
library { function { signature { name: "f" input_arg { name: "a" type: DT_FLOAT } } } })");
  EXPECT_NE(error_of([&] { inline_function_calls(arity); }).find("passes 0 inputs, the function takes 1"), std::string::npos);
}

TEST(TfFunctionLibrary, FunctionBodyStandsAloneWithPlaceholdersPerArg) {
  tensorflow::GraphDef g = parse(kCallGraph);
  (*(*g.mutable_library()->mutable_function(0)->mutable_arg_attr())[0].mutable_attr())["_output_shapes"]
      .mutable_list()->add_shape()->add_dim()->set_size(7);
  FunctionBody body = function_body(g.library(), "body");
  EXPECT_EQ(body.inputs, (std::vector<std::string>{"a", "scale"}));
  EXPECT_EQ(body.outputs, (std::vector<std::string>{"relu:0", "bn:1", "a:0"}));
  auto nodes = by_name(body.graph);
  EXPECT_EQ(nodes.at("a")->op(), "Placeholder");
  EXPECT_EQ(nodes.at("a")->attr().at("shape").shape().dim(0).size(), 7);
  EXPECT_EQ(nodes.at("scale")->attr().at("dtype").type(), tensorflow::DT_FLOAT);
  EXPECT_EQ(inputs(*nodes.at("bn")), (std::vector<std::string>{"a:0", "scale:0", "scale:0", "scale:0", "scale:0"}));
  EXPECT_EQ(body.graph.library().function_size(), 1);
  EXPECT_NE(error_of([&] { function_body(g.library(), "zzz"); }).find("no function 'zzz'"), std::string::npos);
}

}  // namespace
}  // namespace remo::tf_import
