// Binary arithmetic, comparisons, logical ops, Select, unary math and activations.
#include <cmath>

#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

TEST(OpsArithmetic, BroadcastsNumpyShapesWithDynamicDims) {
  Graph g;
  auto a = param(g, ElementType::f32, std::vector<int64_t>{2, 1, 3});
  auto b = param(g, ElementType::f32, std::vector<int64_t>{4, 1});
  EXPECT_EQ(out(g, make(g, "opset1.Add", {a, b})).shape, PartialShape({2, 4, 3}));
  auto d = param(g, ElementType::f32, std::vector<int64_t>{-1, 3});
  auto ones = param(g, ElementType::f32, std::vector<int64_t>{1, 3});
  auto five = param(g, ElementType::f32, std::vector<int64_t>{5, 1});
  EXPECT_EQ(out(g, make(g, "opset1.Multiply", {d, ones})).shape, PartialShape({-1, 3}));
  EXPECT_EQ(out(g, make(g, "opset1.Subtract", {d, five})).shape, PartialShape({5, 3}));
  auto any = param(g, ElementType::f32, PartialShape::dynamic_rank());
  EXPECT_FALSE(out(g, make(g, "opset1.Add", {any, a})).shape.rank_known());
  EXPECT_EQ(out(g, make(g, "opset1.Add", {a, b})).type, ElementType::f32);
}

TEST(OpsArithmetic, EveryBinaryOpBroadcastsAndChecksTypes) {
  for (const char* op : {"opset1.Add", "opset1.Subtract", "opset1.Multiply", "opset1.Divide", "opset1.Power",
                         "opset1.Maximum", "opset1.Minimum"}) {
    Graph g;
    auto a = param(g, ElementType::i32, std::vector<int64_t>{-1, 1});
    auto b = param(g, ElementType::i32, std::vector<int64_t>{3});
    const auto& info = out(g, make(g, op, {a, b}));
    EXPECT_EQ(info.shape, PartialShape({-1, 3})) << op;
    EXPECT_EQ(info.type, ElementType::i32) << op;
    auto c = param(g, ElementType::i64, std::vector<int64_t>{3});
    expect_error([&] { make(g, op, {a, c}); }, "same element type");
  }
}

TEST(OpsArithmetic, RejectsBadShapesAndTypes) {
  Graph g;
  auto a = param(g, ElementType::f32, std::vector<int64_t>{2, 3});
  auto b = param(g, ElementType::f32, std::vector<int64_t>{4, 3});
  auto h = param(g, ElementType::f16, std::vector<int64_t>{2, 3});
  auto flag = param(g, ElementType::boolean, std::vector<int64_t>{2, 3});
  expect_error([&] { make(g, "opset1.Add", {a, b}); }, "not broadcastable");
  expect_error([&] { make(g, "opset1.Add", {a, h}); }, "same element type");
  expect_error([&] { make(g, "opset1.Add", {flag, flag}); }, "numeric");
  auto row = param(g, ElementType::f32, std::vector<int64_t>{1, 3});
  expect_error([&] { make(g, "opset1.Add", {a, row}, {{"auto_broadcast", std::string("none")}}); }, "auto_broadcast=none");
  expect_error([&] { make(g, "opset1.Add", {a, row}, {{"auto_broadcast", std::string("full")}}); }, "expected one of");
}

TEST(OpsArithmetic, PdpdBroadcastsTheSecondInputIntoTheFirst) {
  Graph g;
  auto a = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 4});
  auto b = param(g, ElementType::f32, std::vector<int64_t>{3, 1});
  auto bad = param(g, ElementType::f32, std::vector<int64_t>{2, 3});
  const Attributes pdpd{{"auto_broadcast", std::string("pdpd")}};
  EXPECT_EQ(out(g, make(g, "opset1.Add", {a, b}, pdpd)).shape, PartialShape({2, 3, 4}));
  expect_error([&] { make(g, "opset1.Add", {a, bad}, pdpd); }, "not broadcastable");
  Tensor r = run("opset1.Add", {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({3}, {10, 20, 30})}, pdpd);
  expect_near(r, {11, 22, 33, 14, 25, 36});
}

