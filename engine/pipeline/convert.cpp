#include "engine/pipeline/convert.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "engine/graph/error.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "engine/passes/fp16_compression.h"
#include "engine/pipeline/model_boundary.h"
#include "engine/pipeline/optimize.h"
#include "engine/pipeline/preprocess.h"
#include "engine/pipeline/verify.h"
#include "engine/pipeline/output_guard.h"
#include "engine/ops/custom_ops.h"
#include "engine/rules/lua_pass.h"
#include "engine/rules/phase_driver.h"
#include "engine/rules/mo_config/apply_config.h"
#include "engine/rules/mo_config/config_update.h"
#include "engine/rules/rule_set.h"
#include "engine/rules/translate.h"
#include "frontends/onnx/onnx_reader.h"
#include "frontends/tensorflow/tf_inputs.h"
#include "frontends/tensorflow/tf_reader.h"
#include "frontends/paddle/paddle_reader.h"

namespace remo {
namespace fs = std::filesystem;

namespace {

// The file or folder the model comes from: --input_model, --input_meta_graph or --saved_model_dir.
std::string model_source(const ConvertOptions& options) {
  if (!options.input_model.empty()) return options.input_model;
  if (!options.input_meta_graph.empty()) return options.input_meta_graph;
  return options.saved_model_dir;
}

// The model's framework: --framework, else from the file's extension.
std::string framework_of(const ConvertOptions& options) {
  if (!options.framework.empty()) return options.framework;
  if (options.input_model.empty() && (!options.input_meta_graph.empty() || !options.saved_model_dir.empty()))
    return "tf";
  const std::string ext = fs::path(options.input_model).extension().string();
  if (ext == ".onnx") return "onnx";
  if (ext == ".pb" || ext == ".pbtxt" || options.input_model_is_text) return "tf";
  // Paddle: a .pdmodel, Paddle 3's PIR program (.json), or the older layout (a folder with
  // __model__ and one file per weight).
  std::error_code ec;
  if (ext == ".pdmodel" || ext == ".json" || fs::path(options.input_model).filename() == "__model__" ||
      fs::is_directory(options.input_model, ec))
    return "paddle";
  throw Error(options.input_model + ": unknown model format '" + ext +
              "' (supported: .onnx, .pb, .pbtxt, .pdmodel, .json (Paddle PIR), a Paddle __model__ or its folder; or give --framework)");
}

// --input with --input_shape: one shape per --input item, moved into the items (with the checks
// apply_input_edits makes when the two come separately).
ModelEditOptions with_shapes_in_inputs(ModelEditOptions edits) {
  if (edits.inputs.empty() || edits.input_shapes.empty()) return edits;
  if (edits.input_shapes.size() != edits.inputs.size())
    throw Error("--input names " + std::to_string(edits.inputs.size()) + " inputs but --input_shape gives " +
                std::to_string(edits.input_shapes.size()) + " shapes");
  for (size_t i = 0; i < edits.inputs.size(); ++i) {
    InputSpec& in = edits.inputs[i];
    if (in.shape) throw Error("--input '" + in.text + "' has a shape and --input_shape gives another; use one of them");
    in.shape = edits.input_shapes[i];
  }
  edits.input_shapes.clear();
  return edits;
}

// Reads the model with the frontend of its framework. The TensorFlow reader takes the shapes of
// the Placeholders itself: they are given in the model's NHWC layout, before its inputs turn NCHW.
// `first`: the read the user sees; --tensorboard_logdir writes its event file then only (the
// probe and --verify read the model again).
std::unique_ptr<Graph> read_model(const ConvertOptions& options, bool first = false) {
  const std::string path = model_source(options);
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(path + ": no such file");
  if (framework_of(options) == "tf") {
    TfReadOptions tf;
    tf.text = options.input_model_is_text || fs::path(path).extension() == ".pbtxt";
    tf.nhwc_to_nchw = !options.disable_nhwc_to_nchw;
    if (first) tf.tensorboard_logdir = options.tensorboard_logdir;
    ModelEditOptions edits = with_shapes_in_inputs(options.edits);
    tf.inputs = std::move(edits.inputs);
    tf.input_shapes = std::move(edits.input_shapes);  // left only without --input: in model order
    tf.checkpoint = options.input_checkpoint;
    if (!options.saved_model_dir.empty()) return read_tf_saved_model(path, options.saved_model_tags, tf);
    if (!options.input_meta_graph.empty()) return read_tf_meta_graph(path, tf);
    return read_tf_model(path, tf);
  }
  if (framework_of(options) == "paddle") return read_paddle_model(path);
  return read_onnx_model(path);
}

// The model edits left for the pipeline once the reader has done its part (see read_model): for
// TensorFlow, the shapes of the inputs that name Placeholders. A shape at a cut stays, for the
// new input there.
ModelEditOptions edits_after_reading(const ConvertOptions& options, const Graph& read) {
  if (framework_of(options) != "tf") return options.edits;
  ModelEditOptions edits = with_shapes_in_inputs(options.edits);
  for (InputSpec& in : edits.inputs)
    if (tf_import::names_a_placeholder(read, in)) in.shape.reset();
  edits.input_shapes.clear();
  return edits;
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

// Options that concern one framework, given for a model of another or answered with advice.
std::vector<std::string> framework_option_warnings(const ConvertOptions& options) {
  std::vector<std::string> warnings;
  const bool tf = framework_of(options) == "tf";
  if (!options.tensorboard_logdir.empty() && !tf)
    warnings.push_back("--tensorboard_logdir applies to TensorFlow models only; nothing was written");
  if (!options.tensorflow_custom_layer_libraries.empty())
    warnings.push_back(
        "--tensorflow_custom_layer_libraries " + options.tensorflow_custom_layer_libraries +
        ": remo does not load TensorFlow op libraries and has no TensorFlow fallback. An op such a library "
        "defines converts through a Lua translation in a folder given with --extensions: remo.translate "
        "builds the op from opset ops, or remo.custom_op declares it (with an infer function for its output "
        "shapes) for an OpenVINO runtime extension to run; see docs/tensorflow.md, 'Custom TensorFlow ops'");
  return warnings;
}

void check_fully_translated(const Graph& g, const CustomOpRegistry& custom) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && !find_op(n->op(), &custom))
      throw Error("node '" + n->name + "' (" + n->op() + ") is left untranslated");
}

}  // namespace

