// The IR writer on graphs of Parameter / Constant / Result: document layout, ports, edges,
// rt_info, and the all-or-nothing file handling.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "engine/graph/error.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;

namespace fs = std::filesystem;

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void load(pugi::xml_document& doc, const fs::path& path) {
  pugi::xml_parse_result parsed = doc.load_file(path.c_str());
  ASSERT_TRUE(parsed) << parsed.description();
}

pugi::xml_node layer(const pugi::xml_document& doc, int id) {
  return doc.child("net").child("layers").find_child_by_attribute("layer", "id", std::to_string(id).c_str());
}

std::vector<std::string> attr_names(pugi::xml_node element) {
  std::vector<std::string> names;
  for (pugi::xml_attribute a : element.attributes()) names.push_back(a.name());
  return names;
}

std::vector<std::string> child_names(pugi::xml_node element) {
  std::vector<std::string> names;
  for (pugi::xml_node c : element.children()) names.push_back(c.name());
  return names;
}

std::vector<std::string> dims(pugi::xml_node port) {
  std::vector<std::string> out;
  for (pugi::xml_node d : port.children("dim")) out.push_back(d.text().get());
  return out;
}

std::vector<std::string> edges(const pugi::xml_document& doc) {
  std::vector<std::string> out;
  for (pugi::xml_node e : doc.child("net").child("edges").children("edge"))
    out.push_back(std::string(e.attribute("from-layer").value()) + ":" + e.attribute("from-port").value() +
                  "->" + e.attribute("to-layer").value() + ":" + e.attribute("to-port").value());
  return out;
}

IrWriteOptions options(std::string name = "m") { return IrWriteOptions{std::move(name), {}}; }

TEST(IrWriter, WritesTheExpectedDocumentForATinyModel) {
  Graph g;
  Node& in = param(g, "x", {1, -1});
  in.outputs[0].names = {"x"};
  result(g, in.output(), "y");
  ScratchDir dir;
  write_ir(g, dir.path().string(), options("tiny"));
  EXPECT_EQ(slurp(dir.path() / "tiny.xml"),
            "<?xml version=\"1.0\"?>\n"
            "<net name=\"tiny\" version=\"11\">\n"
            "  <layers>\n"
            "    <layer id=\"0\" name=\"x\" type=\"Parameter\" version=\"opset1\">\n"
            "      <data shape=\"1,?\" element_type=\"f32\" />\n"
            "      <output>\n"
            "        <port id=\"0\" precision=\"FP32\" names=\"x\">\n"
            "          <dim>1</dim>\n"
            "          <dim>-1</dim>\n"
            "        </port>\n"
            "      </output>\n"
            "    </layer>\n"
            "    <layer id=\"1\" name=\"y\" type=\"Result\" version=\"opset1\">\n"
            "      <input>\n"
            "        <port id=\"0\" precision=\"FP32\">\n"
            "          <dim>1</dim>\n"
            "          <dim>-1</dim>\n"
            "        </port>\n"
            "      </input>\n"
            "    </layer>\n"
            "  </layers>\n"
            "  <edges>\n"
            "    <edge from-layer=\"0\" from-port=\"0\" to-layer=\"1\" to-port=\"0\" />\n"
            "  </edges>\n"
            "  <rt_info>\n"
            "    <remo_version value=\"" REMO_VERSION "\" />\n"
            "  </rt_info>\n"
            "</net>\n");
  EXPECT_EQ(fs::file_size(dir.path() / "tiny.bin"), 0u);
}

