// Paddle PIR frontend: pd_op.if and pd_op.while (ops with regions) become the conditional_block and
// while nodes the legacy reader makes, with their bodies, captures and loop-carried values; the
// detection and recurrent ops map onto their legacy slots and attribute names.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "frontends/paddle/pir_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using testing_support::ScratchDir;

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

Json data_op(int64_t id, const std::string& name, std::vector<int64_t> dims, const std::string& element = "0.t_f32") {
  return op("1.data", {attr("name", "0.a_str", name), attr("shape", "1.a_intarray", dims)}, Json::array(),
            {value(id, dtensor(dims, element))});
}

Json fetch_op(int64_t from, int64_t id, int64_t col) {
  return op("1.fetch", {attr("name", "0.a_str", "out" + std::to_string(col)), attr("col", "0.a_i32", col)},
            {use(from)}, {value(id, dtensor({2, 3}))});
}

Json full_op(int64_t id, double number, const std::string& dtype, const std::string& element) {
  return op("1.full",
            {attr("shape", "1.a_intarray", Json::array({1})), attr("value", "0.a_f64", number),
             attr("dtype", "1.a_dtype", dtype)},
            Json::array(), {value(id, dtensor({1}, element))});
}

// Lists of ops and values are std::vector parameters: a braced list of one Json passed as a Json
// is a copy of that element with some compilers and a one-element array with others.
Json yield_op(std::vector<Json> inputs) { return op("2.yield", Json::array(), Json(std::move(inputs)), Json::array()); }

Json region(Json ops, Json args = Json::array()) {
  return {{"#", "region"}, {"blocks", Json::array({{{"#", "block"}, {"args", std::move(args)}, {"ops", std::move(ops)}}})}};
}

std::string program(Json ops) {
  Json doc = {{"base_code", {{"magic", "pir"}, {"trainable", false}, {"version", 1}}},
              {"program", {{"regions", Json::array({region(std::move(ops))})}}}};
  return doc.dump();
}

fs::path write(const ScratchDir& dir, const std::string& json) {
  std::ofstream(dir.path() / "net.json", std::ios::binary | std::ios::trunc) << json;
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

template <typename T>
T attr_of(const Node& n, const std::string& name) {
  return std::get<T>(n.attrs.at(name));
}

// if (c) { exp(x) } else { tanh(x) }
Json if_op(std::vector<Json> then_ops, std::vector<Json> else_ops) {
  Json j = op("1.if", Json::array(), Json::array({use(2)}), Json::array({value(3, dtensor({2, 3}))}));
  j["regions"] = Json::array({region(Json(std::move(then_ops))), region(Json(std::move(else_ops)))});
  return j;
}

Json if_program_ops(Json if_json) {
  return Json::array({data_op(1, "x", {2, 3}), data_op(2, "c", {1}, "0.t_bool"), std::move(if_json), fetch_op(3, 4, 0)});
}

TEST(PaddlePirRegions, IfBecomesAConditionalBlockWithBothBranches) {
  ScratchDir dir;
  Json then_ops = {op("1.exp", Json::array(), {use(1)}, {value(10, dtensor({2, 3}))}), yield_op({use(10)})};
  Json else_ops = {op("1.tanh", Json::array(), {use(1)}, {value(11, dtensor({2, 3}))}), yield_op({use(11)})};
  auto graph = read_paddle_pir_model(write(dir, program(if_program_ops(if_op(then_ops, else_ops)))).string());
  const Node* node = find_type(*graph, "paddle.conditional_block");
  ASSERT_NE(node, nullptr);
  EXPECT_TRUE(attr_of<bool>(*node, "is_scalar_condition"));
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "paddle:inputs"), std::vector<std::string>{"Cond"});
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "paddle:outputs"), std::vector<std::string>{"Out"});
  // Each branch captures x: the condition, then the true branch's capture, then the false one's.
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "sub_block:captures"), std::vector<std::string>{"%1"});
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "sub_block_else:captures"), std::vector<std::string>{"%1"});
  ASSERT_EQ(node->inputs().size(), 3u);
  for (const char* key : {"sub_block", "sub_block_else"}) {
    const Graph& body = *attr_of<GraphPtr>(*node, key);
    EXPECT_EQ(body.parameters().size(), 1u) << key;
    EXPECT_EQ(body.results().size(), 1u) << key;
  }
  EXPECT_NE(find_type(*attr_of<GraphPtr>(*node, "sub_block"), "paddle.exp"), nullptr);
  EXPECT_NE(find_type(*attr_of<GraphPtr>(*node, "sub_block_else"), "paddle.tanh"), nullptr);
}

