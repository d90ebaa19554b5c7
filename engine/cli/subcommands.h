#pragma once
// remo's subcommands besides conversion: `remo test-rules [DIR...]` runs the rule tests,
// `remo scaffold --framework onnx --op MyOp [--output DIR]` starts a new translation.
#include <ostream>
#include <string>
#include <vector>

namespace remo {

bool is_subcommand(const std::string& word);
// args[0] is the subcommand. Returns the process exit status (0 ok, 1 failure, 2 usage error).
int run_subcommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Writes DIR/<op>.lua (a stub translation that fails with a message saying what to write) and
// DIR/tests/<op>.test.json (a test that fails until it is filled in). Returns the two paths.
// Throws remo::Error if either file exists.
std::vector<std::string> scaffold_translation(const std::string& framework, const std::string& op,
                                              const std::string& output_dir);

}  // namespace remo
