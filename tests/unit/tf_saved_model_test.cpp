// TensorFlow models with variables, built by hand with the schema classes and a BundleWriter
// checkpoint: a GraphDef + TF1 checkpoint (saver and initializer sub-graphs dropped), a TF2
// SavedModel whose variables are bound through the object graph and a call's captures, a
// MetaGraph, and the errors for missing pieces.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329 in inlined std::string code
#endif
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "frontends/tensorflow/proto/meta_graph.pb.h"
#include "frontends/tensorflow/proto/saved_model.pb.h"
#include "frontends/tensorflow/proto/saved_object_graph.pb.h"
#include "frontends/tensorflow/proto/trackable_object_graph.pb.h"
#include "frontends/tensorflow/tf_reader.h"
#include "frontends/tensorflow/tf_saved_model.h"
#include "tests/unit/test_support.h"
#include "tests/unit/tf_bundle_writer.h"

namespace remo {
namespace {

using testing_support::BundleWriter;
using testing_support::ScratchDir;
namespace fs = std::filesystem;

template <typename Message>
Message parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const Node& node_named(Graph& g, const std::string& name) {
  Node* n = g.find_node(name);
  if (!n) throw Error("no node " + name);
  return *n;
}

// x[1,2] @ w + b with TF1 variables, their initializers, an init op and a saver.
const char* kTf1Graph = R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "shape" value { shape { dim { size: 1 } dim { size: 2 } } } } }
node { name: "w" op: "VariableV2" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "w/initial_value" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
       attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: 1 } } float_val: 0 } } } }
node { name: "w/Assign" op: "Assign" input: "w" input: "w/initial_value" }
node { name: "w/read" op: "Identity" input: "w" }
node { name: "b" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } } attr { key: "shared_name" value { s: "b" } } }
node { name: "b/Read" op: "ReadVariableOp" input: "b" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "b/IsInitialized" op: "VarIsInitializedOp" input: "b" }
node { name: "mm" op: "MatMul" input: "x" input: "w/read" }
node { name: "y" op: "AddV2" input: "mm" input: "b/Read" }
node { name: "init" op: "NoOp" input: "^w/Assign" }
node { name: "save/Const" op: "Const" attr { key: "dtype" value { type: DT_STRING } }
       attr { key: "value" value { tensor { dtype: DT_STRING tensor_shape {} string_val: "model" } } } }
node { name: "save/SaveV2" op: "SaveV2" input: "save/Const" input: "w" }
node { name: "save/control_dependency" op: "Identity" input: "save/Const" input: "^save/SaveV2" }
)";

void write_tf1_checkpoint(const std::string& prefix, bool with_b = true) {
  BundleWriter w;
  w.add_floats("w", {2, 1}, {3, 4});
  if (with_b) w.add_floats("b", {1}, {0.5f});
  w.write(prefix);
}

TEST(TfCheckpoint, VariablesBecomeConstantsAndTheSaverIsDropped) {
  ScratchDir dir;
  const std::string graph_path = (dir.path() / "g.pbtxt").string();
  std::ofstream(graph_path) << kTf1Graph;
  const std::string prefix = (dir.path() / "model.ckpt").string();
  write_tf1_checkpoint(prefix);
  TfReadOptions options;
  options.text = true;
  options.checkpoint = prefix;
  auto graph = read_tf_model(graph_path, options);
  const Node& w = node_named(*graph, "w");
  EXPECT_EQ(w.op(), "opset1.Constant");
  const Tensor& value = std::get<Tensor>(w.attrs.at("value"));
  EXPECT_TRUE(value.is_mapped());
  EXPECT_EQ(value.at<float>(1), 4.0f);
  EXPECT_EQ(node_named(*graph, "b").op(), "opset1.Constant");
  for (const char* gone : {"w/Assign", "w/initial_value", "save/SaveV2", "save/Const", "b/IsInitialized"})
    EXPECT_EQ(graph->find_node(gone), nullptr) << gone;
  ASSERT_EQ(graph->results().size(), 1u);
  EXPECT_EQ(graph->at(graph->results()[0]).name, "y/sink_port_0");
  auto files = std::get<std::vector<std::string>>(graph->meta.at("source_files"));
  EXPECT_EQ(files.size(), 2u);

  // The whole conversion runs: y = x @ [3,4] + 0.5.
  ConvertOptions convert;
  convert.input_model = graph_path;
  convert.input_checkpoint = prefix;
  convert.output_dir = (dir.path() / "out").string();
  convert_model(convert);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "g.xml"));
}

