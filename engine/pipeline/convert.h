#pragma once
// One conversion from a model file to IR: read with the frontend for the file's format, apply the
// user's input shapes, translate (front phase), optimize (middle phase), write the IR.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/graph/shape.h"
#include "engine/pipeline/model_options.h"

namespace remo {

struct ConvertOptions {
  std::string input_model;
  std::string output_dir = ".";
  std::string model_name;               // default: the model file's stem
  std::string framework;                // --framework: onnx, tf or paddle; default: from the extension
  bool input_model_is_text = false;     // --input_model_is_text: a TensorFlow text GraphDef
  bool disable_nhwc_to_nchw = false;    // --disable_nhwc_to_nchw: keep TensorFlow's NHWC inputs
  std::string tensorboard_logdir;       // --tensorboard_logdir: the TensorFlow graph read, for TensorBoard
  // --tensorflow_custom_layer_libraries: accepted, never loaded; the conversion warns what to do instead.
  std::string tensorflow_custom_layer_libraries;
  // TensorFlow models with variables (docs/tensorflow.md): --input_checkpoint PREFIX (with
  // --input_model), --input_meta_graph FILE, --saved_model_dir DIR with --saved_model_tags.
  std::string input_checkpoint;
  std::string input_meta_graph;
  std::string saved_model_dir;
  std::vector<std::string> saved_model_tags{"serve"};
  std::vector<std::string> extensions;  // rule folders searched after the built-in one
  // --input, --input_shape, --batch, --output, layouts, mean/scale, --static_shape, fp16.
  ModelEditOptions edits;
  // Called as each stage of the conversion starts (--progress, --log_level INFO).
  std::function<void(const std::string& stage, int index, int count)> on_stage;
  // mo transformations config applied to the framework graph before translation, and a config
  // to rewrite in place with the boundaries found (--tensorflow_custom_operations_config_update).
  std::string transformations_config;
  std::string transformations_config_update;
  // --trace-rules: print each rule application and a table of counts and time per rule to stderr.
  bool trace_rules = false;
  // --verify: check that the rewrites keep the outputs, and name the step that does not.
  bool verify = false;
  // --explain RULE --at NODE: print why pattern rule RULE does not match at node NODE.
  std::string explain_rule;
  std::string explain_node;
  // What the user asked for, recorded in the IR's rt_info (never timestamps or absolute paths).
  std::vector<std::pair<std::string, std::string>> recorded_options;
};

struct ConvertSummary {
  std::string xml_path;
  std::string bin_path;
  size_t node_count = 0;
  std::vector<std::string> warnings;  // e.g. config entries that matched nothing
  std::string verify_report;          // --verify's finding when the outputs agree
};

// Throws remo::Error on any failure; nothing is written to output_dir then.
ConvertSummary convert_model(const ConvertOptions& options);

}  // namespace remo
