// ONNX frontend: models are built with the onnx protobuf classes, written to a temporary folder
// and read back through read_onnx_model.
// GCC 12 reports false -Wrestrict positives inside std::string when string literals go through
// inlined protobuf setters and operator+ (GCC bug 105329); the test code is not affected.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "frontends/onnx/onnx_reader.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using onnx::TensorProto;

// ---- model building helpers -------------------------------------------------------------------

onnx::ModelProto new_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("pytorch");
  m.set_producer_version("2.1");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  m.mutable_graph()->set_name("main");
  return m;
}

// dims: -1 becomes the symbolic dimension "N".
void add_input(onnx::GraphProto* g, const std::string& name, int elem_type, const std::vector<int64_t>& dims) {
  auto* tensor = g->add_input()->mutable_type()->mutable_tensor_type();
  g->mutable_input(g->input_size() - 1)->set_name(name);
  tensor->set_elem_type(elem_type);
  auto* shape = tensor->mutable_shape();
  for (int64_t d : dims) {
    if (d < 0) shape->add_dim()->set_dim_param("N");
    else shape->add_dim()->set_dim_value(d);
  }
}

onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op, const std::vector<std::string>& inputs,
                          const std::vector<std::string>& outputs, const std::string& name = "") {
  auto* n = g->add_node();
  n->set_op_type(op);
  if (!name.empty()) n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

void add_output(onnx::GraphProto* g, const std::string& name) { g->add_output()->set_name(name); }

void fill_tensor(TensorProto* t, const std::string& name, int type, const std::vector<int64_t>& dims) {
  t->set_name(name);
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
}

template <typename T>
TensorProto* add_raw_initializer(onnx::GraphProto* g, const std::string& name, int type,
                                 const std::vector<int64_t>& dims, const std::vector<T>& values) {
  auto* t = g->add_initializer();
  fill_tensor(t, name, type, dims);
  t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)));
  return t;
}

onnx::AttributeProto* add_attr(onnx::NodeProto* n, const std::string& name, onnx::AttributeProto::AttributeType type) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(type);
  return a;
}

// ---- graph inspection helpers -----------------------------------------------------------------

std::vector<const Node*> nodes_of(const Graph& g, const std::string& op) {
  std::vector<const Node*> out;
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && n->op() == op) out.push_back(n);
  return out;
}

const Node& only_node(const Graph& g, const std::string& op) {
  auto nodes = nodes_of(g, op);
  if (nodes.size() != 1) throw std::runtime_error("expected one " + op + ", found " + std::to_string(nodes.size()));
  return *nodes[0];
}

// The node producing the value whose tensor name is `name`.
const Node& producer_of(const Graph& g, const std::string& name) {
  for (NodeId id = 0; id < g.id_limit(); ++id) {
    const Node* n = g.node(id);
    if (!n) continue;
    for (const auto& out : n->outputs)
      if (std::find(out.names.begin(), out.names.end(), name) != out.names.end()) return *n;
  }
  throw std::runtime_error("no producer of " + name);
}

template <typename T>
std::vector<T> values_of(const Tensor& t) {
  std::vector<T> out;
  for (size_t i = 0; i < t.element_count(); ++i) out.push_back(t.at<T>(i));
  return out;
}

// ---- fixture ----------------------------------------------------------------------------------

class OnnxReader : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "remo_onnx_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_bytes(const std::string& name, const std::string& bytes) {
    std::string path = dir_ + "/" + name;
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string write_model(const onnx::ModelProto& m, const std::string& name = "model.onnx") {
    return write_bytes(name, m.SerializeAsString());
  }
  std::unique_ptr<Graph> read(const onnx::ModelProto& m) { return read_onnx_model(write_model(m)); }

  // Reading `path` must fail with a message that starts with the path and contains `reason`.
  static void expect_error(const std::string& path, const std::string& reason) {
    try {
      read_onnx_model(path);
      ADD_FAILURE() << "reading " << path << " did not fail (expected: " << reason << ")";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
      EXPECT_NE(message.find(reason), std::string::npos) << message << "\n  expected: " << reason;
    }
  }
  void expect_error(const onnx::ModelProto& m, const std::string& reason) { expect_error(write_model(m), reason); }

  std::string dir_;
};

// ---- graph structure --------------------------------------------------------------------------

