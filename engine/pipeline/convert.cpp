#include "engine/pipeline/convert.h"

#include <filesystem>

#include "engine/graph/error.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "engine/passes/constant_folding.h"
#include "engine/pipeline/input_shapes.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/translate.h"
#include "frontends/onnx/onnx_reader.h"

namespace remo {
namespace fs = std::filesystem;

namespace {

std::unique_ptr<Graph> read_model(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path + ": no such file");
  std::string ext = fs::path(path).extension().string();
  if (ext == ".onnx") return read_onnx_model(path);
  throw Error(path + ": unknown model format '" + ext + "' (supported: .onnx)");
}

void check_fully_translated(const Graph& g) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && !OpRegistry::instance().find(n->op()))
      throw Error("node '" + n->name + "' (" + n->op() + ") is left untranslated");
}

}  // namespace

ConvertSummary convert_model(const ConvertOptions& options) {
  check(!options.input_model.empty(), "no model given: use --input_model FILE");
  std::string model_name = options.model_name.empty() ? fs::path(options.input_model).stem().string()
                                                      : options.model_name;
  check(!model_name.empty() && model_name.find('/') == std::string::npos,
        "--model_name '" + model_name + "' must be a plain file name");

  std::vector<std::string> folders{RuleSet::builtin_folder()};
  folders.insert(folders.end(), options.extensions.begin(), options.extensions.end());
  RuleSet rules(folders);

  std::unique_ptr<Graph> graph = read_model(options.input_model);
  apply_input_shapes(*graph, options.input_names, options.input_shapes);
  translate_graph(*graph, rules);
  fold_constants(*graph);
  graph->remove_dead_nodes();
  check_fully_translated(*graph);

  IrWriteOptions write;
  write.model_name = model_name;
  write.conversion_parameters = options.recorded_options;
  fs::path dir(options.output_dir);
  std::error_code ec;
  for (const char* ext : {".xml", ".bin"}) {
    fs::path out = dir / (model_name + ext);
    if (fs::exists(out, ec) && fs::equivalent(out, options.input_model, ec))
      throw Error(out.string() + ": refusing to overwrite the input model");
  }
  write_ir(*graph, options.output_dir, write);
  return ConvertSummary{(dir / (model_name + ".xml")).string(), (dir / (model_name + ".bin")).string(),
                        graph->node_count()};
}

}  // namespace remo
