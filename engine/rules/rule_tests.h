#pragma once
// Rule tests: *.test.json files beside the rules (format in docs/rules.md, "Rule tests"). Each
// test builds a small before-graph, runs phases of a rule set on it, compares the result with an
// expected structure, and checks the numbers with the reference evaluators.
#include <ostream>
#include <string>
#include <vector>

#include "engine/rules/rule_set.h"

namespace remo {

struct RuleTestResult {
  std::string file;     // as given to run_rule_test_file
  std::string name;     // the test's name
  bool passed = false;
  std::string message;  // why it failed
};

// Every *.test.json under the folders (recursively), in sorted order per folder.
std::vector<std::string> find_rule_test_files(const std::vector<std::string>& folders);

// Runs every test of one file against `rules`. A file that cannot be parsed yields one failed
// result naming the JSON path at fault.
std::vector<RuleTestResult> run_rule_test_file(const std::string& path, RuleSet& rules);

// `remo test-rules`: loads the rules of `rule_folders`, runs the tests found in `test_folders`,
// writes "PASS file: name" / "FAIL file: name: why" lines and "N passed, M failed" to `out`.
// Returns the number of failed tests (a rule set that does not load counts as one failure).
size_t run_rule_tests(const std::vector<std::string>& rule_folders, const std::vector<std::string>& test_folders,
                      std::ostream& out);

}  // namespace remo
