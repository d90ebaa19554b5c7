// LSTMSequence/GRUSequence/RNNSequence-5, FakeQuantize-1 and Round-5: inference and evaluation.
// The translations' numbers against onnxruntime are in rules/onnx/tests/{recurrent,quantization}.test.json.
#include <pugixml.hpp>

#include "engine/ir/ir_writer.h"
#include "tests/unit/ops_test_helpers.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace test;

TEST(OpsFakeQuantize, ClampsRoundsHalfToEvenAndMaps) {
  // levels 3 over [0, 2] -> [0, 2]: the output is x rounded to a whole number, ties to even.
  expect_near(run("opset1.FakeQuantize", {f32({6}, {-1, 0.5, 1.5, 1.25, 2.5, 2}), scalar_f32(0), scalar_f32(2),
                                          scalar_f32(0), scalar_f32(2)},
                  {{"levels", int64_t{3}}}),
              {0, 0, 2, 1, 2, 2});
  // Per-row ranges broadcast from [2, 1]: row 1 maps [10, 12] onto [0, 4].
  expect_near(run("opset1.FakeQuantize", {f32({2, 2}, {0.9, 3, 11, 9}), f32({2, 1}, {0, 10}), f32({2, 1}, {2, 12}),
                                          f32({2, 1}, {0, 0}), f32({2, 1}, {2, 4})},
                  {{"levels", int64_t{3}}}),
              {1, 2, 2, 0});
  // 256 levels onto [-128, 127] with scale 2: an i8 quantizer.
  expect_near(run("opset1.FakeQuantize", {f32({4}, {3, 5, -1000, 7.9}), scalar_f32(-256), scalar_f32(254),
                                          scalar_f32(-128), scalar_f32(127)},
                  {{"levels", int64_t{256}}}),
              {2, 2, -128, 4});
}

TEST(OpsFakeQuantize, ChecksInputs) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 3});
  auto c = constant(g, scalar_f32(0));
  EXPECT_EQ(out(g, make(g, "opset1.FakeQuantize", {x, c, c, c, c}, {{"levels", int64_t{256}}})).shape,
            PartialShape({-1, 3}));
  expect_error([&] { make(g, "opset1.FakeQuantize", {x, c, c, c, c}, {{"levels", int64_t{1}}}); }, "levels");
  auto i = constant(g, scalar(0));
  expect_error([&] { make(g, "opset1.FakeQuantize", {x, i, c, c, c}, {{"levels", int64_t{256}}}); }, "input_low");
  auto wide = constant(g, f32({4}, {0, 0, 0, 0}));
  expect_error([&] { make(g, "opset1.FakeQuantize", {x, wide, c, c, c}, {{"levels", int64_t{256}}}); }, "broadcast");
}

TEST(OpsRound, BothTieModes) {
  const Tensor x = f32({6}, {0.5, 1.5, 2.5, -0.5, -2.5, 2.4});
  expect_near(run("opset5.Round", {x}, {{"mode", std::string("half_to_even")}}), {0, 2, 2, 0, -2, 2});
  expect_near(run("opset5.Round", {x}, {{"mode", std::string("half_away_from_zero")}}), {1, 2, 3, -1, -3, 2});
  EXPECT_EQ(int_values(run("opset5.Round", {ints({3, -4})}, {{"mode", std::string("half_to_even")}})),
            (std::vector<int64_t>{3, -4}));
  expect_error([&] { run("opset5.Round", {x}, {{"mode", std::string("up")}}); }, "mode");
}

Attributes rnn_attrs(const std::string& direction) {
  return {{"hidden_size", int64_t{1}}, {"direction", direction},
          {"activations", std::vector<std::string>{"relu"}}};
}

TEST(OpsRecurrent, RnnSequenceHonoursLengthsAndDirection) {
  // h = relu(2 x + 0.5 h + 0.1) over x = 1, -1, 2 with a length of 2: the third step is padding.
  const std::vector<Tensor> in{f32({1, 3, 1}, {1, -1, 2}), f32({1, 1, 1}, {0}), i32({1}, {2}),
                               f32({1, 1, 1}, {2}), f32({1, 1, 1}, {0.5}), f32({1, 1}, {0.1})};
  auto fwd = run_all("opset5.RNNSequence", in, rnn_attrs("forward"));
  expect_near(fwd[0], {2.1, 0, 0});
  expect_near(fwd[1], {0});
  auto rev = run_all("opset5.RNNSequence", in, rnn_attrs("reverse"));
  expect_near(rev[0], {2.1, 0, 0});
  expect_near(rev[1], {2.1});
}

