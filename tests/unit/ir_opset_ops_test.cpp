// The IR writer on real opset ops: port numbering across inputs and outputs, <data> in schema
// order with IR spellings, multi-output ops with an unconnected output.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <pugixml.hpp>

#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;

namespace fs = std::filesystem;

// Writes `g` and loads the .xml into `doc`.
void write_and_load(const Graph& g, pugi::xml_document& doc) {
  ScratchDir dir;
  write_ir(g, dir.path().string(), IrWriteOptions{"m", {}});
  ASSERT_TRUE(doc.load_file((dir.path() / "m.xml").c_str()));
}

pugi::xml_node layer_named(const pugi::xml_document& doc, const char* name) {
  return doc.child("net").child("layers").find_child_by_attribute("layer", "name", name);
}

std::vector<std::string> port_ids(pugi::xml_node ports) {
  std::vector<std::string> ids;
  for (pugi::xml_node p : ports.children("port")) ids.push_back(p.attribute("id").value());
  return ids;
}

std::vector<std::string> edges(const pugi::xml_document& doc) {
  std::vector<std::string> out;
  for (pugi::xml_node e : doc.child("net").child("edges").children("edge"))
    out.push_back(std::string(e.attribute("from-layer").value()) + ":" + e.attribute("from-port").value() +
                  "->" + e.attribute("to-layer").value() + ":" + e.attribute("to-port").value());
  return out;
}

// <data> attribute names must be the schema's, in schema order.
void expect_schema_order(pugi::xml_node layer, const std::string& op) {
  std::vector<std::string> written, schema;
  for (pugi::xml_attribute a : layer.child("data").attributes()) written.push_back(a.name());
  for (const AttrSpec& spec : OpRegistry::instance().find(op)->attrs) schema.push_back(spec.name);
  EXPECT_EQ(written, schema) << op;
}

TEST(IrOpsetOps, BinaryOpHasInputs0And1AndOutput2) {
  Graph g;
  Node& a = param(g, "a", {2, 3});
  Node& b = param(g, "b", {1, 3});
  Node& add = make_op(g, "opset1.Add", {a.output(), b.output()}, {}, "add");
  add.outputs[0].names = {"sum"};
  make_op(g, "opset1.Result", {add.output()}, {}, "out");
  pugi::xml_document doc;
  write_and_load(g, doc);
  pugi::xml_node layer = layer_named(doc, "add");
  EXPECT_STREQ(layer.attribute("id").value(), "2");
  EXPECT_STREQ(layer.attribute("type").value(), "Add");
  EXPECT_STREQ(layer.attribute("version").value(), "opset1");
  EXPECT_STREQ(layer.child("data").attribute("auto_broadcast").value(), "numpy");
  EXPECT_EQ(port_ids(layer.child("input")), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(port_ids(layer.child("output")), (std::vector<std::string>{"2"}));
  EXPECT_STREQ(layer.child("output").child("port").attribute("names").value(), "sum");
  EXPECT_EQ(edges(doc), (std::vector<std::string>{"0:0->2:0", "1:0->2:1", "2:2->3:0"}));
}

TEST(IrOpsetOps, SameProducerFeedingBothInputsGivesTwoEdges) {
  Graph g;
  Node& a = param(g, "a", {4});
  Node& mul = make_op(g, "opset1.Multiply", {a.output(), a.output()}, {}, "square");
  make_op(g, "opset1.Result", {mul.output()}, {}, "out");
  pugi::xml_document doc;
  write_and_load(g, doc);
  EXPECT_EQ(edges(doc), (std::vector<std::string>{"0:0->1:0", "0:0->1:1", "1:2->2:0"}));
}

TEST(IrOpsetOps, ConvolutionWritesEveryAttributeInSchemaOrder) {
  Graph g;
  Node& x = param(g, "x", {1, 3, 8, 8});
  std::vector<float> weights(4 * 3 * 3 * 3, 0.25f);
  Node& w = make_op(g, "opset1.Constant", {},
                    {{"value", Tensor::from_values<float>(ElementType::f32, {4, 3, 3, 3}, weights)}}, "w");
  Node& conv = make_op(g, "opset1.Convolution", {x.output(), w.output()},
                       {{"strides", std::vector<int64_t>{2, 2}},
                        {"dilations", std::vector<int64_t>{1, 1}},
                        {"pads_begin", std::vector<int64_t>{1, 1}},
                        {"pads_end", std::vector<int64_t>{1, 1}}},
                       "conv");
  make_op(g, "opset1.Result", {conv.output()}, {}, "out");
  pugi::xml_document doc;
  write_and_load(g, doc);
  pugi::xml_node layer = layer_named(doc, "conv");
  expect_schema_order(layer, "opset1.Convolution");
  pugi::xml_node data = layer.child("data");
  EXPECT_STREQ(data.attribute("strides").value(), "2, 2");
  EXPECT_STREQ(data.attribute("pads_end").value(), "1, 1");
  EXPECT_STREQ(data.attribute("auto_pad").value(), "explicit");  // the default is written too
  pugi::xml_node out = layer.child("output").child("port");
  EXPECT_STREQ(out.attribute("id").value(), "2");
  std::vector<std::string> dims;
  for (pugi::xml_node d : out.children("dim")) dims.push_back(d.text().get());
  EXPECT_EQ(dims, (std::vector<std::string>{"1", "4", "4", "4"}));
}

TEST(IrOpsetOps, MaxPool8HasTwoOutputsAndTheUnusedOneIsStillListed) {
  Graph g;
  Node& x = param(g, "x", {1, 2, 4, 4});
  Node& pool = make_op(g, "opset8.MaxPool", {x.output()},
                       {{"strides", std::vector<int64_t>{2, 2}},
                        {"dilations", std::vector<int64_t>{1, 1}},
                        {"pads_begin", std::vector<int64_t>{0, 0}},
                        {"pads_end", std::vector<int64_t>{0, 0}},
                        {"kernel", std::vector<int64_t>{2, 2}},
                        {"index_element_type", ElementType::i64}},
                       "pool");
  make_op(g, "opset1.Result", {pool.output(0)}, {}, "out");
  pugi::xml_document doc;
  write_and_load(g, doc);
  pugi::xml_node layer = layer_named(doc, "pool");
  EXPECT_STREQ(layer.attribute("version").value(), "opset8");
  expect_schema_order(layer, "opset8.MaxPool");
  EXPECT_STREQ(layer.child("data").attribute("index_element_type").value(), "i64");
  EXPECT_EQ(port_ids(layer.child("output")), (std::vector<std::string>{"1", "2"}));
  pugi::xml_node indices = layer.child("output").find_child_by_attribute("port", "id", "2");
  EXPECT_STREQ(indices.attribute("precision").value(), "I64");
  EXPECT_EQ(edges(doc), (std::vector<std::string>{"0:0->1:0", "1:1->2:0"}));
}

}  // namespace
}  // namespace remo
