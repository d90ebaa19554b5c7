// Round trips through remo's IR: write, read back, compare, write again byte for byte.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/graph/error.h"
#include "engine/ir/ir_reader.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;

namespace fs = std::filesystem;

// Writes `g` to dir/first, reads it back, writes that to dir/second and expects the same bytes.
IrModel round_trip(const Graph& g, const fs::path& dir, const IrWriteOptions& options) {
  write_ir(g, (dir / "first").string(), options);
  IrModel model = read_ir((dir / "first" / (options.model_name + ".xml")).string());
  write_ir(*model.graph, (dir / "second").string(), options);
  for (const char* ext : {".xml", ".bin"})
    EXPECT_EQ(slurp(dir / "first" / (options.model_name + ext)),
              slurp(dir / "second" / (options.model_name + ext)))
        << ext;
  return model;
}

TEST(IrReader, RoundTripsParametersConstantsResultsAndMetadata) {
  Graph g;
  Node& in = param(g, "in", {1, -1});
  in.outputs[0].names = {"in", "a,b"};
  in.fused_names = {"orig_in"};
  Node& dyn = make_op(g, "opset1.Parameter", {},
                      {{"element_type", ElementType::i64}, {"dynamic_rank", true}}, "dyn");
  Tensor w = Tensor::from_values<float>(ElementType::f32, {2, 2}, {1.f, -2.f, 3.5f, 0.f});
  Node& c = make_op(g, "opset1.Constant", {}, {{"value", w}}, "w");
  make_op(g, "opset1.Result", {in.output()}, {}, "o1");
  make_op(g, "opset1.Result", {c.output()}, {}, "o2");
  make_op(g, "opset1.Result", {dyn.output()}, {}, "o3");
  ScratchDir dir;
  IrModel model = round_trip(g, dir.path(), IrWriteOptions{"rt", {{"framework", "onnx"}, {"a b", "1"}}});

  EXPECT_EQ(model.name, "rt");
  EXPECT_EQ(model.conversion_parameters,
            (std::vector<std::pair<std::string, std::string>>{{"framework", "onnx"}, {"a b", "1"}}));
  const Graph& back = *model.graph;
  ASSERT_EQ(back.parameters().size(), 2u);
  ASSERT_EQ(back.results().size(), 3u);
  const Node& in_back = back.at(back.parameters()[0]);
  EXPECT_EQ(in_back.name, "in");
  EXPECT_EQ(in_back.outputs[0].shape, PartialShape({1, -1}));
  EXPECT_EQ(in_back.outputs[0].names, (std::vector<std::string>{"a,b", "in"}));
  EXPECT_EQ(in_back.fused_names, (std::vector<std::string>{"orig_in"}));
  EXPECT_FALSE(back.at(back.parameters()[1]).outputs[0].shape.rank_known());

  const Node& c_back = back.at(back.at(back.results()[1]).input(0).node);
  const Tensor& w_back = c_back.attr<Tensor>("value");
  EXPECT_TRUE(w_back.is_mapped());  // a view into the .bin, not a copy
  EXPECT_EQ(w_back.shape(), w.shape());
  EXPECT_EQ(w_back.to_double(), w.to_double());
}

TEST(IrReader, RoundTripsOpsWithAttributes) {
  Graph g;
  Node& x = param(g, "x", {1, 2, 5, 5});
  std::vector<float> weights(3 * 2 * 3 * 3);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 0.1f * static_cast<float>(i);
  Node& w = make_op(g, "opset1.Constant", {},
                    {{"value", Tensor::from_values<float>(ElementType::f32, {3, 2, 3, 3}, weights)}}, "w");
  Node& conv = make_op(g, "opset1.Convolution", {x.output(), w.output()},
                       {{"strides", std::vector<int64_t>{1, 1}},
                        {"dilations", std::vector<int64_t>{1, 1}},
                        {"pads_begin", std::vector<int64_t>{0, 0}},
                        {"pads_end", std::vector<int64_t>{0, 0}},
                        {"auto_pad", std::string("same_upper")}},
                       "conv");
  Node& div = make_op(g, "opset1.Divide", {conv.output(), conv.output()},
                      {{"m_pythondiv", false}}, "div");
  make_op(g, "opset1.Result", {div.output()}, {}, "out");
  ScratchDir dir;
  IrModel model = round_trip(g, dir.path(), IrWriteOptions{"ops", {}});
  const Node* conv_back = model.graph->find_node("conv");
  ASSERT_NE(conv_back, nullptr);
  EXPECT_EQ(conv_back->op(), "opset1.Convolution");
  EXPECT_EQ(conv_back->attr<std::string>("auto_pad"), "same_upper");
  EXPECT_EQ(conv_back->outputs[0].shape, PartialShape({1, 3, 5, 5}));
  EXPECT_FALSE(model.graph->find_node("div")->attr<bool>("m_pythondiv"));
}

TEST(IrReader, ErrorsNameTheFileAndLayer) {
  ScratchDir dir;
  fs::path xml = dir.path() / "bad.xml";
  std::ofstream(xml) << "<?xml version=\"1.0\"?>\n<net name=\"bad\" version=\"11\"><layers>"
                        "<layer id=\"0\" name=\"p\" type=\"Parameter\" version=\"opset1\">"
                        "<data shape=\"1\" element_type=\"FP32\"/></layer></layers><edges/></net>";
  try {
    read_ir(xml.string());
    FAIL() << "FP32 accepted as an element type";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(xml.string()), std::string::npos) << message;
    EXPECT_NE(message.find("layer 'p' (id 0)"), std::string::npos) << message;
  }
  std::ofstream(dir.path() / "v10.xml") << "<net name=\"old\" version=\"10\"><layers/><edges/></net>";
  EXPECT_THROW(read_ir((dir.path() / "v10.xml").string()), Error);
}

}  // namespace
}  // namespace remo
