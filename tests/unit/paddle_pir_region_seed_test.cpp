// The PIR fuzz seed with regions (tests/fuzz/seeds/paddle_pir/control_flow: two pd_op.if and a
// pd_op.while with an if in its body, saved by Paddle 3.0) through the whole conversion, and
// through truncations and corruptions of its program.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "engine/graph/error.h"
#include "engine/pipeline/convert.h"
#include "frontends/paddle/pir_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using testing_support::ScratchDir;
using testing_support::slurp;

struct Seed {
  std::string program, params;
};

Seed load_seed() {
  std::string bytes = slurp(std::string(REMO_SOURCE_RULES_DIR) + "/tests/fuzz/seeds/paddle_pir/control_flow");
  uint32_t n = 0;
  if (bytes.size() >= 4) std::memcpy(&n, bytes.data(), 4);
  if (bytes.size() < 4 + size_t{n}) return {};
  return {bytes.substr(4, n), bytes.substr(4 + n)};
}

fs::path write(const ScratchDir& dir, const std::string& program, const std::string& params) {
  std::ofstream(dir.path() / "cf.json", std::ios::binary | std::ios::trunc) << program;
  std::ofstream(dir.path() / "cf.pdiparams", std::ios::binary | std::ios::trunc) << params;
  return dir.path() / "cf.json";
}

bool reads(const ScratchDir& dir, const std::string& program, const std::string& params) {
  try {
    read_paddle_pir_model(write(dir, program, params).string());
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST(PaddlePirRegionSeed, ConvertsToIfAndLoop) {
  Seed seed = load_seed();
  ASSERT_FALSE(seed.program.empty());
  ScratchDir dir;
  ConvertOptions o;
  o.input_model = write(dir, seed.program, seed.params).string();
  o.output_dir = (dir.path() / "out").string();
  ConvertSummary s = convert_model(o);
  std::string xml = slurp(s.xml_path);
  EXPECT_NE(xml.find("type=\"If\""), std::string::npos);
  EXPECT_NE(xml.find("type=\"Loop\""), std::string::npos);
}

TEST(PaddlePirRegionSeed, TruncatedAndCorruptedProgramsReadOrFailCleanly) {
  Seed seed = load_seed();
  ASSERT_FALSE(seed.program.empty());
  ScratchDir dir;
  for (size_t n = 0; n < seed.program.size(); n += 89) EXPECT_FALSE(reads(dir, seed.program.substr(0, n), seed.params));
  std::mt19937 rng(4321);
  for (int round = 0; round < 200; ++round) {
    std::string bad = seed.program;
    for (int k = 0; k < 4; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
    reads(dir, bad, seed.params);
  }
}

}  // namespace
}  // namespace remo
