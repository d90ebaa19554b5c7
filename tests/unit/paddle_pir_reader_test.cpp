// Paddle PIR frontend: small programs written as the JSON Paddle 3 saves (docs/paddle.md, "The
// PIR program") with a parameter file written byte by byte, read back through
// read_paddle_pir_model; the PIR fuzz seed (a CNN Paddle 3.0 saved) through the whole conversion
// and through truncations and corruptions.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "frontends/paddle/paddle_reader.h"
#include "frontends/paddle/pir_json.h"
#include "frontends/paddle/pir_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing_support::ScratchDir;
using testing_support::slurp;

Json dtensor(std::vector<int64_t> dims, const std::string& element = "0.t_f32") {
  return {{"#", "0.t_dtensor"}, {"D", Json::array({{{"#", element}}, dims, "NCHW", Json::array(), 0})}};
}

Json attr(const std::string& name, const std::string& kind, Json value) {
  return {{"N", name}, {"AT", {{"#", kind}, {"D", std::move(value)}}}};
}

Json value(int64_t id, Json type) { return {{"%", id}, {"TT", std::move(type)}}; }
Json use(int64_t id) { return {{"%", id}}; }

Json op(const std::string& kind, Json attrs, Json inputs, Json outputs) {
  return {{"#", kind}, {"A", std::move(attrs)}, {"I", std::move(inputs)}, {"O", std::move(outputs)}};
}

Json data_op(int64_t id, const std::string& name, std::vector<int64_t> dims) {
  return op("1.data",
            {attr("name", "0.a_str", name), attr("shape", "1.a_intarray", dims), attr("dtype", "1.a_dtype", "float32"),
             attr("place", "1.a_place", Json::array({0, 0, ""}))},
            Json::array(), Json::array({value(id, dtensor(dims))}));  // {x} alone may be x, not [x]
}

Json fetch_op(int64_t from, int64_t id, const std::string& name, int64_t col, std::vector<int64_t> dims) {
  return op("1.fetch", {attr("name", "0.a_str", name), attr("col", "0.a_i32", col)}, {use(from)},
            {value(id, dtensor(dims))});
}

Json param_op(int64_t id, const std::string& name, std::vector<int64_t> dims) {
  return {{"#", "p"}, {"A", Json::array({0, 1, 1, name})}, {"O", value(id, dtensor(dims))}};
}

std::string program(Json ops) {
  Json doc = {{"base_code", {{"magic", "pir"}, {"trainable", false}, {"version", 1}}},
              {"program", {{"regions", Json::array({{{"#", "region_0"},
                                                     {"blocks", Json::array({{{"#", "block_0"},
                                                                              {"args", Json::array()},
                                                                              {"ops", std::move(ops)}}})}}})}}}};
  return doc.dump();
}

// One f32 tensor in the .pdiparams layout: versions, no LoD, a TensorDesc, the data.
std::string f32_record(std::vector<int64_t> dims, std::vector<float> values) {
  std::string desc = {0x08, 5};  // data_type FP32
  for (int64_t d : dims) desc += {0x10, static_cast<char>(d)};
  std::string out(4 + 8 + 4, '\0');
  const int32_t size = static_cast<int32_t>(desc.size());
  out.append(reinterpret_cast<const char*>(&size), 4);
  out += desc;
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return out;
}

fs::path write(const ScratchDir& dir, const std::string& json, const std::string& params) {
  std::ofstream(dir.path() / "net.json", std::ios::binary | std::ios::trunc) << json;
  std::ofstream(dir.path() / "net.pdiparams", std::ios::binary | std::ios::trunc) << params;
  return dir.path() / "net.json";
}

