#include "frontends/tensorflow/tf_saved_model.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/graph/buffer.h"
#include "engine/graph/error.h"
#include "frontends/tensorflow/proto/meta_graph.pb.h"
#include "frontends/tensorflow/proto/saved_model.pb.h"
#include "frontends/tensorflow/proto/saved_object_graph.pb.h"
#include "frontends/tensorflow/proto/trackable_object_graph.pb.h"
#include "frontends/tensorflow/tf_tensor_bundle.h"

namespace remo::tf_import {
namespace fs = std::filesystem;
namespace {

const std::set<std::string>& variable_ops() {
  static const std::set<std::string> ops{"VariableV2", "Variable", "VarHandleOp"};
  return ops;
}

// Ops that only save, restore, initialize or check variables: never part of inference.
const std::set<std::string>& saver_ops() {
  static const std::set<std::string> ops{
      "Assign",       "AssignAdd",           "AssignSub",        "AssignVariableOp", "AssignAddVariableOp",
      "AssignSubVariableOp", "SaveV2",       "Save",             "SaveSlices",       "RestoreV2",
      "Restore",      "RestoreSlice",        "MergeV2Checkpoints", "IsVariableInitialized", "VarIsInitializedOp",
      "ReportUninitializedVariables"};
  return ops;
}

std::string node_of(const std::string& input) {
  std::string s = input[0] == '^' ? input.substr(1) : input;
  size_t colon = s.find(':');
  return colon == std::string::npos ? s : s.substr(0, colon);
}

bool is_control(const std::string& input) { return !input.empty() && input[0] == '^'; }

// Keeps the nodes `keep` says, in order; drops inputs (control ones) naming dropped nodes.
size_t keep_nodes(tensorflow::GraphDef& def, const std::unordered_set<std::string>& keep) {
  google::protobuf::RepeatedPtrField<tensorflow::NodeDef> kept;
  size_t dropped = 0;
  for (tensorflow::NodeDef& n : *def.mutable_node()) {
    if (!keep.count(n.name())) {
      ++dropped;
      continue;
    }
    google::protobuf::RepeatedPtrField<std::string> inputs;
    for (std::string& in : *n.mutable_input())
      if (keep.count(node_of(in))) *inputs.Add() = std::move(in);
    n.mutable_input()->Swap(&inputs);
    *kept.Add() = std::move(n);
  }
  def.mutable_node()->Swap(&kept);
  return dropped;
}

std::string strip_port0(const std::string& tensor) {
  if (tensor.size() > 2 && tensor.compare(tensor.size() - 2, 2, ":0") == 0) return tensor.substr(0, tensor.size() - 2);
  return tensor;
}

// The signature to serve: "serving_default", else the only one (the init op's aside).
const tensorflow::SignatureDef* pick_signature(const tensorflow::MetaGraphDef& meta, const std::string& where,
                                               bool required) {
  auto it = meta.signature_def().find("serving_default");
  if (it != meta.signature_def().end()) return &it->second;
  std::vector<std::string> names;
  for (const auto& [name, sig] : meta.signature_def())
    if (name != "__saved_model_init_op") names.push_back(name);
  if (names.size() == 1) return &meta.signature_def().at(names[0]);
  if (!required && names.empty()) return nullptr;
  std::sort(names.begin(), names.end());
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  throw Error(where + ": no 'serving_default' signature to choose the inputs and outputs by (signatures: " +
              (list.empty() ? std::string("none") : list) + ")");
}

// Cuts the graph to the signature, and names its tensors by the signature's keys.
void apply_signature(LoadedGraph& g, const tensorflow::SignatureDef& sig, const std::string& where) {
  std::vector<std::string> outputs;
  std::map<std::string, const tensorflow::TensorInfo*> sorted_outputs;  // by key: a stable output order
  for (const auto& [key, info] : sig.outputs()) sorted_outputs[key] = &info;
  for (const auto& [key, info] : sorted_outputs) {
    if (info->name().empty())
      throw Error(where + ": signature output '" + key + "' is a sparse or composite tensor; remo reads dense ones only");
    outputs.push_back(info->name());
    g.extras.outputs.emplace_back(info->name(), key);
  }
  for (const auto& [key, info] : sig.inputs()) {
    if (info.name().empty())
      throw Error(where + ": signature input '" + key + "' is a sparse or composite tensor; remo reads dense ones only");
    g.extras.input_aliases[strip_port0(info.name())] = key;
  }
  prune_to_outputs(g.def, outputs);
}

std::shared_ptr<const MappedFile> map_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error(path + ": no such file");
  return MappedFile::open(path);
}

template <typename Message>
void parse_file(const std::string& path, bool text, Message& message, const char* what) {
  auto file = map_file(path);
  if (text) {
    std::string content(reinterpret_cast<const char*>(file->data()), file->size());
    if (!google::protobuf::TextFormat::ParseFromString(content, &message))
      throw Error(path + ": not a valid text " + what);
    return;
  }
  if (file->size() > static_cast<size_t>(INT_MAX)) throw Error(path + ": a " + std::string(what) + " larger than 2 GB cannot be read");
  if (!message.ParseFromArray(file->data(), static_cast<int>(file->size())))
    throw Error(path + ": not a valid binary " + std::string(what) + " (truncated or not protobuf)");
}

// Values of the variable nodes still in the graph, TF1-style: by node name, then shared_name.
void bind_by_name(LoadedGraph& g, const TensorBundle& bundle) {
  for (const std::string& f : bundle.files())
    if (std::find(g.source_files.begin(), g.source_files.end(), f) == g.source_files.end()) g.source_files.push_back(f);
  for (const tensorflow::NodeDef& n : g.def.node()) {
    if (!variable_ops().count(n.op()) || g.extras.constants.count(n.name())) continue;
    std::string key = n.name();
    if (!bundle.contains(key)) {
      auto shared = n.attr().find("shared_name");
      if (shared != n.attr().end() && !shared->second.s().empty() && bundle.contains(shared->second.s()))
        key = shared->second.s();
    }
    if (!bundle.contains(key))
      throw Error(bundle.index_path() + ": the checkpoint has no value for variable '" + n.name() + "' (tf." + n.op() +
                  ")");
    g.extras.constants[n.name()] = bundle.tensor(key);
  }
}

// TF2: variable objects -> checkpoint keys, and the graph's VarHandleOps -> variable objects.
void bind_objects(LoadedGraph& g, const tensorflow::SavedObjectGraph& objects, const TensorBundle& bundle) {
  tensorflow::TrackableObjectGraph trackable;
  if (!trackable.ParseFromString(bundle.string_scalar("_CHECKPOINTABLE_OBJECT_GRAPH")))
    throw Error(bundle.index_path() + ": the checkpoint's object graph is not a valid TrackableObjectGraph");
  auto key_of = [&](int id) -> std::string {
    if (id < 0 || id >= trackable.nodes_size()) return "";
    for (const auto& a : trackable.nodes(id).attributes())
      if (a.name() == "VARIABLE_VALUE") return a.checkpoint_key();
    return "";
  };
  std::unordered_map<std::string, int> var_by_name;  // SavedVariable name -> id; -1 when not unique
  for (int id = 0; id < objects.nodes_size(); ++id)
    if (objects.nodes(id).has_variable()) {
      auto [it, fresh] = var_by_name.emplace(objects.nodes(id).variable().name(), id);
      if (!fresh) it->second = -1;
    }
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes;
  for (const tensorflow::NodeDef& n : g.def.node()) nodes[n.name()] = &n;
  std::unordered_map<std::string, int> bound;  // VarHandleOp node -> object id
  for (const tensorflow::NodeDef& n : g.def.node()) {
    if (n.op() != "StatefulPartitionedCall" && n.op() != "PartitionedCall") continue;
    auto f = n.attr().find("f");
    if (f == n.attr().end()) continue;
    auto fn = objects.concrete_functions().find(f->second.func().name());
    if (fn == objects.concrete_functions().end()) continue;
    std::vector<std::string> data;
    for (const std::string& in : n.input())
      if (!is_control(in)) data.push_back(in);
    const auto& ids = fn->second.bound_inputs();
    if (static_cast<size_t>(ids.size()) > data.size()) continue;
    for (int k = 0; k < ids.size(); ++k) {
      const std::string& in = data[data.size() - static_cast<size_t>(ids.size()) + static_cast<size_t>(k)];
      auto producer = nodes.find(node_of(in));
      if (producer != nodes.end() && producer->second->op() == "VarHandleOp") bound[producer->first] = ids[k];
    }
  }
  for (const tensorflow::NodeDef& n : g.def.node()) {
    if (n.op() != "VarHandleOp") continue;
    int id = -1;
    if (auto b = bound.find(n.name()); b != bound.end()) {
      id = b->second;
    } else {
      auto shared = n.attr().find("shared_name");
      const std::string name = shared != n.attr().end() && !shared->second.s().empty() ? shared->second.s() : n.name();
      if (auto v = var_by_name.find(name); v != var_by_name.end()) id = v->second;
    }
    const std::string key = key_of(id);
    if (key.empty()) continue;  // left to the by-name binding, which names what is missing
    if (!bundle.contains(key))
      throw Error(bundle.index_path() + ": the checkpoint has no value '" + key + "' for variable '" + n.name() + "'");
    g.extras.constants[n.name()] = bundle.tensor(key);
  }
}

std::unique_ptr<TensorBundle> open_bundle(const std::string& prefix) { return TensorBundle::open(prefix); }

// A checkpoint folder stands for its latest checkpoint: the `model_checkpoint_path` line of the
// "checkpoint" state file tf.train.Saver keeps there (relative paths are inside the folder).
std::string checkpoint_prefix(const std::string& given) {
  std::error_code ec;
  if (!fs::is_directory(given, ec)) return given;
  const fs::path state = fs::path(given) / "checkpoint";
  if (!fs::is_regular_file(state, ec))
    throw Error(given + ": a folder given as the checkpoint must hold TensorFlow's 'checkpoint' state file "
                "(or give the checkpoint's PREFIX, the path of PREFIX.index without .index)");
  auto file = MappedFile::open(state.string());
  const std::string text(reinterpret_cast<const char*>(file->data()), file->size());
  const std::string key = "model_checkpoint_path:";
  for (size_t line = 0; line < text.size();) {
    size_t end = text.find('\n', line);
    if (end == std::string::npos) end = text.size();
    std::string_view l(text.data() + line, end - line);
    if (l.substr(0, key.size()) == key) {
      const size_t open = l.find('"');
      const size_t close = l.rfind('"');
      if (open == std::string_view::npos || close <= open) break;
      fs::path path(std::string(l.substr(open + 1, close - open - 1)));
      return (path.is_absolute() ? path : fs::path(given) / path).string();
    }
    line = end + 1;
  }
  throw Error(state.string() + ": no model_checkpoint_path \"...\" line naming the latest checkpoint");
}

}  // namespace

