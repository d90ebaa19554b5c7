// TensorFlow frontend: GraphDefs are built with the schema classes of frontends/tensorflow/proto,
// written to a scratch folder (binary or text) and read back through read_tf_model.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329 in inlined std::string code
#endif
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "engine/graph/error.h"
#include "frontends/tensorflow/proto/graph.pb.h"
#include "frontends/tensorflow/tf_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using remo::testing_support::ScratchDir;
namespace fs = std::filesystem;

tensorflow::NodeDef* add(tensorflow::GraphDef& g, const std::string& name, const std::string& op,
                         std::vector<std::string> inputs = {}) {
  auto* n = g.add_node();
  n->set_name(name);
  n->set_op(op);
  for (auto& i : inputs) n->add_input(i);
  return n;
}

tensorflow::AttrValue& attr(tensorflow::NodeDef* n, const std::string& key) { return (*n->mutable_attr())[key]; }

void placeholder(tensorflow::GraphDef& g, const std::string& name, std::vector<int64_t> dims) {
  auto* n = add(g, name, "Placeholder");
  attr(n, "dtype").set_type(tensorflow::DT_FLOAT);
  auto* shape = attr(n, "shape").mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_size(d);
}

void float_const(tensorflow::GraphDef& g, const std::string& name, std::vector<int64_t> dims,
                 std::vector<float> values) {
  auto* n = add(g, name, "Const");
  attr(n, "dtype").set_type(tensorflow::DT_FLOAT);
  auto* t = attr(n, "value").mutable_tensor();
  t->set_dtype(tensorflow::DT_FLOAT);
  for (int64_t d : dims) t->mutable_tensor_shape()->add_dim()->set_size(d);
  for (float v : values) t->add_float_val(v);
}

fs::path write_binary(const ScratchDir& dir, const tensorflow::GraphDef& g, const std::string& name = "m.pb") {
  fs::path path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << g.SerializeAsString();
  return path;
}

fs::path write_text(const ScratchDir& dir, const std::string& text, const std::string& name = "m.pbtxt") {
  fs::path path = dir.path() / name;
  std::ofstream(path) << text;
  return path;
}

TfReadOptions nhwc() {
  TfReadOptions o;
  o.nhwc_to_nchw = false;
  return o;
}