std::string error_of(const fs::path& model) {
  try {
    read_paddle_pir_model(model.string());
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

const Node* find_type(const Graph& g, const std::string& type) {
  for (NodeId id : g.topological_order())
    if (g.at(id).op() == type) return &g.at(id);
  return nullptr;
}

// x [N,3,8,8] -> conv2d(w) -> pool2d (kernel from full_int_array) -> fetch; and a second fetch of
// a concat of a combine, to cover vectors and the second output column.
std::string conv_pool_program() {
  Json ops = Json::array();
  ops.push_back(param_op(1, "conv.w", {4, 3, 3, 3}));
  ops.push_back(data_op(2, "x", {-1, 3, 8, 8}));
  ops.push_back(op("1.conv2d",
                   {attr("strides", "0.a_array", Json::array({{{"#", "0.a_i32"}, {"D", 1}}, {{"#", "0.a_i32"}, {"D", 1}}})),
                    attr("paddings", "0.a_array", Json::array({{{"#", "0.a_i32"}, {"D", 1}}, {{"#", "0.a_i32"}, {"D", 1}}})),
                    attr("padding_algorithm", "0.a_str", "EXPLICIT"), attr("groups", "0.a_i32", 1),
                    attr("dilations", "0.a_array", Json::array({{{"#", "0.a_i32"}, {"D", 1}}, {{"#", "0.a_i32"}, {"D", 1}}})),
                    attr("data_format", "0.a_str", "NCHW"), attr("struct_name", "0.a_str", "/Conv2D/")},
                   {use(2), use(1)}, {value(3, dtensor({-1, 4, 8, 8}))}));
  ops.push_back(op("1.full_int_array",
                   {attr("value", "0.a_array", Json::array({{{"#", "0.a_i64"}, {"D", 2}}, {{"#", "0.a_i64"}, {"D", 2}}})),
                    attr("dtype", "1.a_dtype", "int64")},
                   Json::array(), {value(4, dtensor({2}, "0.t_i64"))}));
  ops.push_back(op("1.pool2d",
                   {attr("strides", "0.a_array", Json::array({{{"#", "0.a_i32"}, {"D", 2}}, {{"#", "0.a_i32"}, {"D", 2}}})),
                    attr("paddings", "0.a_array", Json::array({{{"#", "0.a_i32"}, {"D", 0}}, {{"#", "0.a_i32"}, {"D", 0}}})),
                    attr("pooling_type", "0.a_str", "max"), attr("ceil_mode", "0.a_bool", false)},
                   {use(3), use(4)}, {value(5, dtensor({-1, 4, 4, 4}))}));
  ops.push_back(op("0.combine", Json::array(), {use(5), use(5)},
                   {value(6, {{"#", "0.t_vec"}, {"D", Json::array({dtensor({-1, 4, 4, 4}), dtensor({-1, 4, 4, 4})})}})}));
  ops.push_back(op("1.full",
                   {attr("shape", "1.a_intarray", Json::array({1})), attr("value", "0.a_f64", 1.0),
                    attr("dtype", "1.a_dtype", "int32")},
                   Json::array(), {value(7, dtensor({1}, "0.t_i32"))}));
  ops.push_back(op("1.concat", Json::array(), {use(6), use(7)}, {value(8, dtensor({-1, 8, 4, 4}))}));
  ops.push_back(fetch_op(8, 9, "both", 1, {-1, 8, 4, 4}));
  ops.push_back(fetch_op(5, 10, "pooled", 0, {-1, 4, 4, 4}));
  return program(ops);
}

std::string conv_params() { return f32_record({4, 3, 3, 3}, std::vector<float>(108, 0.5f)); }

TEST(PaddlePirReader, BuildsTheLegacyNodesFromAProgram) {
  ScratchDir dir;
  auto g = read_paddle_pir_model(write(dir, conv_pool_program(), conv_params()).string());
  ASSERT_EQ(g->parameters().size(), 1u);
  ASSERT_EQ(g->results().size(), 2u);
  EXPECT_EQ(g->at(g->results()[0]).name, "pooled/sink_port_0");  // col order
  EXPECT_EQ(g->at(g->results()[1]).name, "both/sink_port_0");
  const Node* conv = find_type(*g, "paddle.conv2d");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->attr<std::vector<std::string>>("paddle:inputs"), (std::vector<std::string>{"Input", "Filter"}));
  EXPECT_EQ(conv->attr<std::vector<std::string>>("paddle:outputs"), std::vector<std::string>{"Output"});
  EXPECT_EQ(conv->attr<std::vector<int64_t>>("paddings"), (std::vector<int64_t>{1, 1}));
  EXPECT_FALSE(conv->has_attr("struct_name"));
  const Node* pool = find_type(*g, "paddle.pool2d");
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->inputs().size(), 1u);  // the kernel size became the ksize attribute
  EXPECT_EQ(pool->attr<std::vector<int64_t>>("ksize"), (std::vector<int64_t>{2, 2}));
  const Node* concat = find_type(*g, "paddle.concat");
  ASSERT_NE(concat, nullptr);
  EXPECT_EQ(concat->attr<std::vector<std::string>>("paddle:inputs"), (std::vector<std::string>{"X", "X"}));
  EXPECT_EQ(concat->attr<int64_t>("axis"), 1);
}

TEST(PaddlePirReader, TheJsonExtensionGoesToThePirReader) {
  ScratchDir dir;
  auto g = read_paddle_model(write(dir, conv_pool_program(), conv_params()).string());
  EXPECT_NE(find_type(*g, "paddle.conv2d"), nullptr);
  EXPECT_EQ(std::get<int64_t>(g->meta.at("pir_version")), 1);
}

