#pragma once
// Helpers for the pattern-rule and phase-driver tests: a temporary rule folder, small graphs, and
// the numbers a graph of constants computes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "engine/rules/phase_driver.h"
#include "engine/rules/rule_set.h"

namespace remo::test {

class RuleFolderTest : public ::testing::Test {
 public:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("remo_pattern_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }
  // Loads the folder; a fresh RuleSet each time.
  RuleSet& load() {
    rules_ = std::make_unique<RuleSet>(std::vector<std::string>{dir_.string()});
    return *rules_;
  }
  std::string load_error() {
    try {
      load();
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "the rules loaded";
    return "";
  }
  void run(Graph& g, const std::string& phase = "middle", RuleTrace* trace = nullptr, size_t budget = 100000) {
    RewriteOptions o;
    o.trace = trace;
    o.budget = budget;
    run_phase(g, rules_ ? *rules_ : load(), phase, o);
  }

  std::filesystem::path dir_;
  std::unique_ptr<RuleSet> rules_;
  static inline int counter_ = 0;
};

inline Value param(Graph& g, const std::string& name, ElementType type, std::vector<int64_t> shape) {
  return make_op(g, "opset1.Parameter", {}, {{"element_type", type}, {"shape", shape}}, name).output();
}
inline Value constant(Graph& g, const std::string& name, const Tensor& t) {
  return make_op(g, "opset1.Constant", {}, {{"value", t}}, name).output();
}
inline Value op(Graph& g, const std::string& name, const std::string& type, std::vector<Value> inputs,
                Attributes attrs = {}) {
  return make_op(g, type, std::move(inputs), std::move(attrs), name).output();
}
inline NodeId result(Graph& g, Value v) { return make_op(g, "opset1.Result", {v}, {}, "result").id(); }
// The value the Result reads, computed from constants.
inline std::vector<double> computed(Graph& g, NodeId result_id) {
  auto t = try_fold(g, g.at(result_id).input(0));
  if (!t) {
    ADD_FAILURE() << "the result does not fold";
    return {};
  }
  return t->to_double();
}
inline const Node& producer(Graph& g, NodeId result_id) { return g.at(g.at(result_id).input(0).node); }
inline Tensor f32s(Shape shape, std::vector<float> v) { return Tensor::from_values<float>(ElementType::f32, shape, v); }
inline Tensor i64s(std::vector<int64_t> v) {
  return Tensor::from_values<int64_t>(ElementType::i64, {static_cast<int64_t>(v.size())}, v);
}

}  // namespace remo::test