TEST(TfCheckpoint, AFolderStandsForItsLatestCheckpoint) {
  ScratchDir dir;
  const std::string graph_path = (dir.path() / "g.pbtxt").string();
  std::ofstream(graph_path) << kTf1Graph;
  fs::create_directories(dir.path() / "train");
  write_tf1_checkpoint((dir.path() / "train" / "model.ckpt-20").string());
  TfReadOptions options;
  options.text = true;
  options.checkpoint = (dir.path() / "train").string();
  EXPECT_NE(error_of([&] { read_tf_model(graph_path, options); }).find("must hold TensorFlow's 'checkpoint' state file"),
            std::string::npos);
  std::ofstream(dir.path() / "train" / "checkpoint") << "model_checkpoint_path: \"model.ckpt-20\"\n"
                                                        "all_model_checkpoint_paths: \"model.ckpt-10\"\n";
  auto graph = read_tf_model(graph_path, options);
  EXPECT_EQ(node_named(*graph, "w").op(), "opset1.Constant");
}

TEST(TfCheckpoint, AMissingVariableNamesTheCheckpointAndNode) {
  ScratchDir dir;
  const std::string graph_path = (dir.path() / "g.pbtxt").string();
  std::ofstream(graph_path) << kTf1Graph;
  const std::string prefix = (dir.path() / "model.ckpt").string();
  write_tf1_checkpoint(prefix, false);
  TfReadOptions options;
  options.text = true;
  options.checkpoint = prefix;
  EXPECT_NE(error_of([&] { read_tf_model(graph_path, options); })
                .find(prefix + ".index: the checkpoint has no value for variable 'b' (tf.VarHandleOp)"),
            std::string::npos);
}

TEST(TfCheckpoint, AMetaGraphReadsTheCheckpointBesideIt) {
  ScratchDir dir;
  tensorflow::MetaGraphDef meta;
  *meta.mutable_graph_def() = parse<tensorflow::GraphDef>(kTf1Graph);
  const std::string meta_path = (dir.path() / "model.ckpt.meta").string();
  std::ofstream(meta_path, std::ios::binary) << meta.SerializeAsString();
  TfReadOptions options;
  EXPECT_NE(error_of([&] { read_tf_meta_graph(meta_path, options); })
                .find(meta_path + ": no checkpoint beside the MetaGraph (expected " + (dir.path() / "model.ckpt").string() +
                      ".index"),
            std::string::npos);
  write_tf1_checkpoint((dir.path() / "model.ckpt").string());
  auto graph = read_tf_meta_graph(meta_path, options);
  EXPECT_EQ(node_named(*graph, "w").op(), "opset1.Constant");
  EXPECT_EQ(graph->results().size(), 1u);
}

TEST(TfCheckpoint, AMetaGraphWithASignatureIsCutToItsOutputs) {
  ScratchDir dir;
  tensorflow::MetaGraphDef meta = parse<tensorflow::MetaGraphDef>(R"(
    signature_def { key: "predict" value {
      inputs { key: "features" value { name: "x:0" } }
      outputs { key: "product" value { name: "mm:0" } } } })");
  *meta.mutable_graph_def() = parse<tensorflow::GraphDef>(kTf1Graph);
  const std::string meta_path = (dir.path() / "model.meta").string();
  std::ofstream(meta_path, std::ios::binary) << meta.SerializeAsString();
  BundleWriter w;
  w.add_floats("w", {2, 1}, {3, 4});  // b is not needed: the signature's output does not read it
  w.write((dir.path() / "vars").string());
  TfReadOptions options;
  options.checkpoint = (dir.path() / "vars").string();
  auto graph = read_tf_meta_graph(meta_path, options);
  EXPECT_EQ(graph->find_node("b"), nullptr);
  EXPECT_EQ(graph->find_node("y"), nullptr);
  ASSERT_EQ(graph->results().size(), 1u);
  const Value out = graph->at(graph->results()[0]).input(0);
  const auto& names = graph->at(out.node).outputs[out.port].names;
  EXPECT_NE(std::find(names.begin(), names.end(), "product"), names.end());
  const auto& in_names = graph->at(graph->parameters()[0]).outputs[0].names;
  EXPECT_NE(std::find(in_names.begin(), in_names.end(), "features"), in_names.end());
}