TEST(IrWriter, LayersPortsAndSpellings) {
  Graph g;
  Node& in = param(g, "input", {1, 3, -1, 4}, ElementType::f16);
  in.outputs[0].names = {"input", "in,0"};
  Node& w = constant(g, "w", Tensor::from_values<int64_t>(ElementType::i64, {2, 3}, {1, 2, 3, 4, 5, 6}));
  Node& s = constant(g, "s", Tensor::from_values<uint8_t>(ElementType::boolean, {}, {1}));
  result(g, in.output(), "out_in");
  result(g, w.output(), "out_w");
  result(g, s.output(), "out_s");
  ScratchDir dir;
  write_ir(g, dir.path().string(), options());
  pugi::xml_document doc;
  load(doc, dir.path() / "m.xml");

  pugi::xml_node p = layer(doc, 0);
  EXPECT_STREQ(p.attribute("name").value(), "input");
  EXPECT_STREQ(p.attribute("type").value(), "Parameter");
  EXPECT_STREQ(p.attribute("version").value(), "opset1");
  EXPECT_EQ(attr_names(p.child("data")), (std::vector<std::string>{"shape", "element_type"}));
  EXPECT_STREQ(p.child("data").attribute("shape").value(), "1,3,?,4");
  EXPECT_STREQ(p.child("data").attribute("element_type").value(), "f16");
  pugi::xml_node p_out = p.child("output").child("port");
  EXPECT_STREQ(p_out.attribute("id").value(), "0");
  EXPECT_STREQ(p_out.attribute("precision").value(), "FP16");
  EXPECT_STREQ(p_out.attribute("names").value(), "in\\,0,input");
  EXPECT_EQ(dims(p_out), (std::vector<std::string>{"1", "3", "-1", "4"}));

  pugi::xml_node c = layer(doc, 1);
  EXPECT_STREQ(c.attribute("type").value(), "Const");
  EXPECT_EQ(attr_names(c.child("data")), (std::vector<std::string>{"element_type", "shape", "offset", "size"}));
  EXPECT_STREQ(c.child("data").attribute("element_type").value(), "i64");
  EXPECT_STREQ(c.child("data").attribute("shape").value(), "2, 3");
  EXPECT_STREQ(c.child("data").attribute("size").value(), "48");
  EXPECT_STREQ(c.child("output").child("port").attribute("precision").value(), "I64");
  EXPECT_FALSE(c.child("output").child("port").attribute("names"));

  pugi::xml_node scalar = layer(doc, 2);
  EXPECT_STREQ(scalar.child("data").attribute("element_type").value(), "boolean");
  EXPECT_STREQ(scalar.child("data").attribute("shape").value(), "");
  EXPECT_STREQ(scalar.child("output").child("port").attribute("precision").value(), "BOOL");
  EXPECT_TRUE(dims(scalar.child("output").child("port")).empty());

  pugi::xml_node r = layer(doc, 3);
  EXPECT_STREQ(r.attribute("type").value(), "Result");
  EXPECT_EQ(child_names(r), (std::vector<std::string>{"input"}));
  EXPECT_STREQ(r.child("input").child("port").attribute("id").value(), "0");
  EXPECT_STREQ(r.child("input").child("port").attribute("precision").value(), "FP16");
  EXPECT_FALSE(r.child("input").child("port").attribute("names"));
  EXPECT_STREQ(layer(doc, 5).attribute("name").value(), "out_s");
  EXPECT_FALSE(layer(doc, 6));
  EXPECT_EQ(edges(doc), (std::vector<std::string>{"0:0->3:0", "1:0->4:0", "2:0->5:0"}));
}

TEST(IrWriter, OrdersParametersAndResultsAsTheModelDoesAndDropsDeadNodes) {
  Graph g;
  Node& a = param(g, "a", {2});
  Node& b = param(g, "b", {2});
  constant(g, "dead", Tensor::from_values<float>(ElementType::f32, {1}, {1.f}));
  Node& unused = param(g, "unused", {3});
  result(g, b.output(), "rb");
  result(g, a.output(), "ra");
  g.set_parameters({unused.id(), b.id(), a.id()});
  ScratchDir dir;
  write_ir(g, dir.path().string(), options());
  pugi::xml_document doc;
  load(doc, dir.path() / "m.xml");
  std::vector<std::string> names;
  for (pugi::xml_node l : doc.child("net").child("layers").children("layer")) names.push_back(l.attribute("name").value());
  EXPECT_EQ(names, (std::vector<std::string>{"unused", "b", "a", "rb", "ra"}));
  EXPECT_EQ(edges(doc), (std::vector<std::string>{"1:0->3:0", "2:0->4:0"}));
}