// Stages reported through ConvertOptions::on_stage: read, translate, three phases, fp16, write.
constexpr int kConvertStages = 7;

ConvertSummary convert_model(const ConvertOptions& options) {
  const int sources = !options.input_model.empty() + !options.input_meta_graph.empty() + !options.saved_model_dir.empty();
  check(sources > 0, "no model given: use --input_model FILE (or --input_meta_graph, --saved_model_dir)");
  check(sources == 1, "give one of --input_model, --input_meta_graph and --saved_model_dir");
  check(options.input_checkpoint.empty() || options.saved_model_dir.empty(),
        "--input_checkpoint goes with --input_model or --input_meta_graph; a SavedModel has its own variables");
  const fs::path source = fs::path(model_source(options));
  std::string model_name = options.model_name.empty()
                               ? (options.saved_model_dir.empty() ? source.stem().string() : "saved_model")
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

  int stage_index = 0;
  auto stage = [&](const char* name) {
    if (options.on_stage) options.on_stage(name, stage_index, kConvertStages);
    ++stage_index;
  };
  stage("reading the model");
  std::unique_ptr<Graph> graph = read_model(options, /*first=*/true);
  const ModelEditOptions edits = edits_after_reading(options, *graph);
  std::vector<std::string> warnings = framework_option_warnings(options);
  apply_output_cut(*graph, edits.outputs);
  // A new input at a cut takes the type and shape its tensor has in the translated, uncut model.
  std::unique_ptr<Graph> probe_graph;
  TensorProbe probe = [&](const std::string& tensor) -> std::optional<OutputInfo> {
    if (!probe_graph) {
      probe_graph = read_model(options);
      try {
        translate_graph(*probe_graph, rules);
      } catch (const Error&) {
        // Part of the model cannot be translated (maybe the part being cut away): tensors that
        // did get a type keep it, the others are reported as unknown.
      }
    }
    for (NodeId id = 0; id < probe_graph->id_limit(); ++id)
      if (const Node* n = probe_graph->node(id); n && n->op() != "opset1.Result")
        for (const OutputInfo& out : n->outputs)
          if (std::find(out.names.begin(), out.names.end(), tensor) != out.names.end()) return out;
    return std::nullopt;
  };
  for (std::string& w : apply_input_edits(*graph, edits, probe)) warnings.push_back(std::move(w));
  if (!options.transformations_config_update.empty())
    update_mo_config_file(*graph, options.transformations_config_update);
  if (config)
    for (std::string& w : apply_mo_config(*graph, *config, rules.lua(), folders)) warnings.push_back(std::move(w));
  // Preprocessing goes in before the optimizations, so they may fold it into the first layers.
  // Options that rules act on (rules/options/) are read with graph:option(name) in Lua.
  auto after_translation = [&](Graph& g) {
    std::vector<std::string> notes = apply_preprocessing(g, edits);
    if (edits.static_shape) g.meta["option:static_shape"] = true;
    return notes;
  };
  // --verify replays the conversion from a freshly read and translated graph, as often as it needs.
  auto translated_again = [&] {
    std::unique_ptr<Graph> g = read_model(options);
    apply_output_cut(*g, edits.outputs);
    apply_input_edits(*g, edits, probe);
    if (config) apply_mo_config(*g, *config, rules.lua(), folders);
    translate_graph(*g, rules);
    after_translation(*g);
    return g;
  };
  // --trace-rules prints every rule application as it happens and a table at the end; --explain
  // is answered at the end of the phase its rule belongs to.
  RuleTrace trace(options.trace_rules ? &std::cerr : nullptr);
  RewriteOptions rewrite;
  if (options.trace_rules || !options.explain_rule.empty()) rewrite.trace = &trace;
  if (!options.explain_rule.empty()) {
    if (!rules.pattern_rules().count(options.explain_rule)) explain_rule(*graph, rules, options.explain_rule, "");
    trace.request_explain(options.explain_rule, options.explain_node);
  }
  stage("translating");
  translate_traced(*graph, rules, rewrite.trace);
  for (std::string& w : after_translation(*graph)) warnings.push_back(std::move(w));
  optimize_graph(*graph, rules, rewrite, [&](const char* phase) { stage(phase); });
  if (options.trace_rules) trace.write_summary(std::cerr);
  if (trace.explanation()) std::cerr << *trace.explanation();
  check_fully_translated(*graph, rules.custom_ops());
  std::string verify_report;
  if (options.verify) verify_report = verify_rewrites(translated_again, rules, VerifyOptions{});
  if (edits.compress_to_fp16) {
    stage("compressing weights to f16");
    for (std::string& w : compress_weights_to_fp16(*graph).warnings) warnings.push_back(std::move(w));
  }

  apply_output_layouts(*graph, edits);

  IrWriteOptions write;
  write.model_name = model_name;
  write.conversion_parameters = options.recorded_options;
  write.custom_ops = &rules.custom_ops();
  fs::path dir(options.output_dir);
  check_outputs_spare_inputs({(dir / (model_name + ".xml")).string(), (dir / (model_name + ".bin")).string()},
                             conversion_inputs(*graph, model_source(options),
                                               {config_path, options.transformations_config_update}));
  stage("writing the IR");
  write_ir(*graph, options.output_dir, write);
  return ConvertSummary{(dir / (model_name + ".xml")).string(), (dir / (model_name + ".bin")).string(),
                        graph->node_count(), std::move(warnings),
                        std::move(verify_report)};
}

}  // namespace remo
