// libFuzzer target: any bytes as a transformations config (--transformations_config) must load
// or throw remo::Error; a config that loads is then matched against an SSD-shaped framework graph
// (scope regexes, points closures, the whole graph) and turned into its updated text
// (--tensorflow_custom_operations_config_update), each step again only ever throwing remo::Error.
// fuzz-seeds: configs/*.json tests/fuzz/seeds/mo_config/*.json
#include "engine/graph/error.h"
#include "engine/rules/mo_config/config_update.h"
#include "engine/rules/mo_config/mo_config.h"
#include "engine/rules/mo_config/subgraph_match.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "tests/unit/mo_config_test_graphs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const remo::Graph* graph = [] {
    auto* g = new remo::Graph;
    remo::test::build_ssd_like(*g);
    return g;
  }();
  std::string path = remo::fuzz::write_input("config.json", data, size);
  remo::MoConfig config;
  try {
    config = remo::load_mo_config(path);
  } catch (const remo::Error&) {
    return 0;
  }
  for (const remo::MoConfigEntry& entry : config.entries) {
    try {
      if (entry.kind == remo::MatchKind::scope)
        for (size_t i = 0; i < entry.scopes.size(); ++i) remo::match_scope_instance(*graph, entry, i);
      else if (entry.kind == remo::MatchKind::points)
        remo::match_points(*graph, entry);
      else
        remo::match_general(*graph);
    } catch (const remo::Error&) {
    }
  }
  try {
    remo::updated_mo_config_text(*graph, config);
  } catch (const remo::Error&) {
  }
  return 0;
}
