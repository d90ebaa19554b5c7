#include "frontends/onnx/onnx_wire_walk.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>
#include <functional>
#include <string>

#include "engine/graph/error.h"
#include "frontends/onnx/onnx_limits.h"

namespace remo::onnx_import {
namespace {

using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

// Field numbers from onnx.proto.
constexpr int kModelGraph = 7;        // ModelProto.graph: GraphProto
constexpr int kGraphInitializer = 5;  // GraphProto.initializer: repeated TensorProto
constexpr int kTensorRawData = 9;     // TensorProto.raw_data: bytes

[[noreturn]] void malformed(const std::string& what) {
  throw Error("not a valid ONNX model: " + what);
}

// A byte range of the mapped file.
struct Span {
  size_t offset;
  size_t size;
};

// Walks the fields of the message stored at `span` of `base`. Each length-delimited occurrence of
// field `taken` is passed to `take` as the span of its value; every other field is copied
// verbatim into the returned string, which therefore parses as the same message without `taken`.
// `what` names the message in errors.
std::string walk_fields(const uint8_t* base, Span span, int taken,
                        const std::function<void(Span)>& take, const std::string& what) {
  CodedInputStream in(base + span.offset, static_cast<int>(span.size));
  std::string rest;
  for (;;) {
    const size_t start = static_cast<size_t>(in.CurrentPosition());
    if (start == span.size) break;
    const uint32_t tag = in.ReadTag();
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    if (field == 0)  // also what ReadTag returns for an unreadable tag
      malformed("bad field tag in " + what + " at byte " + std::to_string(span.offset + start));
    if (field == taken &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      uint32_t length = 0;
      if (!in.ReadVarint32(&length)) malformed(what + " is truncated (field " + std::to_string(field) + ")");
      const size_t value_start = static_cast<size_t>(in.CurrentPosition());
      if (length > span.size - value_start)
        malformed(what + " is truncated: field " + std::to_string(field) + " declares " +
                  std::to_string(length) + " bytes but only " +
                  std::to_string(span.size - value_start) + " remain");
      in.Skip(static_cast<int>(length));
      take(Span{span.offset + value_start, length});
    } else {
      if (!WireFormatLite::SkipField(&in, tag))
        malformed(what + " is truncated or corrupt (field " + std::to_string(field) + " at byte " +
                  std::to_string(span.offset + start) + ")");
      rest.append(reinterpret_cast<const char*>(base + span.offset + start),
                  static_cast<size_t>(in.CurrentPosition()) - start);
    }
  }
  return rest;
}

MappedInitializer split_initializer(const std::shared_ptr<const MappedFile>& file, Span span,
                                    size_t index) {
  const std::string what = "initializer #" + std::to_string(index);
  std::optional<Span> raw;
  // A repeated scalar field is legal protobuf: the last occurrence wins, as in protobuf itself.
  std::string rest = walk_fields(file->data(), span, kTensorRawData, [&](Span s) { raw = s; }, what);
  MappedInitializer out;
  if (!parse_message(out.proto, rest.data(), rest.size())) malformed(what + " does not parse as a TensorProto");
  if (raw) out.raw_data = std::make_shared<BufferView>(file, raw->offset, raw->size);
  return out;
}

// ModelProto.graph may legally occur more than once; protobuf merges the occurrences, which for
// a message means concatenating them, so the pieces are walked as one graph.
SplitGraph split_graph(const std::shared_ptr<const MappedFile>& file, const std::vector<Span>& pieces) {
  SplitGraph out;
  std::string rest;
  for (const Span& piece : pieces) {
    rest += walk_fields(file->data(), piece, kGraphInitializer, [&](Span s) {
      out.initializers.push_back(split_initializer(file, s, out.initializers.size()));
    }, "the graph");
  }
  if (!parse_message(out.graph, rest.data(), rest.size()))
    malformed(limit_message(kMaxGraphDepth,
                            "the graph does not parse as a GraphProto (corrupt, or sub-graphs nested too deeply)"));
  return out;
}

}  // namespace

bool parse_message(google::protobuf::MessageLite& message, const void* data, size_t size) {
  if (size > static_cast<size_t>(INT_MAX)) return false;
  google::protobuf::LogSilencer silence;
  CodedInputStream in(static_cast<const uint8_t*>(data), static_cast<int>(size));
  in.SetRecursionLimit(protobuf_recursion_limit());
  return message.ParseFromCodedStream(&in) && in.ConsumedEntireMessage();
}

SplitModel split_model(const std::shared_ptr<const MappedFile>& file) {
  if (file->size() == 0) malformed("the file is empty");
  // CodedInputStream addresses at most INT_MAX bytes, which is also protobuf's message limit:
  // models this large keep their weights in external data files.
  if (file->size() > static_cast<size_t>(INT_MAX))
    malformed("the file is larger than 2 GiB, the protobuf limit (large models use external data)");
  std::vector<Span> graph_pieces;
  std::string rest = walk_fields(file->data(), Span{0, file->size()}, kModelGraph,
                                 [&](Span s) { graph_pieces.push_back(s); }, "the model");
  SplitModel out;
  if (!parse_message(out.model, rest.data(), rest.size()))
    malformed("the model's fields do not parse as a ModelProto");
  if (!graph_pieces.empty()) out.graph = split_graph(file, graph_pieces);
  return out;
}

}  // namespace remo::onnx_import