TEST_F(OnnxReader, ReadsInputsInitializersNodesOutputsAndMeta) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {-1, 3});
  add_raw_initializer<float>(g, "w", TensorProto::FLOAT, {3}, {1.f, 2.f, 3.f});
  add_node(g, "Add", {"x", "w"}, {"sum"}, "add0");
  add_node(g, "Relu", {"sum"}, {"y"});
  add_output(g, "y");
  auto graph = read(m);

  EXPECT_EQ(std::get<std::string>(graph->meta.at("framework")), "onnx");
  EXPECT_EQ(std::get<int64_t>(graph->meta.at("opset:ai.onnx")), 17);
  EXPECT_EQ(std::get<std::string>(graph->meta.at("producer")), "pytorch 2.1");
  EXPECT_EQ(std::get<int64_t>(graph->meta.at("ir_version")), 8);

  ASSERT_EQ(graph->parameters().size(), 1u);
  const Node& x = graph->at(graph->parameters()[0]);
  EXPECT_EQ(x.attr<std::vector<int64_t>>("shape"), (std::vector<int64_t>{-1, 3}));
  EXPECT_EQ(x.attr<ElementType>("element_type"), ElementType::f32);
  EXPECT_EQ(x.outputs[0].names, std::vector<std::string>{"x"});

  const Node& w = only_node(*graph, "opset1.Constant");
  EXPECT_EQ(w.outputs[0].names, std::vector<std::string>{"w"});
  EXPECT_EQ(values_of<float>(w.attr<Tensor>("value")), (std::vector<float>{1.f, 2.f, 3.f}));

  const Node& add = only_node(*graph, "onnx.Add");
  EXPECT_EQ(add.name, "add0");
  EXPECT_EQ(add.type(), "Add");
  EXPECT_EQ(add.inputs(), (std::vector<Value>{x.output(), w.output()}));
  EXPECT_EQ(add.outputs[0].names, std::vector<std::string>{"sum"});
  EXPECT_EQ(add.outputs[0].type, ElementType::dynamic);

  const Node& relu = only_node(*graph, "onnx.Relu");
  EXPECT_EQ(relu.name, "y") << "an unnamed node takes its first output's name";
  EXPECT_EQ(relu.input(0), add.output());

  ASSERT_EQ(graph->results().size(), 1u);
  const Node& result = graph->at(graph->results()[0]);
  EXPECT_EQ(result.name, "y/sink_port_0");
  EXPECT_EQ(result.input(0), relu.output());
}

TEST_F(OnnxReader, InitializerListedAsInputIsAConstant) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "w", TensorProto::FLOAT, {2});
  add_raw_initializer<float>(g, "w", TensorProto::FLOAT, {2}, {5.f, 6.f});
  add_node(g, "Neg", {"w"}, {"y"});
  add_output(g, "y");
  auto graph = read(m);
  EXPECT_TRUE(graph->parameters().empty());
  EXPECT_EQ(only_node(*graph, "onnx.Neg").input(0), only_node(*graph, "opset1.Constant").output());
}

TEST_F(OnnxReader, UndeclaredShapeOrTypeStaysDynamic) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  g->add_input()->set_name("untyped");
  auto* half = g->add_input();
  half->set_name("unshaped");
  half->mutable_type()->mutable_tensor_type()->set_elem_type(TensorProto::FLOAT16);
  add_node(g, "Add", {"untyped", "unshaped"}, {"y"});
  add_output(g, "y");
  auto graph = read(m);
  ASSERT_EQ(graph->parameters().size(), 2u);
  const Node& untyped = graph->at(graph->parameters()[0]);
  EXPECT_EQ(untyped.attr<ElementType>("element_type"), ElementType::dynamic);
  EXPECT_TRUE(untyped.attr<bool>("dynamic_rank"));
  const Node& unshaped = graph->at(graph->parameters()[1]);
  EXPECT_EQ(unshaped.attr<ElementType>("element_type"), ElementType::f16);
  EXPECT_FALSE(unshaped.outputs[0].shape.rank_known());
}

TEST_F(OnnxReader, NodesOutOfOrderOptionalInputsAndNames) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {4});
  // The consumer comes first in the file; real exporters sometimes break topological order.
  add_node(g, "Clip", {"a", "", "hi", "", ""}, {"clipped"}, "dup");
  add_node(g, "Relu", {"x"}, {"a"}, "dup");
  add_node(g, "Identity", {"x"}, {"hi"});
  add_node(g, "Dropout", {"clipped"}, {"dropped", ""});
  add_output(g, "dropped");
  auto graph = read(m);

  const Node& clip = only_node(*graph, "onnx.Clip");
  const Node& relu = only_node(*graph, "onnx.Relu");
  EXPECT_EQ(clip.name, "dup");
  EXPECT_EQ(relu.name, "dup_1") << "node names are made unique";
  ASSERT_EQ(clip.inputs().size(), 3u) << "trailing omitted inputs are dropped";
  EXPECT_EQ(clip.input(0), relu.output());
  EXPECT_FALSE(clip.input(1).valid()) << "an omitted optional input is an invalid Value";
  EXPECT_EQ(clip.input(2), only_node(*graph, "onnx.Identity").output());

  const Node& dropout = only_node(*graph, "onnx.Dropout");
  ASSERT_EQ(dropout.outputs.size(), 2u);
  EXPECT_TRUE(dropout.outputs[1].names.empty());
  EXPECT_NO_THROW(graph->topological_order());
}

TEST_F(OnnxReader, GraphOutputMayNameAnInputOrAnInitializer) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::INT64, {1});
  add_raw_initializer<int64_t>(g, "c", TensorProto::INT64, {1}, {7});
  add_output(g, "c");
  add_output(g, "x");
  auto graph = read(m);
  ASSERT_EQ(graph->results().size(), 2u);
  EXPECT_EQ(graph->at(graph->results()[0]).input(0), only_node(*graph, "opset1.Constant").output());
  EXPECT_EQ(graph->at(graph->results()[1]).input(0), graph->at(graph->parameters()[0]).output());
  EXPECT_EQ(graph->at(graph->results()[0]).name, "c/sink_port_0");
}