TEST(PaddlePirReader, AnotherExtensionIsTakenAsPirWhenTheFileIsJson) {
  ScratchDir dir;
  write(dir, conv_pool_program(), conv_params());
  fs::rename(dir.path() / "net.json", dir.path() / "net.model");
  auto g = read_paddle_model((dir.path() / "net.model").string());
  EXPECT_NE(find_type(*g, "paddle.conv2d"), nullptr);
}

TEST(PaddlePirReader, ATruncatedParameterFileNamesTheParameter) {
  ScratchDir dir;
  const std::string params = conv_params();
  const std::string e = error_of(write(dir, conv_pool_program(), params.substr(0, params.size() - 1)));
  EXPECT_NE(e.find("net.pdiparams: variable 'conv.w': truncated data"), std::string::npos) << e;
}

TEST(PaddlePirReader, AParameterOfAnotherShapeIsRefused) {
  ScratchDir dir;
  const std::string e = error_of(write(dir, conv_pool_program(), f32_record({4, 3, 9}, std::vector<float>(108, 0))));
  EXPECT_NE(e.find("parameter 'conv.w': the parameter file holds f32 [4,3,9] but the program declares f32 [4,3,3,3]"),
            std::string::npos)
      << e;
}

TEST(PaddlePirReader, AMissingParameterFileIsNamed) {
  ScratchDir dir;
  const fs::path model = write(dir, conv_pool_program(), "");
  fs::remove(dir.path() / "net.pdiparams");
  EXPECT_NE(error_of(model).find("'net.pdiparams' is not beside it"), std::string::npos) << error_of(model);
}

TEST(PaddlePirReader, AnUndefinedOperandNamesTheOp) {
  ScratchDir dir;
  Json ops = Json::array({data_op(1, "x", {2}), op("1.relu", Json::array(), {use(7)}, {value(2, dtensor({2}))}),
                          fetch_op(2, 3, "y", 0, {2})});
  const std::string e = error_of(write(dir, program(ops), ""));
  EXPECT_NE(e.find("net.json: op #1 (pd_op.relu, result %2): reads value %7, which no earlier op defines"),
            std::string::npos)
      << e;
}

TEST(PaddlePirReader, AnUnknownOpKeepsItsPirNameWithPositionalInputs) {
  ScratchDir dir;
  Json ops = Json::array({data_op(1, "x", {2}), op("1.mystery", Json::array(), {use(1)}, {value(2, dtensor({2}))}),
                          fetch_op(2, 3, "y", 0, {2})});
  auto g = read_paddle_pir_model(write(dir, program(ops), "").string());
  const Node* n = find_type(*g, "pd_op.mystery");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->attr<std::vector<std::string>>("paddle:inputs"), std::vector<std::string>{"0"});
}

TEST(PaddlePirReader, BadFilesGetClearErrors) {
  ScratchDir dir;
  EXPECT_NE(error_of(write(dir, "{\"program\": ", "")).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(write(dir, "{\"base_code\": {\"magic\": \"xyz\", \"version\": 1}}", "")).find("not a Paddle PIR program"),
            std::string::npos);
  Json ops = Json::array({data_op(1, "x", {2})});
  EXPECT_NE(error_of(write(dir, program(ops), "")).find("has no pd_op.fetch"), std::string::npos);
  Json region_op = op("2.if", Json::array(), Json::array(), Json::array());
  region_op["regions"] = Json::array();
  EXPECT_NE(error_of(write(dir, program(Json::array({region_op})), "")).find("other than pd_op.if and pd_op.while"),
            std::string::npos);
  Json bad_type = Json::array({data_op(1, "x", {2})});
  bad_type[0]["O"][0]["TT"] = dtensor({2}, "0.t_c64");
  EXPECT_NE(error_of(write(dir, program(bad_type), "")).find("element type '0.t_c64' is not supported"),
            std::string::npos);
}

// ---- the seed Paddle 3.0 saved (tests/fuzz/seeds/paddle_pir/tiny_cnn) ----------------------

struct Seed {
  std::string program, params;
};

Seed load_seed() {
  std::string bytes = slurp(std::string(REMO_SOURCE_RULES_DIR) + "/tests/fuzz/seeds/paddle_pir/tiny_cnn");
  uint32_t n = 0;
  if (bytes.size() >= 4) std::memcpy(&n, bytes.data(), 4);
  if (bytes.size() < 4 + size_t{n}) return {};
  return {bytes.substr(4, n), bytes.substr(4 + n)};
}

