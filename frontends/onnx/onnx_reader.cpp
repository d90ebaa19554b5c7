#include "frontends/onnx/onnx_reader.h"

#include <set>

#include "engine/graph/error.h"
#include "frontends/onnx/onnx_external_data.h"
#include "frontends/onnx/onnx_graph_builder.h"
#include "frontends/onnx/onnx_wire_walk.h"

namespace remo {
namespace {

// Records the model-level facts in graph.meta and returns the imported opset domains.
std::set<std::string> record_meta(Graph& graph, const onnx::ModelProto& model) {
  graph.meta["framework"] = std::string("onnx");
  graph.meta["ir_version"] = static_cast<int64_t>(model.ir_version());
  std::string producer = model.producer_name();
  if (!model.producer_version().empty())
    producer += (producer.empty() ? "" : " ") + model.producer_version();
  graph.meta["producer"] = producer;
  std::set<std::string> domains;
  for (const onnx::OperatorSetIdProto& opset : model.opset_import()) {
    const std::string domain = opset.domain().empty() ? "ai.onnx" : opset.domain();
    if (!domains.insert(domain).second)
      throw Error("the model imports an opset for domain '" + domain + "' twice");
    graph.meta["opset:" + domain] = static_cast<int64_t>(opset.version());
  }
  return domains;
}

}  // namespace

std::unique_ptr<Graph> read_onnx_model(const std::string& path) {
  std::shared_ptr<const MappedFile> file = MappedFile::open(path);  // its errors name the path
  try {
    onnx_import::SplitModel split = onnx_import::split_model(file);
    if (!split.graph) throw Error("not a valid ONNX model: it has no graph");
    auto graph = std::make_unique<Graph>();
    const std::set<std::string> domains = record_meta(*graph, split.model);
    onnx_import::ExternalData external(path);
    onnx_import::build_graph(*graph, *split.graph, domains, external);
    graph->topological_order();  // a cycle is the file's fault: report it with the file's name
    // The files the weights stay mapped from, so that the output never replaces one of them.
    if (auto files = external.files(); !files.empty()) graph->meta["source_files"] = std::move(files);
    return graph;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace remo