TEST_F(OnnxReader, CustomDomainsAreQualifiedAndNeedAnOpsetImport) {
  auto m = new_model();
  auto* opset = m.add_opset_import();
  opset->set_domain("com.microsoft");
  opset->set_version(1);
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {1});
  add_node(g, "FusedConv", {"x"}, {"y"})->set_domain("com.microsoft");
  add_node(g, "Relu", {"y"}, {"z"})->set_domain("ai.onnx");
  add_output(g, "z");
  auto graph = read(m);
  EXPECT_EQ(std::get<int64_t>(graph->meta.at("opset:com.microsoft")), 1);
  EXPECT_EQ(only_node(*graph, "com.microsoft.FusedConv").domain(), "com.microsoft");
  EXPECT_EQ(nodes_of(*graph, "onnx.Relu").size(), 1u);

  m.mutable_opset_import()->RemoveLast();
  expect_error(m, "node 'y' (com.microsoft.FusedConv): the model imports no opset for domain 'com.microsoft'");
}

// ---- graph errors -----------------------------------------------------------------------------

TEST_F(OnnxReader, MissingProducerNamesNodeOpAndValue) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {1});
  add_node(g, "Add", {"x", "ghost"}, {"y"}, "adder");
  add_output(g, "y");
  expect_error(m, "node 'adder' (onnx.Add): input 'ghost' is not produced by any node, graph input or initializer");
}

TEST_F(OnnxReader, DuplicateProducerIsRejected) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {1});
  add_node(g, "Relu", {"x"}, {"y"}, "first");
  add_node(g, "Neg", {"x"}, {"y"}, "second");
  add_output(g, "y");
  expect_error(m, "tensor 'y' is produced twice: by node 'first' (onnx.Relu) and by node 'second' (onnx.Neg)");

  auto m2 = new_model();
  add_input(m2.mutable_graph(), "x", TensorProto::FLOAT, {1});
  add_node(m2.mutable_graph(), "Relu", {"x"}, {"x"}, "shadow");
  expect_error(m2, "tensor 'x' is produced twice: by a graph input and by node 'shadow' (onnx.Relu)");
}

TEST_F(OnnxReader, StructuralErrors) {
  auto no_op = new_model();
  add_input(no_op.mutable_graph(), "x", TensorProto::FLOAT, {1});
  add_node(no_op.mutable_graph(), "", {"x"}, {"y"}, "blank");
  expect_error(no_op, "node 'blank' (onnx.) has no op_type");

  auto bad_output = new_model();
  add_output(bad_output.mutable_graph(), "nowhere");
  expect_error(bad_output, "graph output 'nowhere' is not produced by any node, graph input or initializer");

  auto no_graph = new_model();
  no_graph.clear_graph();
  expect_error(no_graph, "not a valid ONNX model: it has no graph");

  auto two_opsets = new_model();
  *two_opsets.add_opset_import() = two_opsets.opset_import(0);
  expect_error(two_opsets, "imports an opset for domain 'ai.onnx' twice");

  auto sequence_input = new_model();
  auto* seq = sequence_input.mutable_graph()->add_input();
  seq->set_name("s");
  seq->mutable_type()->mutable_sequence_type();
  expect_error(sequence_input, "graph input 's' is not a tensor");

  auto string_input = new_model();
  add_input(string_input.mutable_graph(), "text", TensorProto::STRING, {1});
  expect_error(string_input, "graph input 'text' has element type STRING, which remo cannot convert");
}

// ---- attributes -------------------------------------------------------------------------------

