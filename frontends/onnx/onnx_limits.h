#pragma once
// Limits that keep a hostile .onnx file from exhausting the stack.
namespace remo::onnx_import {

// Sub-graphs (If/Loop/Scan bodies) may nest this deep; each level is read recursively.
constexpr int kMaxGraphDepth = 64;

// Protobuf's own nesting budget for the messages we let it parse. One sub-graph level costs three
// message levels (GraphProto > NodeProto > AttributeProto), so the default budget of 100 would
// reject legitimate nesting long before kMaxGraphDepth; the slack covers value types.
constexpr int kProtobufRecursionLimit = kMaxGraphDepth * 3 + 64;

}  // namespace remo::onnx_import