// i = 0; while (i < 5) { i = i + 1; acc = tanh(acc) }, the step and the limit read from outside.
Json while_program_ops(Json args, Json body_ops) {
  Json w = op("1.while", Json::array(), {use(4), use(2), use(1)}, {value(5, dtensor({1}, "0.t_i64")), value(6, dtensor({2, 3}))});
  w["regions"] = Json::array({region(std::move(body_ops), std::move(args))});
  return Json::array({data_op(1, "acc", {2, 3}), full_op(2, 0, "int64", "0.t_i64"), full_op(3, 5, "int64", "0.t_i64"),
                      op("1.less_than", Json::array(), {use(2), use(3)}, {value(4, dtensor({1}, "0.t_bool"))}), w,
                      fetch_op(6, 7, 0)});
}

Json loop_args() {
  return Json::array({{{"#", -1}, {"TT", dtensor({1}, "0.t_i64")}}, {{"#", -2}, {"TT", dtensor({2, 3})}}});
}

Json loop_body() {
  return Json::array({op("1.add", Json::array(), {use(-1), use(2)}, {value(8, dtensor({1}, "0.t_i64"))}),
                      op("1.tanh", Json::array(), {use(-2)}, {value(9, dtensor({2, 3}))}),
                      op("1.less_than", Json::array(), {use(8), use(3)}, {value(10, dtensor({1}, "0.t_bool"))}),
                      yield_op({use(10), use(8), use(9)})});
}

TEST(PaddlePirRegions, WhileBecomesAWhileNodeWithCarriedValuesAndCaptures) {
  ScratchDir dir;
  auto graph = read_paddle_pir_model(write(dir, program(while_program_ops(loop_args(), loop_body()))).string());
  const Node* node = find_type(*graph, "paddle.while");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "paddle:inputs"),
            (std::vector<std::string>{"Condition", "sub_block:carried", "sub_block:carried"}));
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "sub_block:carried"),
            (std::vector<std::string>{"carried_0", "carried_1"}));
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "sub_block:results"),
            (std::vector<std::string>{"carried_0", "carried_1", "condition"}));
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "sub_block:captures"), (std::vector<std::string>{"%2", "%3"}));
  EXPECT_EQ(node->inputs().size(), 5u);  // condition, two carried values, two captures
  EXPECT_EQ(node->outputs.size(), 2u);
  const Graph& body = *attr_of<GraphPtr>(*node, "sub_block");
  EXPECT_EQ(body.parameters().size(), 4u);  // the block's arguments first, then the captures
  EXPECT_EQ(body.results().size(), 3u);     // the carried values, then the condition
}

TEST(PaddlePirRegions, IfInsideWhileCapturesThroughTheLoop) {
  ScratchDir dir;
  Json body = loop_body();
  Json inner = op("1.if", Json::array(), {use(10)}, {value(20, dtensor({2, 3}))});
  inner["regions"] = Json::array({region(Json::array({op("1.exp", Json::array(), {use(1)}, {value(21, dtensor({2, 3}))}), yield_op({use(21)})})),
                                  region(Json::array({yield_op({use(9)})}))});
  body.insert(body.end() - 1, inner);
  body.back() = yield_op({use(10), use(8), use(20)});
  auto graph = read_paddle_pir_model(write(dir, program(while_program_ops(loop_args(), body))).string());
  const Node* loop = find_type(*graph, "paddle.while");
  ASSERT_NE(loop, nullptr);
  // x (%1) is read only inside the if, so the loop body captures it for the if.
  EXPECT_EQ(attr_of<std::vector<std::string>>(*loop, "sub_block:captures"),
            (std::vector<std::string>{"%2", "%3", "%1"}));
  const Node* cond = find_type(*attr_of<GraphPtr>(*loop, "sub_block"), "paddle.conditional_block");
  ASSERT_NE(cond, nullptr);
  EXPECT_EQ(attr_of<std::vector<std::string>>(*cond, "sub_block:captures"), std::vector<std::string>{"%1"});
  // The false branch yields the loop body's tanh, a value of its enclosing block.
  EXPECT_EQ(attr_of<std::vector<std::string>>(*cond, "sub_block_else:captures"), std::vector<std::string>{"%9"});
}