TEST_F(OnnxReader, AttributeKinds) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {1});
  auto* n = add_node(g, "Custom", {"x"}, {"y"}, "n");
  using A = onnx::AttributeProto;
  add_attr(n, "i", A::INT)->set_i(-3);
  add_attr(n, "f", A::FLOAT)->set_f(0.5f);
  add_attr(n, "s", A::STRING)->set_s("same");
  auto* ints = add_attr(n, "ints", A::INTS);
  ints->add_ints(1);
  ints->add_ints(2);
  auto* floats = add_attr(n, "floats", A::FLOATS);
  floats->add_floats(1.5f);
  auto* strings = add_attr(n, "strings", A::STRINGS);
  strings->add_strings("a");
  strings->add_strings("b");
  auto* t = add_attr(n, "t", A::TENSOR)->mutable_t();
  fill_tensor(t, "", TensorProto::INT64, {2});
  t->add_int64_data(10);
  t->add_int64_data(20);
  // IR version 1 attributes have no type; the kind comes from the value field.
  auto* old_style = n->add_attribute();
  old_style->set_name("legacy");
  old_style->set_i(9);
  add_output(g, "y");
  auto graph = read(m);

  const Node& node = only_node(*graph, "onnx.Custom");
  EXPECT_EQ(node.attr<int64_t>("i"), -3);
  EXPECT_EQ(node.attr<double>("f"), 0.5);
  EXPECT_EQ(node.attr<std::string>("s"), "same");
  EXPECT_EQ(node.attr<std::vector<int64_t>>("ints"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(node.attr<std::vector<double>>("floats"), std::vector<double>{1.5});
  EXPECT_EQ(node.attr<std::vector<std::string>>("strings"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(node.attr<Tensor>("t").to_int64(), (std::vector<int64_t>{10, 20}));
  EXPECT_EQ(node.attr<int64_t>("legacy"), 9);
}

TEST_F(OnnxReader, UnsupportedAttributesNameNodeAndAttribute) {
  using A = onnx::AttributeProto;
  auto sparse = new_model();
  add_attr(add_node(sparse.mutable_graph(), "ConstantLike", {}, {"y"}, "k"), "sparse_value", A::SPARSE_TENSOR);
  expect_error(sparse, "node 'k' (onnx.ConstantLike): attribute 'sparse_value': sparse tensor attributes are not supported");

  auto type_proto = new_model();
  add_attr(add_node(type_proto.mutable_graph(), "Opt", {}, {"y"}, "k"), "type", A::TYPE_PROTO);
  expect_error(type_proto, "node 'k' (onnx.Opt): attribute 'type': type attributes are not supported");

  auto ref = new_model();
  add_attr(add_node(ref.mutable_graph(), "Elu", {}, {"y"}, "k"), "alpha", A::FLOAT)->set_ref_attr_name("a");
  expect_error(ref, "node 'k' (onnx.Elu): attribute 'alpha': refers to function attribute 'a'");

  auto reserved = new_model();
  add_attr(add_node(reserved.mutable_graph(), "If", {}, {"y"}, "k"), "then_branch:captures", A::STRINGS);
  expect_error(reserved, "node 'k' (onnx.If): attribute 'then_branch:captures': names with ':' are reserved");

  auto twice = new_model();
  auto* n = add_node(twice.mutable_graph(), "Elu", {}, {"y"}, "k");
  add_attr(n, "alpha", A::FLOAT);
  add_attr(n, "alpha", A::FLOAT);
  expect_error(twice, "node 'k' (onnx.Elu): attribute 'alpha': the node has two attributes named 'alpha'");
}

// ---- sub-graphs -------------------------------------------------------------------------------

// An If whose then-branch reads outer "a" (a graph input) and "late" (produced after the If in
// the file) and whose else-branch has its own initializer.
onnx::ModelProto if_model() {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "cond", TensorProto::BOOL, {});
  add_input(g, "a", TensorProto::FLOAT, {2});
  auto* node = add_node(g, "If", {"cond"}, {"y"}, "branch");
  using A = onnx::AttributeProto;
  auto* then_body = add_attr(node, "then_branch", A::GRAPH)->mutable_g();
  add_node(then_body, "Add", {"a", "late"}, {"t"});
  add_node(then_body, "Neg", {"a"}, {"u"});
  add_output(then_body, "t");
  auto* else_body = add_attr(node, "else_branch", A::GRAPH)->mutable_g();
  add_raw_initializer<float>(else_body, "k", TensorProto::FLOAT, {2}, {0.f, 1.f});
  add_output(else_body, "k");
  add_node(g, "Relu", {"a"}, {"late"});
  add_output(g, "y");
  return m;
}

TEST_F(OnnxReader, SubgraphCapturesOuterValues) {
  auto graph = read(if_model());
  const Node& node = only_node(*graph, "onnx.If");
  const Graph& then_body = *node.attr<GraphPtr>("then_branch");
  const Graph& else_body = *node.attr<GraphPtr>("else_branch");

  EXPECT_EQ(node.attr<std::vector<std::string>>("then_branch:captures"),
            (std::vector<std::string>{"a", "late"}));
  EXPECT_TRUE(node.attr<std::vector<std::string>>("else_branch:captures").empty());
  // The captured outer values follow the ONNX inputs, so the dependency is a real edge.
  const Node& a = graph->at(graph->parameters()[1]);
  ASSERT_EQ(node.inputs().size(), 3u);
  EXPECT_EQ(node.input(1), a.output());
  EXPECT_EQ(node.input(2), only_node(*graph, "onnx.Relu").output());

  ASSERT_EQ(then_body.parameters().size(), 2u);
  const Node& captured_a = then_body.at(then_body.parameters()[0]);
  EXPECT_EQ(captured_a.outputs[0].names, std::vector<std::string>{"a"});
  EXPECT_EQ(captured_a.attr<ElementType>("element_type"), ElementType::dynamic);
  const Node& add = only_node(then_body, "onnx.Add");
  EXPECT_EQ(add.input(0), captured_a.output());
  EXPECT_EQ(only_node(then_body, "onnx.Neg").input(0), captured_a.output()) << "one Parameter per captured name";
  ASSERT_EQ(then_body.results().size(), 1u);
  EXPECT_EQ(then_body.at(then_body.results()[0]).input(0), add.output());

  EXPECT_TRUE(else_body.parameters().empty());
  const Tensor& k = only_node(else_body, "opset1.Constant").attr<Tensor>("value");
  EXPECT_EQ(values_of<float>(k), (std::vector<float>{0.f, 1.f}));
  // Dead-code removal reaches into bodies: the unused Neg of then_branch goes, while the outer
  // Relu that then_branch captures stays alive.
  EXPECT_EQ(graph->remove_dead_nodes(), 1u);
  EXPECT_EQ(only_node(*graph, "onnx.Relu").op(), "onnx.Relu");
  EXPECT_EQ(then_body.node_count(), 4u) << "two captured Parameters, the Add and its Result";
}

TEST_F(OnnxReader, CapturesPropagateThroughNestedBodies) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "outer", TensorProto::FLOAT, {1});
  using A = onnx::AttributeProto;
  auto* loop = add_node(g, "Loop", {"", ""}, {"y"}, "loop");
  auto* body = add_attr(loop, "body", A::GRAPH)->mutable_g();
  add_input(body, "iter", TensorProto::INT64, {});
  auto* inner_if = add_node(body, "If", {"iter"}, {"r"}, "inner");
  auto* branch = add_attr(inner_if, "then_branch", A::GRAPH)->mutable_g();
  add_node(branch, "Neg", {"outer"}, {"n"});
  add_output(branch, "n");
  add_output(body, "r");
  add_output(g, "y");
  auto graph = read(m);

  const Node& loop_node = only_node(*graph, "onnx.Loop");
  EXPECT_EQ(loop_node.attr<std::vector<std::string>>("body:captures"), std::vector<std::string>{"outer"});
  ASSERT_EQ(loop_node.inputs().size(), 1u) << "both ONNX inputs are trailing omitted ones";
  EXPECT_EQ(loop_node.input(0), graph->at(graph->parameters()[0]).output());

  const Graph& loop_body = *loop_node.attr<GraphPtr>("body");
  ASSERT_EQ(loop_body.parameters().size(), 2u) << "its own input, then the capture";
  const Node& body_outer = loop_body.at(loop_body.parameters()[1]);
  EXPECT_EQ(body_outer.outputs[0].names, std::vector<std::string>{"outer"});
  const Node& if_node = only_node(loop_body, "onnx.If");
  EXPECT_EQ(if_node.attr<std::vector<std::string>>("then_branch:captures"), std::vector<std::string>{"outer"});
  EXPECT_EQ(if_node.input(1), body_outer.output());
}