TEST(OpsArithmetic, EvaluatesWithBroadcasting) {
  expect_near(run("opset1.Add", {f32({2, 1}, {1, 2}), f32({3}, {10, 20, 30})}), {11, 21, 31, 12, 22, 32});
  expect_near(run("opset1.Subtract", {f32({2}, {5, 7}), f32({}, {2})}), {3, 5});
  expect_near(run("opset1.Multiply", {f32({2, 2}, {1, 2, 3, 4}), f32({2, 1}, {10, -1})}), {10, 20, -3, -4});
  expect_near(run("opset1.Maximum", {f32({3}, {1, 5, -2}), f32({1}, {2})}), {2, 5, 2});
  expect_near(run("opset1.Minimum", {f32({3}, {1, 5, -2}), f32({1}, {2})}), {1, 2, -2});
  expect_near(run("opset1.Power", {f32({3}, {2, 4, 9}), f32({3}, {3, 0.5f, 0})}), {8, 2, 1});
}

TEST(OpsArithmetic, IntegerSemantics) {
  // i8 wraps like the element type; integer Power stays exact; a negative exponent truncates to 0.
  Tensor wrapped = run("opset1.Add", {Tensor::from_values<int8_t>(ElementType::i8, {1}, {100}),
                                      Tensor::from_values<int8_t>(ElementType::i8, {1}, {100})});
  EXPECT_EQ(int_values(wrapped), (std::vector<int64_t>{-56}));
  EXPECT_EQ(int_values(run("opset1.Power", {ints({2, 2, 3}), ints({10, -1, 39})})),
            (std::vector<int64_t>{1024, 0, 4052555153018976267}));
  EXPECT_EQ(int_values(run("opset1.Multiply", {i32({2}, {-3, 7}), i32({2}, {4, 5})})), (std::vector<int64_t>{-12, 35}));
}

TEST(OpsArithmetic, DivideFloorsIntegersWhenPythonDiv) {
  expect_near(run("opset1.Divide", {f32({2}, {1, -7}), f32({2}, {4, 2})}), {0.25, -3.5});
  EXPECT_EQ(int_values(run("opset1.Divide", {ints({-7, 7, 6}), ints({2, -2, 3})})), (std::vector<int64_t>{-4, -4, 2}));
  EXPECT_EQ(int_values(run("opset1.Divide", {ints({-7, 7, 6}), ints({2, -2, 3})}, {{"m_pythondiv", false}})),
            (std::vector<int64_t>{-3, -3, 2}));
  expect_error([] { run("opset1.Divide", {ints({1}), ints({0})}); }, "division by zero");
}

