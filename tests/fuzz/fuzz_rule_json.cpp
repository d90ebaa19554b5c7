// libFuzzer target: a rule folder holding one JSON rule file must load or throw remo::Error.
// fuzz-seeds: rules/**/*.json docs/examples/**/*.json tests/data/**/*.json configs/*.json
#include <filesystem>

#include "engine/graph/error.h"
#include "engine/rules/rule_set.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string folder = [] {
    std::string f = remo::fuzz::scratch_folder() + "/rules";
    std::filesystem::create_directories(f);
    return f;
  }();
  remo::fuzz::write_input("rules/rule.json", data, size);
  try {
    remo::RuleSet rules({folder});
  } catch (const remo::Error&) {
  }
  return 0;
}
