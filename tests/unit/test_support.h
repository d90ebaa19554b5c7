#pragma once
// Helpers shared by the unit tests: scratch folders, whole-file reads, and the few nodes every
// graph needs.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/ops/op_registry.h"

namespace remo::testing_support {

// A fresh folder under the test temp dir, removed with everything in it when destroyed.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "remo_test") {
    std::string pattern = ::testing::TempDir() + prefix + "_XXXXXX";
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline Node& param(Graph& g, const std::string& name, std::vector<int64_t> shape,
                   ElementType type = ElementType::f32) {
  return make_op(g, "opset1.Parameter", {}, {{"shape", shape}, {"element_type", type}}, name);
}

inline Node& constant(Graph& g, const std::string& name, Tensor value) {
  return make_op(g, "opset1.Constant", {}, {{"value", std::move(value)}}, name);
}

inline Node& result(Graph& g, Value v, const std::string& name) {
  return make_op(g, "opset1.Result", {v}, {}, name);
}

}  // namespace remo::testing_support
