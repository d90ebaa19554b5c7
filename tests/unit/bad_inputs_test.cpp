// Golden tests of broken inputs: every folder of tests/data/bad_inputs/ is one case, run through
// the remo command line as a user would. Its case.json gives the arguments, the exit code and
// the lines stderr must contain (see tests/data/bad_inputs/README.md); nothing may be written.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using testing_support::ScratchDir;
using testing_support::slurp;

const fs::path kCases = fs::path(REMO_TEST_DATA_DIR) / "bad_inputs";

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kCases))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// {case} is the case's folder, {out} the (fresh, empty) output folder, {data} tests/data.
std::string expand(std::string text, const fs::path& case_dir, const fs::path& out) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{case}", case_dir.string()},
                            {"{out}", out.string()}, {"{data}", REMO_TEST_DATA_DIR}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  }
  return text;
}

class BadInput : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInput, FailsWithItsExpectedMessageAndWritesNothing) {
  const fs::path case_dir = kCases / GetParam();
  const nlohmann::json spec = nlohmann::json::parse(slurp(case_dir / "case.json"));
  ScratchDir scratch("remo_bad_input");
  const fs::path out = scratch.path() / "out";
  std::string command = shell_quote(REMO_CLI_PATH);
  for (const auto& arg : spec.at("args")) command += " " + shell_quote(expand(arg.get<std::string>(), case_dir, out));
  command += " --output_dir " + shell_quote(out.string());
  command += " >" + shell_quote((scratch.path() / "stdout").string()) + " 2>" +
             shell_quote((scratch.path() / "stderr").string()) + " </dev/null";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status)) << command << "\n  did not exit normally (status " << status << ")";
  const std::string err = slurp(scratch.path() / "stderr");
  EXPECT_EQ(WEXITSTATUS(status), spec.value("exit", 1)) << command << "\n" << err;
  for (const auto& line : spec.at("stderr")) {
    const std::string expected = expand(line.get<std::string>(), case_dir, out);
    EXPECT_NE(err.find(expected), std::string::npos) << "stderr lacks: " << expected << "\nstderr:\n" << err;
  }
  EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out)) << "the failed conversion wrote into " << out;
}

INSTANTIATE_TEST_SUITE_P(Cases, BadInput, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace remo