bool reads(const ScratchDir& dir, const std::string& program, const std::string& params) {
  try {
    read_paddle_pir_model(write(dir, program, params).string());
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST(PaddlePirSeed, ConvertsAProgramPaddleSaved) {
  Seed seed = load_seed();
  ASSERT_FALSE(seed.program.empty());
  ScratchDir dir;
  ConvertOptions o;
  o.input_model = write(dir, seed.program, seed.params).string();
  o.output_dir = (dir.path() / "out").string();
  ConvertSummary s = convert_model(o);
  std::string xml = slurp(s.xml_path);
  EXPECT_NE(xml.find("type=\"Convolution\""), std::string::npos);
  EXPECT_NE(xml.find("type=\"SoftMax\""), std::string::npos);
}

TEST(PaddlePirSeed, EveryTruncatedParameterFileIsAnError) {
  Seed seed = load_seed();
  ScratchDir dir;
  for (size_t n = 0; n < seed.params.size(); n += 7)
    EXPECT_FALSE(reads(dir, seed.program, seed.params.substr(0, n))) << "params cut at " << n;
}

TEST(PaddlePirSeed, TruncatedAndCorruptedProgramsReadOrFailCleanly) {
  Seed seed = load_seed();
  ScratchDir dir;
  for (size_t n = 0; n < seed.program.size(); n += 101) EXPECT_FALSE(reads(dir, seed.program.substr(0, n), seed.params));
  std::mt19937 rng(1234);
  for (int round = 0; round < 200; ++round) {
    Seed bad = seed;
    std::string& target = round % 2 ? bad.params : bad.program;
    for (int k = 0; k < 4; ++k) target[rng() % target.size()] = static_cast<char>(rng());
    reads(dir, bad.program, bad.params);
  }
}

}  // namespace
}  // namespace remo

namespace remo {
namespace {

TEST(PaddlePirAttributes, EveryKindDecodes) {
  using paddle_import::decode_attribute;
  auto decode = [](const std::string& kind, Json data) { return decode_attribute({{"#", kind}, {"D", data}}); };
  EXPECT_EQ(std::get<int64_t>(*decode("0.a_i32", 7)), 7);
  EXPECT_EQ(std::get<int64_t>(*decode("0.a_index", 3)), 3);
  EXPECT_DOUBLE_EQ(std::get<double>(*decode("0.a_f64", 0.25)), 0.25);
  EXPECT_EQ(std::get<std::string>(*decode("1.a_layout", "NHWC")), "NHWC");
  EXPECT_EQ(std::get<int64_t>(*decode("1.a_dtype", "float32")), 5);  // the legacy VarType code
  EXPECT_EQ(std::get<int64_t>(*decode("1.a_dtype", "Undefined(ALL_DTYPE)")), -1);
  EXPECT_EQ(std::get<bool>(*decode("1.a_scalar", Json::array({"bool", true}))), true);
  EXPECT_EQ(std::get<int64_t>(*decode("1.a_scalar", Json::array({"int64", -4}))), -4);
  EXPECT_DOUBLE_EQ(std::get<double>(*decode("1.a_scalar", Json::array({"float32", 1.5}))), 1.5);
  EXPECT_THROW(decode("1.a_scalar", Json::array({"complex64", 1.0, 2.0})), Error);
  EXPECT_FALSE(decode("1.a_place", Json::array({0, 0, ""})).has_value());
  Json ints = Json::array({{{"#", "0.a_i64"}, {"D", 1}}, {{"#", "0.a_bool"}, {"D", true}}});
  EXPECT_EQ(std::get<std::vector<int64_t>>(*decode("0.a_array", ints)), (std::vector<int64_t>{1, 1}));
  Json strings = Json::array({{{"#", "0.a_str"}, {"D", "a"}}});
  EXPECT_EQ(std::get<std::vector<std::string>>(*decode("0.a_array", strings)), std::vector<std::string>{"a"});
  Json nested = Json::array({{{"#", "0.a_array"}, {"D", Json::array()}}});
  EXPECT_THROW(decode("0.a_array", nested), Error);
  EXPECT_THROW(decode("0.a_c64", Json::array({1.0, 2.0})), Error);
}

TEST(PaddlePirAttributes, VectorTypesDecodeAndNestedOnesAreRefused) {
  using paddle_import::decode_type;
  Json vec = {{"#", "0.t_vec"}, {"D", Json::array({dtensor({2}), dtensor({3}, "0.t_i64")})}};
  paddle_import::PirType t = decode_type(vec);
  ASSERT_TRUE(t.is_vector);
  ASSERT_EQ(t.elements.size(), 2u);
  EXPECT_EQ(t.elements[1].element, ElementType::i64);
  EXPECT_THROW(decode_type({{"#", "0.t_vec"}, {"D", Json::array({vec})}}), Error);
}

}  // namespace
}  // namespace remo
