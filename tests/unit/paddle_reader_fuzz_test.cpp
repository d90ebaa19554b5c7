// Cheap robustness checks for the Paddle reader on the fuzz seed (a small CNN saved by Paddle,
// tests/fuzz/seeds/paddle_model/tiny_cnn): every truncation of the parameter file, a sample of
// truncations of the program, and random byte corruptions of both must either read or fail with
// remo::Error, never crash or hang.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "engine/graph/error.h"
#include "frontends/paddle/paddle_reader.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using testing_support::ScratchDir;
using testing_support::slurp;

struct Seed {
  std::string program, params;
};

Seed load_seed() {
  std::string bytes = slurp(std::string(REMO_SOURCE_RULES_DIR) + "/tests/fuzz/seeds/paddle_model/tiny_cnn");
  uint32_t n = 0;
  if (bytes.size() >= 4) std::memcpy(&n, bytes.data(), 4);
  if (bytes.size() < 4 + size_t{n}) return {};
  return {bytes.substr(4, n), bytes.substr(4 + n)};
}

// Reads the pair; true when it read, false on remo::Error (anything else fails the test).
bool reads(const ScratchDir& dir, const std::string& program, const std::string& params) {
  std::ofstream(dir.path() / "m.pdmodel", std::ios::binary | std::ios::trunc) << program;
  std::ofstream(dir.path() / "m.pdiparams", std::ios::binary | std::ios::trunc) << params;
  try {
    read_paddle_model((dir.path() / "m.pdmodel").string());
    return true;
  } catch (const Error&) {
    return false;
  }
}

TEST(PaddleReaderFuzz, TheSeedReads) {
  Seed seed = load_seed();
  ASSERT_FALSE(seed.program.empty());
  ScratchDir dir;
  EXPECT_TRUE(reads(dir, seed.program, seed.params));
}

TEST(PaddleReaderFuzz, EveryTruncatedParameterFileIsAnError) {
  Seed seed = load_seed();
  ScratchDir dir;
  for (size_t n = 0; n < seed.params.size(); n += 7)
    EXPECT_FALSE(reads(dir, seed.program, seed.params.substr(0, n))) << "params cut at " << n;
}

TEST(PaddleReaderFuzz, TruncatedProgramsReadOrFailCleanly) {
  Seed seed = load_seed();
  ScratchDir dir;
  for (size_t n = 0; n < seed.program.size(); n += 97) reads(dir, seed.program.substr(0, n), seed.params);
}

TEST(PaddleReaderFuzz, CorruptedBytesReadOrFailCleanly) {
  Seed seed = load_seed();
  ScratchDir dir;
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