std::string error_of(const fs::path& path, const TfReadOptions& options = nhwc()) {
  try {
    read_tf_model(path.string(), options);
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

// A small CNN-like graph: Placeholder -> Conv2D(Const) -> Relu, with a control input.
tensorflow::GraphDef small_graph() {
  tensorflow::GraphDef g;
  g.mutable_versions()->set_producer(1234);
  placeholder(g, "x", {1, 4, 4, 2});
  float_const(g, "w", {1, 1, 2, 3}, {1, 2, 3, 4, 5, 6});
  auto* conv = add(g, "conv", "Conv2D", {"x", "w:0"});
  attr(conv, "T").set_type(tensorflow::DT_FLOAT);
  for (int s : {1, 1, 1, 1}) attr(conv, "strides").mutable_list()->add_i(s);
  attr(conv, "padding").set_s("SAME");
  add(g, "relu", "Relu", {"conv", "^w"});
  return g;
}

TEST(TfReader, BinaryGraphBecomesFrameworkOpsWithParameterAndResult) {
  ScratchDir dir;
  auto graph = read_tf_model(write_binary(dir, small_graph()).string(), nhwc());
  EXPECT_EQ(std::get<std::string>(graph->meta.at("framework")), "tf");
  EXPECT_EQ(std::get<int64_t>(graph->meta.at("tf:producer")), 1234);
  ASSERT_EQ(graph->parameters().size(), 1u);
  const Node& x = graph->at(graph->parameters()[0]);
  EXPECT_EQ(x.op(), "opset1.Parameter");
  EXPECT_EQ(std::get<std::vector<int64_t>>(x.attrs.at("shape")), (std::vector<int64_t>{1, 4, 4, 2}));
  const Node& conv = node_named(*graph, "conv");
  EXPECT_EQ(conv.op(), "tf.Conv2D");
  EXPECT_EQ(std::get<std::string>(conv.attrs.at("padding")), "SAME");
  EXPECT_EQ(std::get<ElementType>(conv.attrs.at("T")), ElementType::f32);
  EXPECT_EQ(std::get<std::vector<int64_t>>(conv.attrs.at("strides")), (std::vector<int64_t>{1, 1, 1, 1}));
  const Node& relu = node_named(*graph, "relu");
  EXPECT_EQ(relu.inputs().size(), 1u) << "the control input ^w is dropped";
  EXPECT_EQ(relu.outputs[0].names, (std::vector<std::string>{"relu", "relu:0"}));
  ASSERT_EQ(graph->results().size(), 1u);
  EXPECT_EQ(graph->at(graph->results()[0]).name, "relu/sink_port_0");
  const Tensor& w = std::get<Tensor>(node_named(*graph, "w").attrs.at("value"));
  EXPECT_EQ(w.shape(), (Shape{1, 1, 2, 3}));
  EXPECT_EQ(w.to_double(), (std::vector<double>{1, 2, 3, 4, 5, 6}));
}

TEST(TfReader, TextGraphReadsLikeTheBinaryOne) {
  ScratchDir dir;
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(small_graph(), &text));
  auto graph = read_tf_model(write_text(dir, text).string(), [] { auto o = nhwc(); o.text = true; return o; }());
  EXPECT_EQ(node_named(*graph, "conv").op(), "tf.Conv2D");
  EXPECT_EQ(graph->results().size(), 1u);
  EXPECT_EQ(graph->node_count(), 5u);  // x, w, conv, relu, Result
}

TEST(TfReader, EveryAttributeKindConverts) {
  tensorflow::GraphDef g;
  auto* n = add(g, "n", "Custom");
  attr(n, "s").set_s("text");
  attr(n, "i").set_i(-7);
  attr(n, "f").set_f(0.5f);
  attr(n, "b").set_b(true);
  attr(n, "type").set_type(tensorflow::DT_INT64);
  auto* shape = attr(n, "shape").mutable_shape();
  shape->add_dim()->set_size(-1);
  shape->add_dim()->set_size(3);
  attr(n, "unknown_rank").mutable_shape()->set_unknown_rank(true);
  attr(n, "ls").mutable_list()->add_s("a");
  attr(n, "ls").mutable_list()->add_s("b");
  attr(n, "lf").mutable_list()->add_f(1.5f);
  attr(n, "lb").mutable_list()->add_b(true);
  attr(n, "lt").mutable_list()->add_type(tensorflow::DT_HALF);
  attr(n, "empty").mutable_list();
  auto* func = attr(n, "fn").mutable_func();
  func->set_name("body");
  (*func->mutable_attr())["k"].set_i(3);
  auto* t = attr(n, "content").mutable_tensor();
  t->set_dtype(tensorflow::DT_INT32);
  t->mutable_tensor_shape()->add_dim()->set_size(2);
  int32_t raw[2] = {5, -6};
  t->set_tensor_content(std::string(reinterpret_cast<const char*>(raw), sizeof raw));
  auto* padded = attr(n, "padded").mutable_tensor();
  padded->set_dtype(tensorflow::DT_INT64);
  padded->mutable_tensor_shape()->add_dim()->set_size(3);
  padded->add_int64_val(1);
  padded->add_int64_val(9);
  auto* half = attr(n, "half").mutable_tensor();
  half->set_dtype(tensorflow::DT_HALF);
  half->add_half_val(0x3c00);  // 1.0, a scalar
  auto* bools = attr(n, "bools").mutable_tensor();
  bools->set_dtype(tensorflow::DT_BOOL);
  bools->mutable_tensor_shape()->add_dim()->set_size(2);
  bools->add_bool_val(true);
  bools->add_bool_val(false);
  ScratchDir dir;
  auto graph = read_tf_model(write_binary(dir, g).string(), nhwc());
  const Attributes& a = node_named(*graph, "n").attrs;
  EXPECT_EQ(std::get<std::string>(a.at("s")), "text");
  EXPECT_EQ(std::get<int64_t>(a.at("i")), -7);
  EXPECT_EQ(std::get<double>(a.at("f")), 0.5);
  EXPECT_EQ(std::get<bool>(a.at("b")), true);
  EXPECT_EQ(std::get<ElementType>(a.at("type")), ElementType::i64);
  EXPECT_EQ(std::get<std::vector<int64_t>>(a.at("shape")), (std::vector<int64_t>{-1, 3}));
  EXPECT_FALSE(a.count("unknown_rank"));
  EXPECT_EQ(std::get<std::vector<std::string>>(a.at("ls")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(std::get<std::vector<double>>(a.at("lf")), (std::vector<double>{1.5}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(a.at("lb")), (std::vector<int64_t>{1}));
  EXPECT_EQ(std::get<std::vector<std::string>>(a.at("lt")), (std::vector<std::string>{"f16"}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(a.at("empty")), (std::vector<int64_t>{}));
  EXPECT_EQ(std::get<std::string>(a.at("fn")), "body");
  EXPECT_EQ(std::get<int64_t>(a.at("fn:k")), 3);
  EXPECT_EQ(std::get<Tensor>(a.at("content")).to_int64(), (std::vector<int64_t>{5, -6}));
  EXPECT_EQ(std::get<Tensor>(a.at("padded")).to_int64(), (std::vector<int64_t>{1, 9, 9}))
      << "a short typed field is padded with its last value";
  EXPECT_EQ(std::get<Tensor>(a.at("half")).to_double(), (std::vector<double>{1.0}));
  EXPECT_EQ(std::get<Tensor>(a.at("bools")).to_int64(), (std::vector<int64_t>{1, 0}));
}

TEST(TfReader, NamedPortsGiveNodesTheirOutputs) {
  tensorflow::GraphDef g;
  placeholder(g, "x", {6});
  add(g, "split", "Split", {"x"});
  add(g, "add", "AddV2", {"split:2", "split"});
  ScratchDir dir;
  auto graph = read_tf_model(write_binary(dir, g).string(), nhwc());
  const Node& split = node_named(*graph, "split");
  EXPECT_EQ(split.outputs.size(), 3u);
  EXPECT_EQ(split.outputs[2].names, (std::vector<std::string>{"split:2"}));
  const Node& sum = node_named(*graph, "add");
  EXPECT_EQ(sum.input(0), (Value{split.id(), 2}));
  EXPECT_EQ(sum.input(1), (Value{split.id(), 0}));
}

TEST(TfReader, RankFourInputsBecomeNchwWithATransposeUnlessDisabled) {
  ScratchDir dir;
  fs::path path = write_binary(dir, small_graph());
  auto graph = read_tf_model(path.string(), TfReadOptions{});
  const Node& x = graph->at(graph->parameters()[0]);
  EXPECT_EQ(std::get<std::vector<int64_t>>(x.attrs.at("shape")), (std::vector<int64_t>{1, 2, 4, 4}));
  const Node& conv = node_named(*graph, "conv");
  const Node& to_nhwc = graph->at(conv.input(0).node);
  EXPECT_EQ(to_nhwc.op(), "opset1.Transpose");
  EXPECT_EQ(graph->output_info(to_nhwc.output()).shape, PartialShape({1, 4, 4, 2}));
  EXPECT_TRUE(std::get<bool>(graph->meta.at("tf:nchw_inputs")));

  // --input_shape is given in the model's own (NHWC) layout, before the change.
  TfReadOptions with_shape;
  with_shape.input_shapes = {PartialShape({3, 4, 4, 2})};
  auto reshaped = read_tf_model(path.string(), with_shape);
  EXPECT_EQ(std::get<std::vector<int64_t>>(reshaped->at(reshaped->parameters()[0]).attrs.at("shape")),
            (std::vector<int64_t>{3, 2, 4, 4}));
}

TEST(TfReader, PlaceholderWithoutShapeHasADynamicRank) {
  tensorflow::GraphDef g;
  attr(add(g, "x", "Placeholder"), "dtype").set_type(tensorflow::DT_INT32);
  add(g, "y", "Identity", {"x"});
  ScratchDir dir;
  auto graph = read_tf_model(write_binary(dir, g).string(), TfReadOptions{});
  const Node& x = graph->at(graph->parameters()[0]);
  EXPECT_TRUE(std::get<bool>(x.attrs.at("dynamic_rank")));
  EXPECT_EQ(std::get<ElementType>(x.attrs.at("element_type")), ElementType::i32);
}

TEST(TfReader, MalformedFilesAreNamedWithWhatIsWrong) {
  ScratchDir dir;
  std::string bytes = small_graph().SerializeAsString();
  fs::path truncated = dir.path() / "truncated.pb";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  std::string e = error_of(truncated);
  EXPECT_NE(e.find(truncated.string() + ": not a valid binary GraphDef"), std::string::npos) << e;

  auto text_options = nhwc();
  text_options.text = true;
  e = error_of(write_text(dir, "node { name: \"a\" op: \"Relu\"\n  bogus: 1 }\n", "bad.pbtxt"), text_options);
  EXPECT_NE(e.find("bad.pbtxt:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("bogus"), std::string::npos) << e;

  EXPECT_NE(error_of(dir.path() / "missing.pb").find("missing.pb"), std::string::npos);
}

TEST(TfReader, DanglingAndBadInputsNameTheNode) {
  ScratchDir dir;
  auto with = [&](auto edit) {
    tensorflow::GraphDef g = small_graph();
    edit(g);
    return error_of(write_binary(dir, g));
  };
  std::string e = with([](auto& g) { g.mutable_node(3)->add_input("nowhere"); });
  EXPECT_NE(e.find("node 'relu' (tf.Relu): input 'nowhere' names no node"), std::string::npos) << e;
  e = with([](auto& g) { g.mutable_node(3)->add_input("^ghost"); });
  EXPECT_NE(e.find("input '^ghost' names no node"), std::string::npos) << e;
  e = with([](auto& g) { g.mutable_node(3)->add_input("x:1"); });
  EXPECT_NE(e.find("reads an output that node does not have"), std::string::npos) << e;
  e = with([](auto& g) { g.mutable_node(3)->add_input("x:abc"); });
  EXPECT_NE(e.find("no valid output index"), std::string::npos) << e;
  e = with([](auto& g) { add(g, "relu", "Relu", {"x"}); });
  EXPECT_NE(e.find("two nodes are named 'relu'"), std::string::npos) << e;
  e = with([](auto& g) {
    auto* t = (*g.mutable_node(1)->mutable_attr())["value"].mutable_tensor();
    t->set_tensor_content("abc");
  });
  EXPECT_NE(e.find("node 'w' (tf.Const): attribute 'value': tensor_content has 3 bytes"), std::string::npos) << e;
  e = with([](auto& g) { (*g.mutable_node(1)->mutable_attr())["value"].mutable_tensor()->add_float_val(7); });
  EXPECT_NE(e.find("has 7 values in float_val but its shape needs 6"), std::string::npos) << e;
  e = with([](auto& g) { (*g.mutable_node(0)->mutable_attr())["shape"].set_i(3); });  // found by fuzzing
  EXPECT_NE(e.find("node 'x' (tf.Placeholder): attribute 'shape' is not a shape (it holds: int)"), std::string::npos) << e;
  e = with([](auto& g) { (*g.mutable_node(0)->mutable_attr())["dtype"].set_s("f"); });
  EXPECT_NE(e.find("node 'x' (tf.Placeholder): has no dtype attribute"), std::string::npos) << e;
  e = with([](auto& g) { (*g.mutable_node(2)->mutable_attr())["p"].set_placeholder("T"); });
  EXPECT_NE(e.find("attribute 'p': is a function placeholder"), std::string::npos) << e;
}

TEST(TfReader, ConvertsThroughThePipelineByExtension) {
  ScratchDir dir;
  fs::path path = write_binary(dir, small_graph(), "net.pb");
  EXPECT_EQ(error_of(path), "no error");
}

}  // namespace
}  // namespace remo
