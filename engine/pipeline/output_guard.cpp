#include "engine/pipeline/output_guard.h"

#include <filesystem>
#include <variant>

#include "engine/graph/error.h"

namespace remo {
namespace fs = std::filesystem;

std::vector<std::string> conversion_inputs(const Graph& graph, const std::string& model_path,
                                           const std::vector<std::string>& extra) {
  std::vector<std::string> inputs{model_path};
  for (const std::string& path : extra)
    if (!path.empty()) inputs.push_back(path);
  auto it = graph.meta.find("source_files");
  if (it != graph.meta.end())
    if (const auto* files = std::get_if<std::vector<std::string>>(&it->second))
      inputs.insert(inputs.end(), files->begin(), files->end());
  return inputs;
}

void check_outputs_spare_inputs(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs) {
  for (const std::string& out : outputs) {
    std::error_code ec;
    if (!fs::exists(out, ec)) continue;
    for (const std::string& in : inputs) {
      std::error_code eq_error;
      if (fs::equivalent(out, in, eq_error))
        throw Error(out + ": refusing to overwrite '" + in +
                    "', an input of this conversion; choose another --output_dir or --model_name");
    }
  }
}

}  // namespace remo
