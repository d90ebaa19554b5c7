#pragma once
// Writes a Graph of OpenVINO opset ops as an OpenVINO IR v11 model (.xml + .bin) that the
// OpenVINO runtime loads. The output is byte-identical for the same graph and options.
#include <string>
#include <utility>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

class CustomOpRegistry;

struct IrWriteOptions {
  // File stem of the .xml/.bin and the <net name>. Must be a plain file name (no '/').
  std::string model_name;
  // Written under <rt_info><conversion_parameters>, in this order. Keys must be unique.
  std::vector<std::pair<std::string, std::string>> conversion_parameters;
  // Custom ops (a RuleSet's custom_ops()) written as layers of their own type and version, with
  // every attribute they carry; null when the graph holds only opset ops.
  const CustomOpRegistry* custom_ops = nullptr;
};

// Writes <output_dir>/<model_name>.xml and .bin, creating output_dir if missing. Both files are
// written under temporary names in output_dir and renamed into place only once both are
// complete; on any error nothing is left behind and remo::Error is thrown naming the path or
// the node at fault. Nodes that no Result depends on are not written (Parameters always are).
void write_ir(const Graph& graph, const std::string& output_dir, const IrWriteOptions& options);

}  // namespace remo