TEST(PaddlePirRegions, BadRegionsGetClearErrors) {
  ScratchDir dir;
  Json no_yield = if_op({op("1.exp", Json::array(), {use(1)}, {value(10, dtensor({2, 3}))})}, {yield_op({use(1)})});
  EXPECT_NE(error_of(write(dir, program(if_program_ops(no_yield)))).find("does not end in cf.yield"), std::string::npos);
  Json one_region = if_op({yield_op({use(1)})}, {yield_op({use(1)})});
  one_region["regions"].erase(1);
  EXPECT_NE(error_of(write(dir, program(if_program_ops(one_region)))).find("must have two regions"), std::string::npos);
  Json two_values = if_op({yield_op({use(1), use(1)})}, {yield_op({use(1)})});
  EXPECT_NE(error_of(write(dir, program(if_program_ops(two_values)))).find("yields 2 values for the op's 1 results"),
            std::string::npos);
  Json data_inside = if_op({data_op(12, "z", {2, 3}), yield_op({use(12)})}, {yield_op({use(1)})});
  EXPECT_NE(error_of(write(dir, program(if_program_ops(data_inside)))).find("only the program's top block"),
            std::string::npos);
  Json one_arg = Json::array({loop_args()[0]});
  EXPECT_NE(error_of(write(dir, program(while_program_ops(one_arg, loop_body())))).find("one argument per loop-carried"),
            std::string::npos);
  Json short_yield = loop_body();
  short_yield.back() = yield_op({use(10), use(8)});
  EXPECT_NE(error_of(write(dir, program(while_program_ops(loop_args(), short_yield)))).find("yields 2 values"),
            std::string::npos);
  Json unknown = loop_body();
  unknown[1]["I"] = {use(99)};
  EXPECT_NE(error_of(write(dir, program(while_program_ops(loop_args(), unknown)))).find("reads value %99"),
            std::string::npos);
}

TEST(PaddlePirRegions, AnInPlaceChangeOfAnEnclosingValueIsRefused) {
  ScratchDir dir;
  Json body = loop_body();
  // increment_ of the outer counter %2 (what paddle.increment in a loop body saves)
  body.insert(body.begin(), op("1.increment_", {attr("value", "0.a_f32", 1.0)}, {use(2)}, {value(12, dtensor({1}, "0.t_i64"))}));
  EXPECT_NE(error_of(write(dir, program(while_program_ops(loop_args(), body)))).find("pd_op.increment_ changes %2"),
            std::string::npos);
  // in place on the block's own value is fine
  Json own = loop_body();
  own.insert(own.end() - 1, op("1.relu_", Json::array(), {use(9)}, {value(13, dtensor({2, 3}))}));
  EXPECT_EQ(error_of(write(dir, program(while_program_ops(loop_args(), own)))), "(no error)");
}

TEST(PaddlePirRegions, DetectionOpsTakeTheirLegacySlotsAndAttributeNames) {
  ScratchDir dir;
  Json ops = Json::array({data_op(1, "scores", {1, 3, 2, 2}), data_op(2, "deltas", {1, 12, 2, 2}),
                          data_op(3, "im", {1, 2}), data_op(4, "anchors", {2, 2, 3, 4}), data_op(5, "vars", {2, 2, 3, 4})});
  ops.push_back(op("1.generate_proposals",
                   {attr("pre_nms_top_n", "0.a_i32", 10), attr("post_nms_top_n", "0.a_i32", 5),
                    attr("nms_thresh", "0.a_f32", 0.5), attr("min_size", "0.a_f32", 1.0), attr("eta", "0.a_f32", 1.0),
                    attr("pixel_offset", "0.a_bool", true)},
                   {use(1), use(2), use(3), use(4), use(5)},
                   {value(6, dtensor({-1, 4})), value(7, dtensor({-1, 1})), value(8, dtensor({-1}, "0.t_i32"))}));
  ops.push_back(fetch_op(6, 9, 0));
  auto graph = read_paddle_pir_model(write(dir, program(ops)).string());
  const Node* node = find_type(*graph, "paddle.generate_proposals_v2");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "paddle:inputs"),
            (std::vector<std::string>{"Scores", "BboxDeltas", "ImShape", "Anchors", "Variances"}));
  EXPECT_EQ(attr_of<std::vector<std::string>>(*node, "paddle:outputs"),
            (std::vector<std::string>{"RpnRois", "RpnRoiProbs", "RpnRoisNum"}));
  EXPECT_EQ(attr_of<int64_t>(*node, "pre_nms_topN"), 10);
  EXPECT_EQ(attr_of<int64_t>(*node, "post_nms_topN"), 5);
  EXPECT_EQ(node->attrs.count("pre_nms_top_n"), 0u);
}

}  // namespace
}  // namespace remo