TEST_F(OnnxReader, SubgraphErrorsNameTheirPath) {
  auto m = if_model();
  auto* then_body = m.mutable_graph()->mutable_node(0)->mutable_attribute(0)->mutable_g();
  then_body->mutable_node(0)->set_input(1, "nowhere");
  expect_error(m, "node 'branch' (onnx.If): attribute 'then_branch': node 't' (onnx.Add): input 'nowhere' is not produced");
}

TEST_F(OnnxReader, SubgraphNestingIsLimited) {
  auto build = [](int depth) {
    auto m = new_model();
    onnx::GraphProto* g = m.mutable_graph();
    for (int level = 0; level < depth; ++level) {
      auto* n = add_node(g, "If", {}, {"y" + std::to_string(level)});
      auto* a = add_attr(n, "then_branch", onnx::AttributeProto::GRAPH);
      add_output(g, "y" + std::to_string(level));
      g = a->mutable_g();
    }
    return m;
  };
  EXPECT_NO_THROW(read(build(64)));
  expect_error(build(65), "sub-graphs are nested more than 64 levels deep");
  expect_error(build(200), "not a valid ONNX model");
}

// ---- tensors ----------------------------------------------------------------------------------

TEST_F(OnnxReader, RawDataInitializersAreMappedNotCopied) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  std::vector<float> big(4096);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i) * 0.25f;
  add_raw_initializer<float>(g, "big", TensorProto::FLOAT, {64, 64}, big);
  add_raw_initializer<uint8_t>(g, "flags", TensorProto::BOOL, {3}, {1, 0, 1});
  add_output(g, "big");
  add_output(g, "flags");
  auto graph = read(m);

  const Tensor& t = producer_of(*graph, "big").attr<Tensor>("value");
  EXPECT_TRUE(t.is_mapped());
  EXPECT_EQ(t.type(), ElementType::f32);
  EXPECT_EQ(t.shape(), (Shape{64, 64}));
  ASSERT_EQ(t.byte_count(), big.size() * sizeof(float));
  EXPECT_EQ(std::memcmp(t.bytes(), big.data(), t.byte_count()), 0);
  const Tensor& flags = producer_of(*graph, "flags").attr<Tensor>("value");
  EXPECT_TRUE(flags.is_mapped());
  EXPECT_EQ(flags.to_int64(), (std::vector<int64_t>{1, 0, 1}));
}

