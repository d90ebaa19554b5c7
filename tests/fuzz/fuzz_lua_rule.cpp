// libFuzzer target: any text as a Lua rule file must load or fail with remo::Error inside the
// sandbox's small budgets — never crash, hang or escape.
// fuzz-seeds: rules/**/*.lua scripts/replacers/*.lua docs/examples/**/*.lua tests/data/**/*.lua
#include <filesystem>

#include "engine/graph/error.h"
#include "engine/rules/rule_set.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string folder = [] {
    std::string f = remo::fuzz::scratch_folder() + "/lua";
    std::filesystem::create_directories(f);
    return f;
  }();
  remo::fuzz::write_input("lua/rule.lua", data, size);
  try {
    remo::RuleSet rules({folder}, remo::LuaLimits{2'000'000, 32u << 20});
  } catch (const remo::Error&) {
  }
  return 0;
}
