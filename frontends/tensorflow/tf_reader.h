#pragma once
// TensorFlow frontend: reads a frozen GraphDef (binary .pb, or protobuf text format .pbtxt) into a
// Graph of framework ops ("tf.Conv2D"...), with no op semantics; rules/tensorflow gives them
// meaning. See tf_graph_builder.h for how nodes, inputs and outputs are represented.
//
// graph.meta gets "framework" = "tf", "tf:producer" = the GraphDef's producer version, and
// "tf:nchw_inputs" = whether the inputs were turned to NCHW.
#include <memory>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/graph/shape.h"
#include "engine/pipeline/model_options.h"

namespace remo {

struct TfReadOptions {
  bool text = false;          // protobuf text format (--input_model_is_text, or a .pbtxt file)
  bool nhwc_to_nchw = true;   // rank-4 inputs become NCHW (tf_layout.h); off: --disable_nhwc_to_nchw
  // --input items (with the --input_shape shapes moved into them), and --input_shape alone (in
  // model input order). The reader applies the shapes of the items that name Placeholders, as
  // the model declares them (NHWC), before the layout changes, and feeds the
  // PlaceholderWithDefaults they name (tf_inputs.h); cuts are left to the pipeline.
  std::vector<InputSpec> inputs;
  std::vector<PartialShape> input_shapes;
  // --tensorboard_logdir: write the GraphDef read as a TensorBoard event file there (tf_event_file.h).
  std::string tensorboard_logdir;
  // --input_checkpoint PREFIX: the variables of the GraphDef (or MetaGraph) from this checkpoint.
  std::string checkpoint;
};

// Throws remo::Error whose message starts with the file path and says what is wrong
// ("PATH: not a valid binary GraphDef ...", "PATH:12:5: ...", "PATH: node 'x' (tf.Conv2D): ...").
std::unique_ptr<Graph> read_tf_model(const std::string& path, const TfReadOptions& options);

// --input_meta_graph: a MetaGraphDef (.meta; text with options.text), its variables from
// options.checkpoint or the checkpoint beside it. See tf_saved_model.h.
std::unique_ptr<Graph> read_tf_meta_graph(const std::string& path, const TfReadOptions& options);

// --saved_model_dir with --saved_model_tags: a TF1 or TF2 SavedModel folder.
std::unique_ptr<Graph> read_tf_saved_model(const std::string& dir, const std::vector<std::string>& tags,
                                           const TfReadOptions& options);

}  // namespace remo