TEST(IrWriter, DynamicRankParameterHasNoDims) {
  Graph g;
  Node& in = make_op(g, "opset1.Parameter", {},
                     {{"element_type", ElementType::i32}, {"dynamic_rank", true}}, "any");
  result(g, in.output(), "out");
  ScratchDir dir;
  write_ir(g, dir.path().string(), options());
  pugi::xml_document doc;
  load(doc, dir.path() / "m.xml");
  EXPECT_STREQ(layer(doc, 0).child("data").attribute("shape").value(), "...");
  EXPECT_TRUE(dims(layer(doc, 0).child("output").child("port")).empty());
}

TEST(IrWriter, FusedNamesGoInLayerRtInfoBetweenDataAndPorts) {
  Graph g;
  Node& in = param(g, "in", {1});
  in.fused_names = {"z", "a", "z", "m"};
  result(g, in.output(), "out");
  ScratchDir dir;
  write_ir(g, dir.path().string(), options());
  pugi::xml_document doc;
  load(doc, dir.path() / "m.xml");
  EXPECT_EQ(child_names(layer(doc, 0)), (std::vector<std::string>{"data", "rt_info", "output"}));
  pugi::xml_node attribute = layer(doc, 0).child("rt_info").child("attribute");
  EXPECT_EQ(attr_names(attribute), (std::vector<std::string>{"name", "version", "value"}));
  EXPECT_STREQ(attribute.attribute("name").value(), "fused_names");
  EXPECT_STREQ(attribute.attribute("version").value(), "0");
  EXPECT_STREQ(attribute.attribute("value").value(), "a,m,z");
  EXPECT_FALSE(layer(doc, 1).child("rt_info"));
}

TEST(IrWriter, ModelRtInfoHasConversionParametersInOrderAndNoRuntimeVersion) {
  Graph g;
  result(g, param(g, "in", {1}).output(), "out");
  IrWriteOptions opts{"m", {{"framework", "onnx"}, {"input_model", "a<b>.onnx"}, {"2bad key", "v"}}};
  ScratchDir dir;
  write_ir(g, dir.path().string(), opts);
  pugi::xml_document doc;
  load(doc, dir.path() / "m.xml");
  pugi::xml_node rt_info = doc.child("net").child("rt_info");
  EXPECT_EQ(child_names(rt_info), (std::vector<std::string>{"remo_version", "conversion_parameters"}));
  EXPECT_STREQ(rt_info.child("remo_version").attribute("value").value(), REMO_VERSION);
  pugi::xml_node params = rt_info.child("conversion_parameters");
  EXPECT_EQ(child_names(params), (std::vector<std::string>{"framework", "input_model", "info"}));
  EXPECT_STREQ(params.child("input_model").attribute("value").value(), "a<b>.onnx");
  EXPECT_STREQ(params.child("info").attribute("name").value(), "2bad key");
  EXPECT_STREQ(params.child("info").attribute("value").value(), "v");

  opts.conversion_parameters.emplace_back("framework", "tf");
  EXPECT_THROW(write_ir(g, dir.path().string(), opts), Error);
}

TEST(IrWriter, VersionStaysInTheFirst512BytesWhateverTheName) {
  Graph g;
  result(g, param(g, "in", {1}).output(), "out");
  ScratchDir dir;
  // The name is also the file stem, so it is at most ~230 bytes; escaping can make it longer.
  const std::string plain(200, 'n');
  write_ir(g, dir.path().string(), options(plain));
  std::string head = slurp(dir.path() / (plain + ".xml")).substr(0, 512);
  EXPECT_EQ(head.find("<net name=\"" + plain + "\" version=\"11\">"), 22u);

  const std::string quoted(100, '"');  // each escapes to &quot;
  write_ir(g, dir.path().string(), options(quoted));
  head = slurp(dir.path() / (quoted + ".xml")).substr(0, 512);
  EXPECT_EQ(head.find("<net version=\"11\" name="), 22u);
}

