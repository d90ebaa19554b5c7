#pragma once
// Helpers for the opset tests: building small graphs, running an op's evaluator on constants,
// and reading results back as plain vectors.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "engine/graph/error.h"
#include "engine/graph/graph.h"
#include "engine/ops/op_registry.h"

namespace remo {

// So that failed shape expectations print "[2,?,3]".
inline std::ostream& operator<<(std::ostream& os, const PartialShape& s) {
  return os << (s.rank_known() ? shape_to_string(s.dims()) : std::string("[...]"));
}

namespace test {

inline Tensor f32(Shape shape, std::vector<float> values) {
  return Tensor::from_values<float>(ElementType::f32, std::move(shape), values);
}
inline Tensor i64(Shape shape, std::vector<int64_t> values) {
  return Tensor::from_values<int64_t>(ElementType::i64, std::move(shape), values);
}
inline Tensor i32(Shape shape, std::vector<int32_t> values) {
  return Tensor::from_values<int32_t>(ElementType::i32, std::move(shape), values);
}
inline Tensor u8(Shape shape, std::vector<uint8_t> values) {
  return Tensor::from_values<uint8_t>(ElementType::u8, std::move(shape), values);
}
inline Tensor boolean(Shape shape, std::vector<uint8_t> values) {
  return Tensor::from_values<uint8_t>(ElementType::boolean, std::move(shape), values);
}
// 1-D i64 tensor (axes, shapes, pads...).
inline Tensor ints(const std::vector<int64_t>& values) {
  return i64({static_cast<int64_t>(values.size())}, values);
}
inline Tensor scalar(int64_t value) { return i64({}, {value}); }
inline Tensor scalar_f32(float value) { return f32({}, {value}); }

inline Value param(Graph& g, ElementType type, const PartialShape& shape) {
  Attributes attrs{{"element_type", type}};
  if (shape.rank_known())
    attrs["shape"] = shape.dims();
  else
    attrs["dynamic_rank"] = true;
  return make_op(g, "opset1.Parameter", {}, attrs, g.unique_name("param")).output();
}
inline Value constant(Graph& g, const Tensor& t) {
  return make_op(g, "opset1.Constant", {}, {{"value", t}}, g.unique_name("const")).output();
}
inline Node& make(Graph& g, const std::string& op, std::vector<Value> inputs, Attributes attrs = {}) {
  return make_op(g, op, std::move(inputs), std::move(attrs), g.unique_name("node"));
}
inline const OutputInfo& out(Graph& g, const Node& n, uint32_t port = 0) {
  return g.output_info(n.output(port));
}

// Evaluates `op` on constant inputs (an empty Tensor leaves that optional input out) through
// constant folding; returns every output.
inline std::vector<Tensor> run_all(const std::string& op, const std::vector<Tensor>& inputs, Attributes attrs = {}) {
  Graph g;
  std::vector<Value> values;
  for (const Tensor& t : inputs) values.push_back(t.empty() ? Value{} : constant(g, t));
  Node& n = make(g, op, values, std::move(attrs));
  std::vector<Tensor> results;
  for (uint32_t port = 0; port < n.outputs.size(); ++port) {
    auto t = try_fold(g, n.output(port));
    if (!t) throw Error(op + " was not evaluated");
    EXPECT_EQ(PartialShape(t->shape()), n.outputs[port].shape) << op << " evaluate disagrees with infer";
    EXPECT_EQ(t->type(), n.outputs[port].type) << op << " evaluate disagrees with infer";
    results.push_back(*t);
  }
  return results;
}
inline Tensor run(const std::string& op, const std::vector<Tensor>& inputs, Attributes attrs = {}) {
  return run_all(op, inputs, std::move(attrs)).at(0);
}

inline std::vector<double> values(const Tensor& t) { return t.to_double(); }
inline std::vector<int64_t> int_values(const Tensor& t) { return t.to_int64(); }

// Element-wise comparison with a tolerance suited to float computation.
inline void expect_near(const Tensor& t, const std::vector<double>& expected, double tolerance = 1e-5) {
  const auto got = t.to_double();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], tolerance) << "at element " << i;
}

// Runs `fn` and expects a remo::Error whose message contains `fragment`.
template <typename Fn>
void expect_error(Fn fn, const std::string& fragment) {
  try {
    fn();
    ADD_FAILURE() << "expected an error containing '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << "message: " << e.what();
  }
}

}  // namespace test
}  // namespace remo