// A TF2 SavedModel: serving_default calls f(x, v) where v is the captured variable object 1.
const char* kTf2MetaGraph = R"(
meta_info_def { tags: "serve" }
signature_def { key: "serving_default" value {
  inputs { key: "inp" value { name: "serving_default_inp:0" dtype: DT_FLOAT } }
  outputs { key: "out" value { name: "StatefulPartitionedCall:0" dtype: DT_FLOAT } }
  method_name: "tensorflow/serving/predict" } }
signature_def { key: "__saved_model_init_op" value { outputs { key: "__saved_model_init_op" value { name: "NoOp" } } } }
graph_def {
  node { name: "serving_default_inp" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shape" value { shape { dim { size: 1 } dim { size: 2 } } } } }
  node { name: "dense/kernel" op: "VarHandleOp" attr { key: "dtype" value { type: DT_FLOAT } }
         attr { key: "shared_name" value { s: "dense/kernel" } } }
  node { name: "StatefulPartitionedCall" op: "StatefulPartitionedCall" input: "serving_default_inp" input: "dense/kernel"
         attr { key: "f" value { func { name: "serve_fn" } } } }
  node { name: "saver_filename" op: "Placeholder" attr { key: "dtype" value { type: DT_STRING } } }
  node { name: "StatefulPartitionedCall_1" op: "StatefulPartitionedCall" input: "saver_filename" input: "dense/kernel"
         attr { key: "f" value { func { name: "save_fn" } } } }
  node { name: "NoOp" op: "NoOp" }
  library {
    function {
      signature { name: "serve_fn" input_arg { name: "x" type: DT_FLOAT } input_arg { name: "res" type: DT_RESOURCE }
                  output_arg { name: "identity" type: DT_FLOAT } }
      node_def { name: "read" op: "ReadVariableOp" input: "res" attr { key: "dtype" value { type: DT_FLOAT } } }
      node_def { name: "mm" op: "MatMul" input: "x" input: "read:value:0" }
      node_def { name: "Identity" op: "Identity" input: "mm:product:0" }
      ret { key: "identity" value: "Identity:output:0" }
    }
    function {
      signature { name: "save_fn" input_arg { name: "f" type: DT_STRING } input_arg { name: "r" type: DT_RESOURCE }
                  output_arg { name: "o" type: DT_STRING } }
      node_def { name: "save" op: "SaveV2" input: "f" input: "r" }
      ret { key: "o" value: "f" }
    }
  }
})";

void write_tf2_saved_model(const fs::path& dir, bool with_shard = true) {
  fs::create_directories(dir / "variables");
  tensorflow::SavedModel saved;
  tensorflow::MetaGraphDef* meta = saved.add_meta_graphs();
  *meta = parse<tensorflow::MetaGraphDef>(kTf2MetaGraph);
  // Object 0 is the root, 1 the variable (named unlike the node, so only the capture binds it).
  tensorflow::SavedObjectGraph objects = parse<tensorflow::SavedObjectGraph>(R"(
    nodes { children { node_id: 1 local_name: "kernel" } }
    nodes { variable { dtype: DT_FLOAT name: "some/other/name" } }
    concrete_functions { key: "serve_fn" value { bound_inputs: 1 } })");
  meta->set_object_graph_def(objects.SerializeAsString());
  std::ofstream(dir / "saved_model.pb", std::ios::binary) << saved.SerializeAsString();
  tensorflow::TrackableObjectGraph trackable = parse<tensorflow::TrackableObjectGraph>(R"(
    nodes { children { node_id: 1 local_name: "kernel" } }
    nodes { attributes { name: "VARIABLE_VALUE" checkpoint_key: "kernel/.ATTRIBUTES/VARIABLE_VALUE" } })");
  BundleWriter w;
  w.add_floats("kernel/.ATTRIBUTES/VARIABLE_VALUE", {2, 1}, {5, 6});
  w.add_string("_CHECKPOINTABLE_OBJECT_GRAPH", trackable.SerializeAsString());
  const std::string prefix = (dir / "variables" / "variables").string();
  w.write(prefix);
  if (!with_shard) fs::remove(tf_import::bundle_shard_path(prefix, 0, 1));
}