std::vector<std::string> graph_sinks(const tensorflow::GraphDef& def) {
  std::unordered_set<std::string> read;
  for (const tensorflow::NodeDef& n : def.node())
    for (const std::string& in : n.input())
      if (!is_control(in)) read.insert(node_of(in));
  std::vector<std::string> sinks;
  for (const tensorflow::NodeDef& n : def.node())
    if (!read.count(n.name()) && n.op() != "NoOp" && n.op() != "Placeholder") sinks.push_back(n.name() + ":0");
  return sinks;
}

void prune_to_outputs(tensorflow::GraphDef& def, const std::vector<std::string>& outputs, bool keep_placeholders) {
  std::unordered_map<std::string, const tensorflow::NodeDef*> nodes;
  for (const tensorflow::NodeDef& n : def.node()) nodes[n.name()] = &n;
  std::unordered_set<std::string> keep;
  std::vector<std::string> work;
  for (const std::string& out : outputs) {
    const std::string name = node_of(out);
    if (!nodes.count(name)) throw Error("output '" + out + "' names no node of the graph");
    work.push_back(name);
  }
  if (keep_placeholders)
    for (const tensorflow::NodeDef& n : def.node())
      if (n.op() == "Placeholder") work.push_back(n.name());
  while (!work.empty()) {
    std::string name = std::move(work.back());
    work.pop_back();
    if (!keep.insert(name).second) continue;
    for (const std::string& in : nodes.at(name)->input())
      if (!is_control(in) && nodes.count(node_of(in))) work.push_back(node_of(in));
  }
  keep_nodes(def, keep);
}

