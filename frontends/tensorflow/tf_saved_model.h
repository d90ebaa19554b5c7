#pragma once
// TensorFlow models with variables: a GraphDef plus a checkpoint (--input_checkpoint), a
// MetaGraphDef (--input_meta_graph) and SavedModels of TF1 and TF2 (--saved_model_dir), turned
// into one GraphDef whose variable nodes get their values from the checkpoint.
//
// - Variables (VariableV2, Variable, VarHandleOp) become opset1.Constant nodes whose values are
//   views into the memory-mapped checkpoint shards (tf_tensor_bundle.h); ReadVariableOp and the
//   "var/read" Identity then pass them on.
// - TF1 checkpoints store a variable under its node's name (its shared_name as a fallback).
// - TF2 SavedModels store variables by object path ("layer/kernel/.ATTRIBUTES/VARIABLE_VALUE").
//   The SavedObjectGraph (MetaGraphDef field 7) lists, per traced function, the objects it
//   captures (bound_inputs), passed as the last inputs of each call of it; the checkpoint's own
//   TrackableObjectGraph, stored as a string under "_CHECKPOINTABLE_OBJECT_GRAPH" and numbered
//   like the SavedObjectGraph, gives each variable object's checkpoint key. So a VarHandleOp
//   that a call passes for bound input k is the variable object bound_inputs[k]; a VarHandleOp
//   no call binds is matched to the variable object of the same name when exactly one has it.
// - With a signature (SavedModel: always; MetaGraph: when it has one), the graph is cut to what
//   the signature's outputs need; its input and output keys become further names of the input
//   and output tensors. The signature is "serving_default", else the only one the MetaGraph has.
// - Without one (--input_checkpoint, a MetaGraph without signatures), the saver and initializer
//   sub-graphs are dropped: Assign*/Save*/Restore*/IsVariableInitialized nodes, the "save/"
//   scope, whatever reads them and whatever only fed them.
#include <string>
#include <vector>

#include "frontends/tensorflow/proto/graph.pb.h"
#include "frontends/tensorflow/proto/op_def.pb.h"
#include "frontends/tensorflow/tf_graph_builder.h"

namespace remo::tf_import {

struct LoadedGraph {
  tensorflow::GraphDef def;
  BuildExtras extras;
  tensorflow::OpList op_list;  // a MetaGraph's stripped_op_list (empty for a bare GraphDef)
  std::vector<std::string> source_files;  // checkpoint files the constants are mapped from
};

// A GraphDef's variables from the checkpoint PREFIX (.index + .data-*), or from the latest
// checkpoint of a folder (its "checkpoint" state file's model_checkpoint_path); saver and
// initializer sub-graphs dropped. Throws remo::Error naming the checkpoint file and the variable.
void bind_checkpoint(LoadedGraph& graph, const std::string& prefix);

// A MetaGraphDef file (binary, or text with `text`), its variables from `checkpoint`, or when
// that is empty from the checkpoint beside it (the path without ".meta").
LoadedGraph load_meta_graph(const std::string& path, bool text, const std::string& checkpoint);

// A SavedModel folder (saved_model.pb or saved_model.pbtxt, variables/variables.*): the
// MetaGraph whose tags are exactly `tags` (in any order).
LoadedGraph load_saved_model(const std::string& dir, const std::vector<std::string>& tags);

// The nodes `outputs` ("node:port") need through data inputs, in file order (and every
// Placeholder when `keep_placeholders`); control inputs to dropped nodes are removed.
void prune_to_outputs(tensorflow::GraphDef& def, const std::vector<std::string>& outputs,
                      bool keep_placeholders = false);
// The graph's default outputs: "node:0" of each node no data input reads (NoOps and Placeholders
// aside), in file order, as tf_graph_builder.h makes them.
std::vector<std::string> graph_sinks(const tensorflow::GraphDef& def);
// Drops the saver and initializer sub-graphs (see above). Returns how many nodes went.
size_t drop_saver_and_initializers(tensorflow::GraphDef& def);

}  // namespace remo::tf_import
