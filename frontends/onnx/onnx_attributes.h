#pragma once
// AttributeProto -> AttrValue. Graph attributes (If/Loop/Scan bodies) are built by the caller,
// who knows the enclosing scope; see onnx_graph_builder.h for how captured names are recorded.
#include <onnx/onnx_pb.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/graph/attribute.h"

namespace remo::onnx_import {

class ExternalData;

// Builds the Graph of a GRAPH attribute and fills `captures` with the enclosing-scope names it
// reads, in the order of the body's extra Parameters.
using SubgraphReader =
    std::function<GraphPtr(const onnx::GraphProto& body, std::vector<std::string>& captures)>;

// Suffix of the attribute that lists a body's captured names: "then_branch:captures" for a GRAPH
// attribute, "branches:0:captures" for element 0 of a GRAPHS attribute.
inline const std::string kCapturesSuffix = ":captures";

// INT -> int64_t, FLOAT -> double, STRING -> string, INTS/FLOATS/STRINGS -> vectors,
// TENSOR -> Tensor, GRAPH -> GraphPtr (+ captures), GRAPHS -> vector<GraphPtr> (+ captures).
// Throws remo::Error "attribute 'NAME': ..." for kinds remo cannot hold (sparse tensors, type
// protos, tensor lists), function attribute references, duplicate names and names containing ":"
// (reserved for the capture lists).
Attributes convert_attributes(const onnx::NodeProto& node, ExternalData& external,
                              const SubgraphReader& read_subgraph);

}  // namespace remo::onnx_import