size_t drop_saver_and_initializers(tensorflow::GraphDef& def) {
  std::unordered_set<std::string> dropped;
  std::unordered_map<std::string, std::vector<std::string>> consumers;  // data consumers
  for (const tensorflow::NodeDef& n : def.node()) {
    if (saver_ops().count(n.op()) || n.name().rfind("save/", 0) == 0) dropped.insert(n.name());
    for (const std::string& in : n.input())
      if (!is_control(in)) consumers[node_of(in)].push_back(n.name());
  }
  // Forward: whatever reads a dropped node goes too. Backward: whatever fed only dropped nodes.
  for (bool changed = true; changed;) {
    changed = false;
    for (const tensorflow::NodeDef& n : def.node()) {
      if (dropped.count(n.name())) continue;
      bool reads_dropped = false;
      for (const std::string& in : n.input())
        if (!is_control(in) && dropped.count(node_of(in))) reads_dropped = true;
      auto c = consumers.find(n.name());
      const bool feeds_only_dropped =
          c != consumers.end() && std::all_of(c->second.begin(), c->second.end(), [&](const std::string& name) {
            return dropped.count(name) > 0;
          });
      if (reads_dropped || feeds_only_dropped) {
        dropped.insert(n.name());
        changed = true;
      }
    }
  }
  std::unordered_set<std::string> keep;
  for (const tensorflow::NodeDef& n : def.node())
    if (!dropped.count(n.name())) keep.insert(n.name());
  return keep_nodes(def, keep);
}