TEST(OpsComparison, ProducesBooleansWithBroadcasting) {
  Graph g;
  auto a = param(g, ElementType::i32, std::vector<int64_t>{-1, 3});
  auto b = param(g, ElementType::i32, std::vector<int64_t>{3});
  Node& eq = make(g, "opset1.Equal", {a, b});
  EXPECT_EQ(out(g, eq).type, ElementType::boolean);
  EXPECT_EQ(out(g, eq).shape, PartialShape({-1, 3}));
  auto c = param(g, ElementType::i32, std::vector<int64_t>{2});
  expect_error([&] { make(g, "opset1.Less", {a, c}); }, "not broadcastable");
  const Tensor x = f32({3}, {1, 2, 3}), y = f32({1}, {2});
  EXPECT_EQ(int_values(run("opset1.Equal", {x, y})), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(int_values(run("opset1.NotEqual", {x, y})), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(int_values(run("opset1.Less", {x, y})), (std::vector<int64_t>{1, 0, 0}));
  EXPECT_EQ(int_values(run("opset1.LessEqual", {x, y})), (std::vector<int64_t>{1, 1, 0}));
  EXPECT_EQ(int_values(run("opset1.Greater", {x, y})), (std::vector<int64_t>{0, 0, 1}));
  EXPECT_EQ(int_values(run("opset1.GreaterEqual", {ints({1, 2, 3}), ints({2})})), (std::vector<int64_t>{0, 1, 1}));
}

TEST(OpsLogical, OperateOnBooleansOnly) {
  const Tensor a = boolean({4}, {0, 0, 1, 1}), b = boolean({4}, {0, 1, 0, 1});
  EXPECT_EQ(int_values(run("opset1.LogicalAnd", {a, b})), (std::vector<int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(int_values(run("opset1.LogicalOr", {a, b})), (std::vector<int64_t>{0, 1, 1, 1}));
  EXPECT_EQ(int_values(run("opset1.LogicalXor", {a, b})), (std::vector<int64_t>{0, 1, 1, 0}));
  EXPECT_EQ(int_values(run("opset1.LogicalNot", {a})), (std::vector<int64_t>{1, 1, 0, 0}));
  expect_error([] { run("opset1.LogicalAnd", {f32({1}, {1}), f32({1}, {1})}); }, "boolean");
}

TEST(OpsSelect, BroadcastsAllThreeInputs) {
  Graph g;
  auto cond = param(g, ElementType::boolean, std::vector<int64_t>{2, 1});
  auto then = param(g, ElementType::f32, std::vector<int64_t>{1, -1});
  auto other = param(g, ElementType::f32, std::vector<int64_t>{});
  EXPECT_EQ(out(g, make(g, "opset1.Select", {cond, then, other})).shape, PartialShape({2, -1}));
  auto not_bool = param(g, ElementType::f32, std::vector<int64_t>{2, 1});
  expect_error([&] { make(g, "opset1.Select", {not_bool, then, other}); }, "boolean");
  auto other_i = param(g, ElementType::i32, std::vector<int64_t>{});
  expect_error([&] { make(g, "opset1.Select", {cond, then, other_i}); }, "same element type");
  Tensor r = run("opset1.Select", {boolean({2, 1}, {1, 0}), f32({1, 3}, {1, 2, 3}), f32({}, {-1})});
  expect_near(r, {1, 2, 3, -1, -1, -1});
}

TEST(OpsMath, UnaryValues) {
  const Tensor x = f32({3}, {-1.5f, 0.5f, 4});
  expect_near(run("opset1.Abs", {x}), {1.5, 0.5, 4});
  expect_near(run("opset1.Negative", {x}), {1.5, -0.5, -4});
  expect_near(run("opset1.Floor", {x}), {-2, 0, 4});
  expect_near(run("opset1.Ceiling", {x}), {-1, 1, 4});
  expect_near(run("opset1.Sqrt", {f32({2}, {4, 2})}), {2, std::sqrt(2.0)});
  expect_near(run("opset1.Exp", {f32({2}, {0, 1})}), {1, std::exp(1.0)});
  expect_near(run("opset1.Log", {f32({2}, {1, static_cast<float>(std::exp(2.0))})}), {0, 2});
  expect_near(run("opset1.Erf", {f32({2}, {0, 0.5f})}), {0, 0.5204998778});
  expect_near(run("opset1.Sigmoid", {f32({2}, {0, 2})}), {0.5, 0.8807970780});
  expect_near(run("opset1.Tanh", {f32({2}, {0, 0.5f})}), {0, 0.4621171573});
  EXPECT_EQ(int_values(run("opset1.Abs", {ints({-3, 4})})), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(int_values(run("opset1.Negative", {i32({2}, {-3, 4})})), (std::vector<int64_t>{3, -4}));
  // Transcendental functions of integers round to the nearest integer.
  EXPECT_EQ(int_values(run("opset1.Sqrt", {ints({8, 9})})), (std::vector<int64_t>{3, 3}));
}

TEST(OpsMath, EveryUnaryOpKeepsTypeAndShape) {
  for (const char* op : {"opset1.Abs", "opset1.Negative", "opset1.Floor", "opset1.Ceiling", "opset1.Sqrt", "opset1.Exp",
                         "opset1.Log", "opset1.Erf", "opset1.Sigmoid", "opset1.Tanh", "opset1.Relu", "opset4.HSwish",
                         "opset5.HSigmoid", "opset4.Mish", "opset4.SoftPlus", "opset4.Swish", "opset2.Gelu",
                         "opset7.Gelu"}) {
    Graph g;
    auto x = param(g, ElementType::f32, std::vector<int64_t>{-1, 4});
    const auto& info = out(g, make(g, op, {x}));
    EXPECT_EQ(info.shape, PartialShape({-1, 4})) << op;
    EXPECT_EQ(info.type, ElementType::f32) << op;
    auto b = param(g, ElementType::boolean, std::vector<int64_t>{2});
    expect_error([&] { make(g, op, {b}); }, "input 0 must be");
  }
}

TEST(OpsMath, KeepsShapeAndRejectsBooleans) {
  Graph g;
  auto x = param(g, ElementType::f16, std::vector<int64_t>{-1, 4});
  const auto& info = out(g, make(g, "opset1.Exp", {x}));
  EXPECT_EQ(info.shape, PartialShape({-1, 4}));
  EXPECT_EQ(info.type, ElementType::f16);
  auto b = param(g, ElementType::boolean, std::vector<int64_t>{2});
  expect_error([&] { make(g, "opset1.Sqrt", {b}); }, "numeric");
  // f16 evaluation rounds through float.
  Tensor half = run("opset1.Negative", {Tensor::from_values<uint16_t>(ElementType::f16, {1}, {float_to_f16(1.5f)})});
  expect_near(half, {-1.5});
}

TEST(OpsActivation, ReluClampElu) {
  expect_near(run("opset1.Relu", {f32({3}, {-1, 0, 2})}), {0, 0, 2});
  EXPECT_EQ(int_values(run("opset1.Relu", {ints({-5, 5})})), (std::vector<int64_t>{0, 5}));
  expect_near(run("opset1.Clamp", {f32({3}, {-2, 0.5f, 3})}, {{"min", 0.0}, {"max", 1.0}}), {0, 0.5, 1});
  // Integers clamp to [ceil(min), floor(max)].
  EXPECT_EQ(int_values(run("opset1.Clamp", {ints({-2, 1, 3})}, {{"min", 0.5}, {"max", 2.5}})),
            (std::vector<int64_t>{1, 1, 2}));
  expect_error([] { run("opset1.Clamp", {f32({1}, {0})}, {{"min", 2.0}, {"max", 1.0}}); }, "must not exceed");
  expect_error([] { run("opset1.Clamp", {f32({1}, {0})}, {{"min", 0.0}}); }, "missing required attribute 'max'");
  expect_near(run("opset1.Elu", {f32({2}, {-1, 2})}, {{"alpha", 0.5}}), {0.5 * (std::exp(-1.0) - 1), 2});
}

TEST(OpsActivation, SmoothActivations) {
  const Tensor one = f32({1}, {1});
  expect_near(run("opset7.Gelu", {one}), {0.8413447461});
  expect_near(run("opset7.Gelu", {one}, {{"approximation_mode", std::string("TANH")}}), {0.8411919906});
  expect_near(run("opset2.Gelu", {one}), {0.8413447461});
  expect_error([&] { run("opset7.Gelu", {one}, {{"approximation_mode", std::string("tanh")}}); }, "ERF, TANH");
  expect_near(run("opset4.HSwish", {f32({3}, {-4, 1, 4})}), {0, 4.0 / 6, 4});
  expect_near(run("opset5.HSigmoid", {f32({3}, {-4, 0, 4})}), {0, 0.5, 1});
  expect_near(run("opset4.Mish", {one}), {0.8650983882});
  expect_near(run("opset4.SoftPlus", {f32({2}, {0, 100})}), {std::log(2.0), 100});
  expect_near(run("opset4.Swish", {one}), {0.7310585786});
  expect_near(run("opset4.Swish", {one, scalar_f32(2)}), {0.8807970780});
  expect_error([] { run("opset4.HSwish", {ints({1})}); }, "floating-point");
  expect_error([&] { run("opset4.Swish", {one, f32({2}, {1, 2})}); }, "beta must be a scalar");
}

TEST(OpsActivation, PReluSlopeAlongChannelsOrBroadcast) {
  // data [N=1, C=2, W=2], slope per channel.
  expect_near(run("opset1.PRelu", {f32({1, 2, 2}, {-1, 2, -3, 4}), f32({2}, {0.1f, 0.2f})}), {-0.1, 2, -0.6, 4});
  // A numpy-broadcast slope over the last axis.
  expect_near(run("opset1.PRelu", {f32({2, 3}, {-1, -1, -1, 1, 1, 1}), f32({3}, {1, 2, 3})}), {-1, -2, -3, 1, 1, 1});
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 2, 4});
  auto bad = param(g, ElementType::f32, std::vector<int64_t>{3});
  expect_error([&] { make(g, "opset1.PRelu", {x, bad}); }, "channel dimension");
  auto grows = param(g, ElementType::f32, std::vector<int64_t>{2, 1, 1});
  expect_error([&] { make(g, "opset1.PRelu", {x, grows}); }, "channel dimension");
  auto dyn = param(g, ElementType::f32, std::vector<int64_t>{-1, -1, 4});
  EXPECT_EQ(out(g, make(g, "opset1.PRelu", {dyn, bad})).shape, PartialShape({-1, -1, 4}));
}

}  // namespace
}  // namespace remo