TEST(OpsRecurrent, LstmShapesWithDynamicDims) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, -1, 5});
  auto h = param(g, ElementType::f32, std::vector<int64_t>{-1, 2, 3});
  auto lens = param(g, ElementType::i32, std::vector<int64_t>{-1});
  auto w = param(g, ElementType::f32, std::vector<int64_t>{2, 12, 5});
  auto r = param(g, ElementType::f32, std::vector<int64_t>{2, 12, 3});
  auto b = param(g, ElementType::f32, std::vector<int64_t>{2, 12});
  Attributes attrs{{"hidden_size", int64_t{3}}, {"direction", std::string("bidirectional")}};
  Node& n = make(g, "opset5.LSTMSequence", {x, h, h, lens, w, r, b}, attrs);
  ASSERT_EQ(n.outputs.size(), 3u);
  EXPECT_EQ(out(g, n, 0).shape, PartialShape({-1, 2, -1, 3}));
  EXPECT_EQ(out(g, n, 2).shape, PartialShape({-1, 2, 3}));
  attrs["hidden_size"] = int64_t{4};
  expect_error([&] { make(g, "opset5.LSTMSequence", {x, h, h, lens, w, r, b}, attrs); }, "hidden size of initial state");
  attrs["hidden_size"] = int64_t{3};
  attrs["direction"] = std::string("forward");
  expect_error([&] { make(g, "opset5.LSTMSequence", {x, h, h, lens, w, r, b}, attrs); }, "directions");
  attrs["direction"] = std::string("bidirectional");
  attrs["activations"] = std::vector<std::string>{"sigmoid", "tanh"};
  expect_error([&] { make(g, "opset5.LSTMSequence", {x, h, h, lens, w, r, b}, attrs); }, "activations must list 3");
}

TEST(OpsRecurrent, GruBiasLengthFollowsLinearBeforeReset) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 4, 2});
  auto h = param(g, ElementType::f32, std::vector<int64_t>{1, 1, 3});
  auto lens = constant(g, i32({1}, {4}));
  auto w = param(g, ElementType::f32, std::vector<int64_t>{1, 9, 2});
  auto r = param(g, ElementType::f32, std::vector<int64_t>{1, 9, 3});
  auto b9 = param(g, ElementType::f32, std::vector<int64_t>{1, 9});
  auto b12 = param(g, ElementType::f32, std::vector<int64_t>{1, 12});
  Attributes attrs{{"hidden_size", int64_t{3}}, {"direction", std::string("forward")}};
  EXPECT_EQ(out(g, make(g, "opset5.GRUSequence", {x, h, lens, w, r, b9}, attrs)).shape, PartialShape({1, 1, 4, 3}));
  expect_error([&] { make(g, "opset5.GRUSequence", {x, h, lens, w, r, b12}, attrs); }, "length of B");
  attrs["linear_before_reset"] = true;
  EXPECT_EQ(out(g, make(g, "opset5.GRUSequence", {x, h, lens, w, r, b12}, attrs), 1).shape, PartialShape({1, 1, 3}));
  auto flens = param(g, ElementType::f32, std::vector<int64_t>{1});
  expect_error([&] { make(g, "opset5.GRUSequence", {x, h, flens, w, r, b12}, attrs); }, "sequence_lengths");
}

TEST(OpsRecurrent, IrSpellsTypeVersionAndAttributes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 4, 2});
  auto h = param(g, ElementType::f32, std::vector<int64_t>{-1, 2, 3});
  auto lens = param(g, ElementType::i32, std::vector<int64_t>{-1});
  auto w = constant(g, Tensor::from_values<float>(ElementType::f32, {2, 12, 2}, std::vector<float>(48, 0.5f)));
  auto r = constant(g, Tensor::from_values<float>(ElementType::f32, {2, 12, 3}, std::vector<float>(72, 0.5f)));
  auto b = constant(g, Tensor::from_values<float>(ElementType::f32, {2, 12}, std::vector<float>(24, 0.5f)));
  Node& lstm = make_op(g, "opset5.LSTMSequence", {x, h, h, lens, w, r, b},
                       {{"hidden_size", int64_t{3}}, {"direction", std::string("bidirectional")}, {"clip", 2.5}}, "lstm");
  for (uint32_t i = 0; i < 3; ++i) testing_support::result(g, lstm.output(i), "out" + std::to_string(i));
  testing_support::ScratchDir dir;
  write_ir(g, dir.path().string(), IrWriteOptions{"m", {}});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file((dir.path() / "m.xml").c_str()));
  pugi::xml_node layer = doc.child("net").child("layers").find_child_by_attribute("layer", "name", "lstm");
  EXPECT_STREQ(layer.attribute("type").value(), "LSTMSequence");
  EXPECT_STREQ(layer.attribute("version").value(), "opset5");
  pugi::xml_node data = layer.child("data");
  EXPECT_STREQ(data.attribute("hidden_size").value(), "3");
  EXPECT_STREQ(data.attribute("activations").value(), "sigmoid, tanh, tanh");
  EXPECT_STREQ(data.attribute("direction").value(), "bidirectional");
  EXPECT_STREQ(data.attribute("clip").value(), "2.5");
  EXPECT_FALSE(data.attribute("activations_alpha").empty());
}

}  // namespace
}  // namespace remo