void bind_checkpoint(LoadedGraph& g, const std::string& prefix) {
  drop_saver_and_initializers(g.def);
  bind_by_name(g, *open_bundle(checkpoint_prefix(prefix)));
}

LoadedGraph load_meta_graph(const std::string& path, bool text, const std::string& checkpoint) {
  tensorflow::MetaGraphDef meta;
  parse_file(path, text, meta, "MetaGraphDef");
  LoadedGraph g;
  g.def = std::move(*meta.mutable_graph_def());
  g.op_list = meta.meta_info_def().stripped_op_list();
  std::string prefix = checkpoint.empty() ? checkpoint : checkpoint_prefix(checkpoint);
  if (prefix.empty()) {
    prefix = path.size() > 5 && path.compare(path.size() - 5, 5, ".meta") == 0 ? path.substr(0, path.size() - 5) : path;
    std::error_code ec;
    if (!fs::exists(prefix + ".index", ec))
      throw Error(path + ": no checkpoint beside the MetaGraph (expected " + prefix + ".index and " + prefix +
                  ".data-*; or give --input_checkpoint PREFIX)");
  }
  const tensorflow::SignatureDef* sig = pick_signature(meta, path, false);
  if (sig) apply_signature(g, *sig, path);
  else drop_saver_and_initializers(g.def);
  bind_by_name(g, *open_bundle(prefix));
  return g;
}

LoadedGraph load_saved_model(const std::string& dir, const std::vector<std::string>& tags) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir + ": not a SavedModel folder (no such folder)");
  tensorflow::SavedModel saved;
  const std::string pb = (fs::path(dir) / "saved_model.pb").string();
  const std::string pbtxt = (fs::path(dir) / "saved_model.pbtxt").string();
  if (fs::exists(pb, ec)) parse_file(pb, false, saved, "SavedModel");
  else if (fs::exists(pbtxt, ec)) parse_file(pbtxt, true, saved, "SavedModel");
  else throw Error(dir + ": not a SavedModel folder (no saved_model.pb or saved_model.pbtxt)");
  const std::string where = fs::exists(pb, ec) ? pb : pbtxt;
  const std::multiset<std::string> wanted(tags.begin(), tags.end());
  tensorflow::MetaGraphDef* meta = nullptr;
  std::string available;
  for (tensorflow::MetaGraphDef& m : *saved.mutable_meta_graphs()) {
    const auto& t = m.meta_info_def().tags();
    std::string set;
    for (const std::string& tag : t) set += (set.empty() ? "" : ",") + tag;
    available += (available.empty() ? "" : "; ") + set;
    if (std::multiset<std::string>(t.begin(), t.end()) == wanted) meta = &m;
  }
  if (!meta) {
    std::string asked;
    for (const std::string& tag : tags) asked += (asked.empty() ? "" : ",") + tag;
    throw Error(where + ": no MetaGraph has the tags '" + asked + "' (it has: " + available +
                "); choose with --saved_model_tags");
  }
  LoadedGraph g;
  g.def = std::move(*meta->mutable_graph_def());
  g.op_list = meta->meta_info_def().stripped_op_list();
  apply_signature(g, *pick_signature(*meta, where, true), where);
  bool has_variables = false;
  for (const tensorflow::NodeDef& n : g.def.node()) has_variables |= variable_ops().count(n.op()) > 0;
  if (!has_variables) return g;
  const std::string prefix = (fs::path(dir) / "variables" / "variables").string();
  std::unique_ptr<TensorBundle> bundle = open_bundle(prefix);
  if (!meta->object_graph_def().empty() && bundle->contains("_CHECKPOINTABLE_OBJECT_GRAPH")) {
    tensorflow::SavedObjectGraph objects;
    if (!objects.ParseFromString(meta->object_graph_def()))
      throw Error(where + ": the MetaGraph's object graph is not a valid SavedObjectGraph");
    bind_objects(g, objects, *bundle);
  }
  bind_by_name(g, *bundle);
  return g;
}

}  // namespace remo::tf_import
