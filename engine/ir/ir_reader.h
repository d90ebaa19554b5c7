#pragma once
// Reads an IR written by remo's own writer back into a Graph, for round-trip tests and tools.
// Deliberately minimal: v11, opset ops known to OpRegistry (sub-graph ops with their bodies), layers in a
// topological document order (as the writer emits them). Constants point into the mapped .bin.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

struct IrModel {
  std::string name;  // <net name>
  std::unique_ptr<Graph> graph;
  std::vector<std::pair<std::string, std::string>> conversion_parameters;  // in document order
};

// Reads `xml_path` and the .bin next to it (same stem). Every layer is rebuilt with make_op, so
// shapes and types are inferred again; output ports that disagree with inference are an error.
// Throws remo::Error naming the file and the layer at fault.
IrModel read_ir(const std::string& xml_path);

}  // namespace remo