TEST(TfSavedModel, Tf2VariablesAreBoundThroughTheCallCapturesAndTheSignatureNamesTheTensors) {
  ScratchDir dir;
  write_tf2_saved_model(dir.path() / "sm");
  auto graph = read_tf_saved_model((dir.path() / "sm").string(), {"serve"}, TfReadOptions{});
  const Node& kernel = node_named(*graph, "dense/kernel");
  EXPECT_EQ(kernel.op(), "opset1.Constant");
  EXPECT_EQ(std::get<Tensor>(kernel.attrs.at("value")).at<float>(1), 6.0f);
  EXPECT_EQ(node_named(*graph, "StatefulPartitionedCall/mm").op(), "tf.MatMul");
  EXPECT_EQ(graph->find_node("StatefulPartitionedCall_1"), nullptr) << "the saver call is cut away";
  EXPECT_EQ(graph->find_node("saver_filename"), nullptr);
  ASSERT_EQ(graph->parameters().size(), 1u);
  const auto& in_names = graph->at(graph->parameters()[0]).outputs[0].names;
  EXPECT_NE(std::find(in_names.begin(), in_names.end(), "inp"), in_names.end());
  ASSERT_EQ(graph->results().size(), 1u);
  const Value out = graph->at(graph->results()[0]).input(0);
  const auto& out_names = graph->at(out.node).outputs[out.port].names;
  EXPECT_NE(std::find(out_names.begin(), out_names.end(), "out"), out_names.end());

  ConvertOptions convert;
  convert.saved_model_dir = (dir.path() / "sm").string();
  convert.output_dir = (dir.path() / "out").string();
  convert_model(convert);
  EXPECT_TRUE(fs::exists(dir.path() / "out" / "saved_model.xml"));
}

TEST(TfSavedModel, ErrorsNameTheFileAndWhatIsMissing) {
  ScratchDir dir;
  write_tf2_saved_model(dir.path() / "sm", false);
  const std::string sm = (dir.path() / "sm").string();
  EXPECT_NE(error_of([&] { read_tf_saved_model(sm, {"serve"}, TfReadOptions{}); })
                .find(sm + "/variables/variables.data-00000-of-00001: missing data shard 0 of 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_tf_saved_model(sm, {"serve", "gpu"}, TfReadOptions{}); })
                .find("no MetaGraph has the tags 'serve,gpu' (it has: serve); choose with --saved_model_tags"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_tf_saved_model((dir.path() / "none").string(), {"serve"}, TfReadOptions{}); })
                .find("not a SavedModel folder"),
            std::string::npos);
}

TEST(TfSavedModel, DroppingTheSaverKeepsWhatTheOutputsNeed) {
  tensorflow::GraphDef g = parse<tensorflow::GraphDef>(kTf1Graph);
  EXPECT_EQ(tf_import::drop_saver_and_initializers(g), 6u);  // Assign, initial_value, IsInitialized, save/*
  tensorflow::GraphDef p = parse<tensorflow::GraphDef>(kTf1Graph);
  tf_import::prune_to_outputs(p, {"mm:0"});
  std::vector<std::string> names;
  for (const auto& n : p.node()) names.push_back(n.name());
  EXPECT_EQ(names, (std::vector<std::string>{"x", "w", "w/read", "mm"}));
}

TEST(TfSavedModel, BodyNodesNoOutputReadsAreCutAfterInlining) {
  ScratchDir dir;
  const std::string path = (dir.path() / "g.pbtxt").string();
  std::ofstream(path) << R"(
node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "unused" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
node { name: "call" op: "PartitionedCall" input: "x" attr { key: "f" value { func { name: "f" } } } }
library { function {
  signature { name: "f" input_arg { name: "a" type: DT_FLOAT } output_arg { name: "o" type: DT_FLOAT } }
  node_def { name: "relu" op: "Relu" input: "a" }
  node_def { name: "side" op: "SomeSideEffect" input: "a" }
  ret { key: "o" value: "relu:activations:0" } } })";
  TfReadOptions options;
  options.text = true;
  auto graph = read_tf_model(path, options);
  EXPECT_EQ(graph->find_node("call/side"), nullptr);
  EXPECT_EQ(node_named(*graph, "call/relu").op(), "tf.Relu");
  ASSERT_EQ(graph->results().size(), 1u);
  EXPECT_EQ(graph->at(graph->results()[0]).name, "call/sink_port_0");
  EXPECT_EQ(graph->parameters().size(), 2u) << "a graph's own inputs stay, used or not";
}

}  // namespace
}  // namespace remo