TEST(IrWriter, OutputIsByteIdenticalRunToRun) {
  auto build = [](Graph& g) {
    Node& in = param(g, "in", {2, 2});
    in.outputs[0].names = {"in"};
    in.fused_names = {"orig"};
    Node& c = constant(g, "c", Tensor::from_values<float>(ElementType::f32, {2}, {1.f, 2.f}));
    result(g, in.output(), "o1");
    result(g, c.output(), "o2");
  };
  Graph g1, g2;
  build(g1);
  build(g2);
  ScratchDir dir;
  write_ir(g1, (dir.path() / "one").string(), options());
  write_ir(g2, (dir.path() / "two").string(), options());
  EXPECT_EQ(slurp(dir.path() / "one" / "m.xml"), slurp(dir.path() / "two" / "m.xml"));
  EXPECT_EQ(slurp(dir.path() / "one" / "m.bin"), slurp(dir.path() / "two" / "m.bin"));
  std::string first = slurp(dir.path() / "one" / "m.xml");
  write_ir(g1, (dir.path() / "one").string(), options());  // overwrite in place
  EXPECT_EQ(slurp(dir.path() / "one" / "m.xml"), first);
}

TEST(IrWriter, CreatesTheDirectoryAndLeavesNoTemporaryFiles) {
  Graph g;
  result(g, param(g, "in", {1}).output(), "out");
  ScratchDir dir;
  fs::path out = dir.path() / "a" / "b";
  write_ir(g, out.string(), options());
  EXPECT_EQ(files_in(out), (std::vector<std::string>{"m.bin", "m.xml"}));
}

TEST(IrWriter, UnknownOpIsRefusedBeforeAnyFileIsWritten) {
  Graph g;
  Node& in = param(g, "in", {1});
  Node& foo = g.add_node("onnx.Foo", "x", {in.output()}, {}, 1);
  result(g, foo.output(), "out");
  ScratchDir dir;
  fs::path out = dir.path() / "new";
  try {
    write_ir(g, out.string(), options());
    FAIL() << "an onnx op was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'x' (onnx.Foo) is not an OpenVINO opset op"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST(IrWriter, FailureWhileWritingLeavesNothingBehind) {
  Graph g;
  // A string constant has no .bin layout; the writer finds out after it created its files.
  Tensor strings(ElementType::string, {1}, std::make_shared<OwnedBuffer>(std::vector<uint8_t>{}));
  result(g, param(g, "in", {1}).output(), "o1");
  result(g, constant(g, "names", strings).output(), "o2");
  ScratchDir dir;
  try {
    write_ir(g, dir.path().string(), options());
    FAIL() << "a string constant was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'names'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST(IrWriter, UncreatableDirectoryIsReportedWithItsPath) {
  Graph g;
  result(g, param(g, "in", {1}).output(), "out");
  ScratchDir dir;
  std::ofstream(dir.path() / "file") << "not a directory";
  fs::path out = dir.path() / "file" / "sub";
  try {
    write_ir(g, out.string(), options());
    FAIL() << "wrote below a regular file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(files_in(dir.path()), (std::vector<std::string>{"file"}));
  EXPECT_THROW(write_ir(g, dir.path().string(), options("a/b")), Error);
}

TEST(IrWriter, OmittedInputsTrailingAreDroppedInTheMiddleRefused) {
  Graph trailing;
  Node& in = param(trailing, "in", {1});
  trailing.add_node("opset1.Result", "out", {in.output(), Value{}}, {}, 0);
  ScratchDir dir;
  write_ir(trailing, dir.path().string(), options());
  pugi::xml_document doc;
  load(doc, dir.path() / "m.xml");
  EXPECT_EQ(std::distance(layer(doc, 1).child("input").children("port").begin(),
                          layer(doc, 1).child("input").children("port").end()),
            1);

  Graph gap;
  Node& a = param(gap, "a", {1});
  gap.add_node("opset1.Result", "out", {Value{}, a.output()}, {}, 0);
  try {
    write_ir(gap, (dir.path() / "gap").string(), options());
    FAIL() << "a gap in the inputs was written";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'out' (opset1.Result): input 0 is omitted"), std::string::npos)
        << e.what();
  }
}

TEST(IrWriter, ParameterThatIsNotAModelInputIsRefused) {
  Graph g;
  Node& a = param(g, "a", {1});
  Node& b = param(g, "b", {1});
  result(g, b.output(), "out");
  g.set_parameters({a.id()});
  EXPECT_THROW(write_ir(g, ScratchDir().path().string(), options()), Error);
}

}  // namespace
}  // namespace remo
