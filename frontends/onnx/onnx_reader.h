#pragma once
// ONNX frontend: reads an .onnx file into a Graph of framework ops ("onnx.Conv",
// "com.microsoft.FusedConv"...), with no op semantics; translation rules give them meaning.
//
// Weights are not copied: initializers' raw_data and external data files stay memory-mapped and
// the Constants' tensors are views into them (Tensor::is_mapped()).
//
// graph.meta gets "framework" = "onnx", "opset:<domain>" = version for each opset import (the
// default domain as "opset:ai.onnx"), "producer" = producer name and version, "ir_version".
// See onnx_graph_builder.h for how nodes, inputs, outputs and sub-graphs are represented.
#include <memory>
#include <string>

#include "engine/graph/graph.h"

namespace remo {

// Reads an ONNX model. Throws remo::Error whose message starts with the file path and says what
// is wrong ("PATH: not a valid ONNX model: ...", "PATH: node 'x' (onnx.Add): ...").
std::unique_ptr<Graph> read_onnx_model(const std::string& path);

}  // namespace remo
