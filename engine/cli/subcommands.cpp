#include "engine/cli/subcommands.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/rule_tests.h"

namespace remo {
namespace fs = std::filesystem;
namespace {

const char* kTestRulesUsage =
    "usage: remo test-rules [DIR...]\n"
    "Runs the rule tests (*.test.json) found under each DIR (default: the built-in rules) with the\n"
    "built-in rules plus the rules of each DIR. Prints one line per test and 'N passed, M failed';\n"
    "the exit status is 1 when a test fails.\n";

const char* kScaffoldUsage =
    "usage: remo scaffold --framework onnx --op MyOp [--output DIR]\n"
    "Writes DIR/myop.lua, a stub Lua translation of onnx.MyOp, and DIR/tests/myop.test.json, its\n"
    "test; both say what to fill in. DIR defaults to the current folder; existing files are kept.\n";

bool same_folder(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

int test_rules(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> dirs;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      out << kTestRulesUsage;
      return 0;
    }
    if (args[i].rfind("-", 0) == 0) {
      err << "remo test-rules: unknown option '" << args[i] << "'\n" << kTestRulesUsage;
      return 2;
    }
    dirs.push_back(args[i]);
  }
  std::string builtin = RuleSet::builtin_folder();
  std::vector<std::string> rule_folders{builtin};
  for (const std::string& d : dirs) {
    std::error_code ec;
    if (!fs::exists(d, ec)) {
      err << "remo test-rules: " << d << ": no such folder\n";
      return 2;
    }
    if (fs::is_directory(d, ec) && std::none_of(rule_folders.begin(), rule_folders.end(),
                                                [&](const std::string& f) { return same_folder(f, d); }))
      rule_folders.push_back(d);
  }
  std::vector<std::string> test_folders = dirs.empty() ? std::vector<std::string>{builtin} : dirs;
  return run_rule_tests(rule_folders, test_folders, out) == 0 ? 0 : 1;
}

int scaffold(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string framework, op, output = ".";
  for (size_t i = 1; i < args.size(); ++i) {
    std::string flag = args[i];
    if (flag == "-h" || flag == "--help") {
      out << kScaffoldUsage;
      return 0;
    }
    if (i + 1 >= args.size() || (flag != "--framework" && flag != "--op" && flag != "--output")) {
      err << "remo scaffold: " << (i + 1 >= args.size() ? flag + " needs a value" : "unknown option '" + flag + "'")
          << "\n" << kScaffoldUsage;
      return 2;
    }
    std::string value = args[++i];
    if (flag == "--framework") framework = value;
    else if (flag == "--op") op = value;
    else output = value;
  }
  if (framework.empty() || op.empty()) {
    err << "remo scaffold: --framework and --op are required\n" << kScaffoldUsage;
    return 2;
  }
  try {
    for (const std::string& path : scaffold_translation(framework, op, output)) out << "wrote " << path << "\n";
  } catch (const Error& e) {
    err << "remo scaffold: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool is_subcommand(const std::string& word) { return word == "test-rules" || word == "scaffold"; }

int run_subcommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.at(0) == "test-rules") return test_rules(args, out, err);
  return scaffold(args, out, err);
}

std::vector<std::string> scaffold_translation(const std::string& framework, const std::string& op,
                                              const std::string& output_dir) {
  if (framework != "onnx") throw Error("--framework " + framework + ": only onnx is supported in this version");
  for (char c : op)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.')
      throw Error("--op '" + op + "': use letters, digits, '_' and '.' (\"MyOp\" or \"com.example.MyOp\")");
  // A plain name is in the default ONNX domain; a dotted one names its domain itself.
  std::string qualified = op.find('.') == std::string::npos ? framework + "." + op : op;
  std::string type = qualified.substr(qualified.rfind('.') + 1);
  std::string stem = lower(type);
  fs::path dir(output_dir);
  fs::path lua = dir / (stem + ".lua");
  fs::path test = dir / "tests" / (stem + ".test.json");
  std::error_code ec;
  for (const fs::path& p : {lua, test})
    if (fs::exists(p, ec)) throw Error(p.string() + " exists already; nothing was written");
  fs::create_directories(test.parent_path(), ec);
  if (ec) throw Error(test.parent_path().string() + ": " + ec.message());

  std::ofstream l(lua);
  l << "-- " << qualified << " -> OpenVINO opset ops. Written by `remo scaffold`; see docs/lua-api.md.\n"
    << "remo.translate(\"" << qualified << "\", function(node)\n"
    << "  local x = node:input(1)\n"
    << "  -- Build the opset ops " << type << " stands for and return its output(s), e.g.\n"
    << "  --   return remo.op(\"opset1.Relu\", {x})\n"
    << "  -- Attributes: node:attr(\"name\", default). Then fill in tests/" << stem << ".test.json.\n"
    << "  error(\"" << qualified << ": this translation is a stub written by remo scaffold; write it in " << stem
    << ".lua\")\n"
    << "end)\n";
  std::ofstream t(test);
  t << "{\n"
    << "  \"comment\": \"Tests of " << stem << ".lua; the format is in docs/rules.md, 'Rule tests'. Run: remo test-rules "
    << output_dir << "\",\n"
    << "  \"tests\": [\n"
    << "    {\n"
    << "      \"name\": \"" << type << " on a small input\",\n"
    << "      \"todo\": \"written by remo scaffold: set the inputs, attrs, expected ops and output values, then delete this line\",\n"
    << "      \"inputs\": {\"x\": {\"type\": \"f32\", \"shape\": [1, 3]}},\n"
    << "      \"nodes\": [{\"op\": \"" << qualified << "\", \"inputs\": [\"x\"], \"outputs\": [\"y\"], \"attrs\": {}}],\n"
    << "      \"outputs\": [\"y\"],\n"
    << "      \"expect\": {\"ops\": [\"opset1.Relu\"]},\n"
    << "      \"check\": {\"inputs\": {\"x\": [-1.0, 0.0, 2.0]}, \"outputs\": {\"y\": [0.0, 0.0, 2.0]}}\n"
    << "    }\n"
    << "  ]\n"
    << "}\n";
  if (!l || !t) throw Error("cannot write to " + dir.string());
  return {lua.string(), test.string()};
}

}  // namespace remo