TEST_F(OnnxReader, TypedFieldTensorsAreConverted) {
  auto m = new_model();
  auto* g = m.mutable_graph();
  auto typed = [&](const std::string& name, int type, std::vector<int64_t> dims) {
    auto* t = g->add_initializer();
    fill_tensor(t, name, type, dims);
    add_output(g, name);
    return t;
  };
  auto* f32 = typed("f32", TensorProto::FLOAT, {2});
  f32->add_float_data(1.5f);
  f32->add_float_data(-2.f);
  auto* f64 = typed("f64", TensorProto::DOUBLE, {1});
  f64->add_double_data(0.125);
  auto* i64 = typed("i64", TensorProto::INT64, {2});
  i64->add_int64_data(-1);
  i64->add_int64_data(int64_t{1} << 40);
  auto* i32 = typed("i32", TensorProto::INT32, {1});
  i32->add_int32_data(-7);
  auto* i8 = typed("i8", TensorProto::INT8, {2});
  i8->add_int32_data(-128);
  i8->add_int32_data(127);
  auto* u8 = typed("u8", TensorProto::UINT8, {1});
  u8->add_int32_data(255);
  auto* i16 = typed("i16", TensorProto::INT16, {1});
  i16->add_int32_data(-300);
  auto* u16 = typed("u16", TensorProto::UINT16, {1});
  u16->add_int32_data(65535);
  auto* flags = typed("bool", TensorProto::BOOL, {3});
  flags->add_int32_data(1);
  flags->add_int32_data(0);
  flags->add_int32_data(5);
  auto* f16 = typed("f16", TensorProto::FLOAT16, {2});
  f16->add_int32_data(0x3C00);  // 1.0
  f16->add_int32_data(0xC000);  // -2.0
  auto* bf16 = typed("bf16", TensorProto::BFLOAT16, {1});
  bf16->add_int32_data(0x3FC0);  // 1.5
  auto* u32 = typed("u32", TensorProto::UINT32, {1});
  u32->add_uint64_data(4000000000u);
  auto* u64 = typed("u64", TensorProto::UINT64, {1});
  u64->add_uint64_data(uint64_t{1} << 63);
  auto* scalar = typed("scalar", TensorProto::FLOAT, {});
  scalar->add_float_data(3.f);
  typed("empty", TensorProto::FLOAT, {0, 5});
  auto graph = read(m);

  auto value = [&](const std::string& name) { return producer_of(*graph, name).attr<Tensor>("value"); };
  EXPECT_EQ(values_of<float>(value("f32")), (std::vector<float>{1.5f, -2.f}));
  EXPECT_FALSE(value("f32").is_mapped());
  EXPECT_EQ(values_of<double>(value("f64")), std::vector<double>{0.125});
  EXPECT_EQ(values_of<int64_t>(value("i64")), (std::vector<int64_t>{-1, int64_t{1} << 40}));
  EXPECT_EQ(values_of<int32_t>(value("i32")), std::vector<int32_t>{-7});
  EXPECT_EQ(value("i8").type(), ElementType::i8);
  EXPECT_EQ(values_of<int8_t>(value("i8")), (std::vector<int8_t>{-128, 127}));
  EXPECT_EQ(values_of<uint8_t>(value("u8")), std::vector<uint8_t>{255});
  EXPECT_EQ(values_of<int16_t>(value("i16")), std::vector<int16_t>{-300});
  EXPECT_EQ(values_of<uint16_t>(value("u16")), std::vector<uint16_t>{65535});
  EXPECT_EQ(value("bool").type(), ElementType::boolean);
  EXPECT_EQ(values_of<uint8_t>(value("bool")), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(value("f16").type(), ElementType::f16);
  EXPECT_EQ(value("f16").to_double(), (std::vector<double>{1.0, -2.0}));
  EXPECT_EQ(value("bf16").type(), ElementType::bf16);
  EXPECT_EQ(value("bf16").to_double(), std::vector<double>{1.5});
  EXPECT_EQ(values_of<uint32_t>(value("u32")), std::vector<uint32_t>{4000000000u});
  EXPECT_EQ(values_of<uint64_t>(value("u64")), std::vector<uint64_t>{uint64_t{1} << 63});
  EXPECT_EQ(value("scalar").shape(), Shape{});
  EXPECT_EQ(values_of<float>(value("scalar")), std::vector<float>{3.f});
  EXPECT_EQ(value("empty").element_count(), 0u);
}

TEST_F(OnnxReader, UnsupportedTensorTypesNameTheTensor) {
  const std::vector<std::pair<int, std::string>> cases = {
      {TensorProto::STRING, "STRING"}, {TensorProto::COMPLEX64, "COMPLEX64"},
      {18, "FLOAT8E4M3FNUZ"}, {20, "FLOAT8E5M2FNUZ"}, {26, "INT2"}, {99, "data type 99"}};
  for (const auto& [type, name] : cases) {
    auto m = new_model();
    fill_tensor(m.mutable_graph()->add_initializer(), "weird", type, {1});
    expect_error(m, "tensor 'weird': has element type " + name + ", which remo cannot convert");
  }
}

TEST_F(OnnxReader, NarrowTypesArePackedOrBitPatterns) {
  auto m = new_model();
  // INT4 [1, -2, 7] packs the first element into the low nibble: 0xE1, 0x07.
  add_raw_initializer<uint8_t>(m.mutable_graph(), "i4", 22, {3}, {0xE1, 0x07});
  auto* u4 = m.mutable_graph()->add_initializer();
  fill_tensor(u4, "u4", 21, {2});
  u4->add_int32_data(0xF3);  // int32_data holds the packed bytes: [3, 15]
  auto* e4m3 = m.mutable_graph()->add_initializer();
  fill_tensor(e4m3, "e4m3", 17, {2});
  e4m3->add_int32_data(0x38);  // 1.0
  e4m3->add_int32_data(0xFE);  // -448
  add_raw_initializer<uint8_t>(m.mutable_graph(), "e5m2", 19, {1}, {0x3E});  // 1.5
  add_raw_initializer<uint8_t>(m.mutable_graph(), "short", 22, {3}, {0xE1});
  expect_error(m, "tensor 'short': raw_data has 1 bytes but its type and shape need 2");
  m.mutable_graph()->mutable_initializer()->RemoveLast();
  auto graph = read(m);
  auto value = [&](const std::string& name) { return producer_of(*graph, name).attr<Tensor>("value"); };
  EXPECT_EQ(value("i4").type(), ElementType::i4);
  EXPECT_EQ(value("i4").to_int64(), (std::vector<int64_t>{1, -2, 7}));
  EXPECT_EQ(value("u4").to_int64(), (std::vector<int64_t>{3, 15}));
  EXPECT_EQ(value("e4m3").type(), ElementType::f8e4m3);
  EXPECT_EQ(value("e4m3").to_double(), (std::vector<double>{1.0, -448.0}));
  EXPECT_EQ(value("e5m2").to_double(), std::vector<double>{1.5});
}

TEST_F(OnnxReader, TensorSizesAreChecked) {
  auto short_raw = new_model();
  add_raw_initializer<uint8_t>(short_raw.mutable_graph(), "w", TensorProto::FLOAT, {1}, {1, 2, 3});
  expect_error(short_raw, "tensor 'w': raw_data has 3 bytes but its type and shape need 4");

  auto few_values = new_model();
  auto* t = few_values.mutable_graph()->add_initializer();
  fill_tensor(t, "w", TensorProto::FLOAT, {3});
  t->add_float_data(1.f);
  expect_error(few_values, "tensor 'w': has 1 values in float_data but its shape needs 3");

  auto wrong_field = new_model();
  t = wrong_field.mutable_graph()->add_initializer();
  fill_tensor(t, "w", TensorProto::INT64, {1});
  t->add_int32_data(1);
  expect_error(wrong_field, "tensor 'w': has 0 values in int64_data but its shape needs 1");

  auto overflow = new_model();
  fill_tensor(overflow.mutable_graph()->add_initializer(), "huge", TensorProto::FLOAT,
              {int64_t{1} << 31, int64_t{1} << 31, int64_t{1} << 31});
  expect_error(overflow, "tensor 'huge': element count of shape");

  auto bytes_overflow = new_model();
  fill_tensor(bytes_overflow.mutable_graph()->add_initializer(), "huge", TensorProto::DOUBLE, {int64_t{1} << 62});
  expect_error(bytes_overflow, "tensor 'huge': byte size of shape");

  auto negative = new_model();
  fill_tensor(negative.mutable_graph()->add_initializer(), "neg", TensorProto::FLOAT, {-2});
  expect_error(negative, "tensor 'neg': negative dimension");
}

// ---- external data ----------------------------------------------------------------------------

void set_external(TensorProto* t, const std::string& location, const std::string& offset = "",
                  const std::string& length = "") {
  t->set_data_location(TensorProto::EXTERNAL);
  auto entry = [&](const std::string& key, const std::string& value) {
    auto* e = t->add_external_data();
    e->set_key(key);
    e->set_value(value);
  };
  entry("location", location);
  if (!offset.empty()) entry("offset", offset);
  if (!length.empty()) entry("length", length);
}

onnx::ModelProto external_model(const std::string& location, const std::string& offset = "",
                                 const std::string& length = "") {
  auto m = new_model();
  auto* t = m.mutable_graph()->add_initializer();
  fill_tensor(t, "w", TensorProto::FLOAT, {2});
  set_external(t, location, offset, length);
  add_output(m.mutable_graph(), "w");
  return m;
}

std::string float_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

TEST_F(OnnxReader, ExternalDataIsMappedOncePerFile) {
  write_bytes("weights/data.bin", float_bytes({1, 2, 3, 4, 5, 6}));
  auto m = new_model();
  auto* g = m.mutable_graph();
  auto* a = g->add_initializer();
  fill_tensor(a, "a", TensorProto::FLOAT, {2});
  set_external(a, "weights/data.bin", "0", "8");
  auto* b = g->add_initializer();
  fill_tensor(b, "b", TensorProto::FLOAT, {3});
  set_external(b, "weights/../weights/data.bin", "12");  // no length: the tensor's own size
  add_output(g, "a");
  add_output(g, "b");
  auto graph = read(m);

  const Tensor& ta = producer_of(*graph, "a").attr<Tensor>("value");
  const Tensor& tb = producer_of(*graph, "b").attr<Tensor>("value");
  EXPECT_TRUE(ta.is_mapped());
  EXPECT_EQ(values_of<float>(ta), (std::vector<float>{1, 2}));
  EXPECT_EQ(values_of<float>(tb), (std::vector<float>{4, 5, 6}));
  EXPECT_EQ(tb.bytes() - ta.bytes(), 12) << "both tensors are views of one mapping";
}

TEST_F(OnnxReader, ExternalDataMustStayInsideTheModelFolder) {
  const std::string outside = dir_ + "-outside.bin";
  std::ofstream(outside, std::ios::binary) << float_bytes({1, 2});
  write_bytes("sub/real.bin", float_bytes({1, 2}));

  expect_error(external_model("../x"), "tensor 'w': external data location '../x' escapes the model's folder");
  expect_error(external_model("../" + fs::path(outside).filename().string()), "escapes the model's folder");
  expect_error(external_model("sub/../../" + fs::path(outside).filename().string()),
               "escapes the model's folder");
  expect_error(external_model("/etc/passwd"),
               "tensor 'w': external data location '/etc/passwd' is an absolute path");
  fs::create_symlink(outside, dir_ + "/link.bin");
  expect_error(external_model("link.bin"), "external data location 'link.bin' resolves to '" +
                                               fs::canonical(outside).string() + "', outside the model's folder");
  // A folder inside that is a symlink to one outside, and a symlink chain that ends outside.
  const std::string outside_dir = dir_ + "-outside-dir";
  fs::create_directories(outside_dir);
  std::ofstream(outside_dir + "/w.bin", std::ios::binary) << float_bytes({1, 2});
  fs::create_directory_symlink(outside_dir, dir_ + "/linked_dir");
  expect_error(external_model("linked_dir/w.bin"), "external data location 'linked_dir/w.bin' resolves to '" +
                                                       fs::canonical(outside_dir).string() + "/w.bin', outside");
  fs::create_symlink("link.bin", dir_ + "/chain.bin");
  expect_error(external_model("chain.bin"), "external data location 'chain.bin' resolves to '" +
                                                fs::canonical(outside).string() + "', outside the model's folder");
  fs::remove_all(outside_dir);
  expect_error(external_model("*/_ORT_MEM_ADDR_/*", "140737488355328"),
               "is ONNX Runtime's in-memory address marker");
  expect_error(external_model("missing.bin"), "external data location 'missing.bin' cannot be opened");
  expect_error(external_model("sub"), "not a regular file");
  expect_error(external_model("sub/real.bin", "100"),
               "tensor 'w': external data [offset 100, length 8] lies outside 'sub/real.bin' (8 bytes)");
  expect_error(external_model("sub/real.bin", "4", "8"), "lies outside 'sub/real.bin'");
  expect_error(external_model("sub/real.bin", "-1"), "external data offset '-1' is not a valid byte count");
  expect_error(external_model("sub/real.bin", "99999999999999999999999"), "is not a valid byte count");
  expect_error(external_model("sub/real.bin", "0", "4"), "tensor 'w': external data has 4 bytes but its type");
  fs::remove(outside);
}

// ---- malformed files --------------------------------------------------------------------------

onnx::ModelProto small_valid_model() {
  auto m = new_model();
  auto* g = m.mutable_graph();
  add_input(g, "x", TensorProto::FLOAT, {1, 4});
  add_raw_initializer<float>(g, "w", TensorProto::FLOAT, {4}, {1, 2, 3, 4});
  add_node(g, "Mul", {"x", "w"}, {"y"}, "mul");
  add_output(g, "y");
  return m;
}

TEST_F(OnnxReader, MalformedFilesGetAClearErrorAndNoLogNoise) {
  ::testing::internal::CaptureStderr();
  expect_error(write_bytes("empty.onnx", ""), "not a valid ONNX model: the file is empty");
  expect_error(write_bytes("garbage.onnx", "this is definitely not a protobuf \xff\xff\xff\xff"),
               "not a valid ONNX model");
  const std::string valid = small_valid_model().SerializeAsString();
  expect_error(write_bytes("half.onnx", valid.substr(0, valid.size() / 2)), "not a valid ONNX model");
  expect_error(write_bytes("tail.onnx", valid.substr(0, valid.size() - 1)), "not a valid ONNX model");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");

  expect_error(dir_ + "/absent.onnx", "cannot open");
  expect_error(dir_, "not a regular file");
}

// A model whose graph field is split in two pieces: protobuf merges them, and so must the walk.
TEST_F(OnnxReader, RepeatedGraphFieldsAreMerged) {
  auto first = new_model();
  add_input(first.mutable_graph(), "x", TensorProto::FLOAT, {1});
  add_raw_initializer<float>(first.mutable_graph(), "w", TensorProto::FLOAT, {1}, {2.f});
  onnx::ModelProto second;
  add_node(second.mutable_graph(), "Mul", {"x", "w"}, {"y"}, "mul");
  add_output(second.mutable_graph(), "y");
  auto graph = read_onnx_model(write_bytes("split.onnx", first.SerializeAsString() + second.SerializeAsString()));
  const Node& mul = only_node(*graph, "onnx.Mul");
  EXPECT_EQ(mul.input(1), only_node(*graph, "opset1.Constant").output());
  EXPECT_TRUE(mul.inputs().size() == 2 && graph->results().size() == 1);
}

}  // namespace
}  // namespace remo
