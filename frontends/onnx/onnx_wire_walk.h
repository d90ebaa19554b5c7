#pragma once
// Reads a memory-mapped ModelProto without letting protobuf copy the weights. Protobuf parses a
// `bytes` field into a std::string, so the walk steps over the wire format itself: it records
// where each top-level initializer's raw_data lies in the file and hands every other field to
// protobuf, which only ever sees the small rest (nodes, inputs, attributes, metadata).
#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/graph/buffer.h"

namespace remo::onnx_import {

// A top-level initializer: every TensorProto field but raw_data, and raw_data as a view into the
// mapped file (nullptr when the tensor has no raw_data field).
struct MappedInitializer {
  onnx::TensorProto proto;
  std::shared_ptr<const Buffer> raw_data;
};

struct SplitGraph {
  onnx::GraphProto graph;  // every field but initializer
  std::vector<MappedInitializer> initializers;
};

struct SplitModel {
  onnx::ModelProto model;  // every field but graph
  std::optional<SplitGraph> graph;
};

// Throws remo::Error("not a valid ONNX model: <what>") for an empty, truncated or malformed file.
SplitModel split_model(const std::shared_ptr<const MappedFile>& file);

// Parses a message with the recursion budget of onnx_limits.h and protobuf's logging silenced
// (bad input is reported by the caller, not on stderr). False if the bytes are malformed.
bool parse_message(google::protobuf::MessageLite& message, const void* data, size_t size);

}  // namespace remo::onnx_import
