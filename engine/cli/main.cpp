// remo: the command-line converter.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/options.h"
#include "engine/cli/subcommands.h"
#include "engine/graph/error.h"

int main(int argc, char** argv) {
  using namespace remo;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && is_subcommand(args[0])) return run_subcommand(args, std::cout, std::cerr);
  CliRequest req;
  try {
    req = parse_command_line(args);
  } catch (const Error& e) {
    std::fprintf(stderr, "remo: %s\n", e.what());
    return 2;
  }
  if (req.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (req.version) {
    std::printf("remo %s\n", REMO_VERSION);
    return 0;
  }
  if (req.progress || req.log_level <= LogLevel::info) {
    auto start = std::chrono::steady_clock::now();
    req.convert.on_stage = [&req, start](const std::string& stage, int index, int count) {
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (req.log_level <= LogLevel::info)
        std::fprintf(stderr, "[ INFO ] %.3f s: %s\n", seconds, stage.c_str());
      if (req.progress) {
        int percent = 100 * index / count;
        std::printf("Progress: [%-20s] %3d%% done (%s)\n", std::string(percent / 5, '.').c_str(), percent,
                    stage.c_str());
        std::fflush(stdout);
      }
    };
  }
  try {
    ConvertSummary s = convert_model(req.convert);
    if (req.progress) std::printf("Progress: [%s] 100%% done\n", std::string(20, '.').c_str());
    if (!req.silent) {
      for (const std::string& w : s.warnings) std::fprintf(stderr, "[ WARNING ] %s\n", w.c_str());
      if (!s.verify_report.empty()) std::fprintf(stderr, "[ INFO ] %s\n", s.verify_report.c_str());
      std::printf("[ SUCCESS ] XML file: %s\n[ SUCCESS ] BIN file: %s\n", s.xml_path.c_str(), s.bin_path.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "remo: error: %s\n", e.what());
    return 1;
  }
}
