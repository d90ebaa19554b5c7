#include "engine/pipeline/convert.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "engine/graph/error.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "engine/passes/constant_folding.h"
#include "engine/pipeline/input_shapes.h"
#include "engine/pipeline/output_guard.h"
#include "engine/ops/custom_ops.h"
#include "engine/rules/lua_pass.h"
#include "engine/rules/phase_driver.h"
#include "engine/rules/mo_config/apply_config.h"
#include "engine/rules/mo_config/config_update.h"
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

// translate_graph, with a count per framework op (and the total time) in the trace when given.
void translate_traced(Graph& g, RuleSet& rules, RuleTrace* trace) {
  if (!trace) return translate_graph(g, rules);
  std::map<std::string, size_t> counts;
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && n->op().rfind("opset", 0) != 0) ++counts[n->op()];
  auto start = std::chrono::steady_clock::now();
  translate_graph(g, rules);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& [op, count] : counts) trace->translated("translate " + op, count, 0);
  trace->translated("translate (time of all ops)", 0, seconds);
}

void check_fully_translated(const Graph& g, const CustomOpRegistry& custom) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && !find_op(n->op(), &custom))
      throw Error("node '" + n->name + "' (" + n->op() + ") is left untranslated");
}

}  // namespace

ConvertSummary convert_model(const ConvertOptions& options) {
  check(!options.input_model.empty(), "no model given: use --input_model FILE");
  std::string model_name = options.model_name.empty() ? fs::path(options.input_model).stem().string()
                                                      : options.model_name;
  check(!model_name.empty() && model_name.find('/') == std::string::npos,
        "--model_name '" + model_name + "' must be a plain file name");

  std::vector<std::string> folders{RuleSet::builtin_folder(), RuleSet::builtin_scripts_folder()};
  folders.insert(folders.end(), options.extensions.begin(), options.extensions.end());
  RuleSet rules(folders);
  std::optional<MoConfig> config;
  std::string config_path;
  if (!options.transformations_config.empty()) {
    config_path = resolve_mo_config_path(options.transformations_config, RuleSet::builtin_configs_folder());
    config = load_mo_config(config_path);
  }

  std::unique_ptr<Graph> graph = read_model(options.input_model);
  apply_input_shapes(*graph, options.input_names, options.input_shapes);
  if (!options.transformations_config_update.empty())
    update_mo_config_file(*graph, options.transformations_config_update);
  std::vector<std::string> warnings;
  if (config) warnings = apply_mo_config(*graph, *config, rules.lua(), folders);
  // --trace-rules prints every rule application as it happens and a table at the end; --explain
  // is answered at the end of the phase its rule belongs to.
  RuleTrace trace(options.trace_rules ? &std::cerr : nullptr);
  RewriteOptions rewrite;
  if (options.trace_rules || !options.explain_rule.empty()) rewrite.trace = &trace;
  if (!options.explain_rule.empty()) {
    if (!rules.pattern_rules().count(options.explain_rule)) explain_rule(*graph, rules, options.explain_rule, "");
    trace.request_explain(options.explain_rule, options.explain_node);
  }
  translate_traced(*graph, rules, rewrite.trace);
  run_phase(*graph, rules, "front", rewrite);
  fold_constants(*graph);
  graph->remove_dead_nodes();
  run_phase(*graph, rules, "middle", rewrite);
  fold_constants(*graph);
  graph->remove_dead_nodes();
  run_phase(*graph, rules, "back", rewrite);
  fold_constants(*graph);
  graph->remove_dead_nodes();
  if (options.trace_rules) trace.write_summary(std::cerr);
  if (trace.explanation()) std::cerr << *trace.explanation();
  check_fully_translated(*graph, rules.custom_ops());

  IrWriteOptions write;
  write.model_name = model_name;
  write.conversion_parameters = options.recorded_options;
  write.custom_ops = &rules.custom_ops();
  fs::path dir(options.output_dir);
  check_outputs_spare_inputs({(dir / (model_name + ".xml")).string(), (dir / (model_name + ".bin")).string()},
                             conversion_inputs(*graph, options.input_model,
                                               {config_path, options.transformations_config_update}));
  write_ir(*graph, options.output_dir, write);
  return ConvertSummary{(dir / (model_name + ".xml")).string(), (dir / (model_name + ".bin")).string(),
                        graph->node_count(), std::move(warnings)};
}

}  // namespace remo
