#include "frontends/paddle/paddle_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <unordered_map>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "frontends/paddle/paddle_attributes.h"
#include "frontends/paddle/paddle_params.h"
#include "frontends/paddle/paddle_types.h"
#include "frontends/paddle/pir_reader.h"
#include "frontends/paddle/proto/framework.pb.h"

namespace remo {
namespace fs = std::filesystem;
namespace paddle_import {
namespace {

using paddle_proto::BlockDesc;
using paddle_proto::OpDesc;
using paddle_proto::VarDesc;
using paddle_proto::VarType;

std::string op_label(const OpDesc& op, int index) {
  std::string name;
  for (const OpDesc::Var& slot : op.outputs())
    if (!slot.arguments().empty()) { name = slot.arguments(0); break; }
  if (name.empty()) name = std::string("#").append(std::to_string(index));
  std::string label = "op '";
  return label.append(name).append("' (paddle.").append(op.type()).append(")");
}

// The single argument of slot `slot` of a feed or fetch op.
const std::string& only_argument(const google::protobuf::RepeatedPtrField<OpDesc::Var>& slots,
                                 const std::string& slot, const std::string& label) {
  for (const OpDesc::Var& v : slots)
    if (v.parameter() == slot) {
      if (v.arguments_size() != 1) throw Error(label + ": slot '" + slot + "' must have exactly one variable");
      return v.arguments(0);
    }
  throw Error(label + ": has no slot '" + slot + "'");
}

int64_t column_of(const OpDesc& op, const std::string& label) {
  for (const OpDesc::Attr& a : op.attrs())
    if (a.name() == "col") {
      if (!a.has_i() || a.i() < 0) throw Error(label + ": attribute 'col' must be a non-negative int");
      return a.i();
    }
  throw Error(label + ": has no attribute 'col'");
}

bool is_tensor_var(const VarDesc& v) {
  return v.type().type() == VarType::DENSE_TENSOR && v.type().has_dense_tensor();
}

class ProgramBuilder {
 public:
  ProgramBuilder(Graph& graph, const BlockDesc& block) : graph_(graph), block_(block) {
    for (const VarDesc& v : block.vars())
      if (!vars_.emplace(v.name(), &v).second) throw Error("variable '" + v.name() + "' is declared twice");
  }

  // The persistable tensors, in the order the parameter file holds them.
  std::vector<std::string> persistable_names() const {
    std::vector<std::string> names;
    for (const VarDesc& v : block_.vars())
      if (v.persistable() && is_tensor_var(v) && v.name() != "feed" && v.name() != "fetch") names.push_back(v.name());
    std::sort(names.begin(), names.end());
    return names;
  }

  void add_constants(const std::map<std::string, Tensor>& tensors) {
    for (const auto& [name, tensor] : tensors) {
      Node& node = make_op(graph_, "opset1.Constant", {}, {{"value", tensor}}, graph_.unique_name(name));
      node.outputs[0].names = {name};
      values_[name] = node.output();
    }
  }

  void build() {
    std::map<int64_t, std::pair<const OpDesc*, std::string>> feeds, fetches;
    for (int i = 0; i < block_.ops_size(); ++i) {
      const OpDesc& op = block_.ops(i);
      const std::string label = op_label(op, i);
      if (op.type() == "feed" || op.type() == "fetch") {
        auto& table = op.type() == "feed" ? feeds : fetches;
        if (!table.emplace(column_of(op, label), std::make_pair(&op, label)).second)
          throw Error(label + ": another " + op.type() + " op has the same 'col'");
      }
    }
    for (const auto& [col, entry] : feeds) add_parameter(*entry.first, entry.second);
    for (int i = 0; i < block_.ops_size(); ++i) {
      const OpDesc& op = block_.ops(i);
      if (op.type() != "feed" && op.type() != "fetch") add_op(op, op_label(op, i));
    }
    if (fetches.empty()) throw Error("the program has no fetch op, so the model would have no outputs");
    for (const auto& [col, entry] : fetches) {
      const std::string& name = only_argument(entry.first->inputs(), "X", entry.second);
      Value value = lookup(name, entry.second);
      make_op(graph_, "opset1.Result", {value}, {}, graph_.unique_name(name + "/sink_port_0"));
    }
  }

 private:
  void add_parameter(const OpDesc& op, const std::string& label) {
    const std::string& name = only_argument(op.outputs(), "Out", label);
    auto it = vars_.find(name);
    if (it == vars_.end()) throw Error(label + ": feeds variable '" + name + "', which the block does not declare");
    const VarDesc& var = *it->second;
    if (!is_tensor_var(var)) throw Error(label + ": fed variable '" + name + "' is not a dense tensor");
    const VarType::TensorDesc& desc = var.type().dense_tensor().tensor();
    std::optional<ElementType> type = element_type_from_paddle(desc.data_type());
    if (!type)
      throw Error(label + ": fed variable '" + name + "' has unsupported element type " +
                  paddle_type_name(desc.data_type()));
    std::vector<int64_t> dims;
    for (int64_t d : desc.dims()) {
      if (d < -1) throw Error(label + ": fed variable '" + name + "' has a bad dimension " + std::to_string(d));
      dims.push_back(d < 0 ? kDynamicDim : d);
    }
    Node& node = make_op(graph_, "opset1.Parameter", {}, {{"shape", std::move(dims)}, {"element_type", *type}},
                         graph_.unique_name(name));
    node.outputs[0].names = {name};
    values_[name] = node.output();
  }

  Value lookup(const std::string& name, const std::string& label) const {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    if (auto v = vars_.find(name); v != vars_.end() && v->second->persistable())
      throw Error(label + ": reads persistable variable '" + name + "', which the parameter file does not hold");
    throw Error(label + ": reads variable '" + name + "', which no earlier op or feed writes");
  }

  void add_op(const OpDesc& op, const std::string& label) {
    if (op.type().empty()) throw Error(label + " has no type");
    Attributes attrs;
    try {
      attrs = convert_attributes(op);
    } catch (const Error& e) {
      throw Error(label + ": " + e.what());
    }
    std::vector<Value> inputs;
    std::vector<std::string> in_slots, out_slots, out_names;
    for (const OpDesc::Var& slot : op.inputs())
      for (const std::string& arg : slot.arguments()) {
        inputs.push_back(lookup(arg, label));
        in_slots.push_back(slot.parameter());
      }
    for (const OpDesc::Var& slot : op.outputs())
      for (const std::string& arg : slot.arguments()) {
        out_names.push_back(arg);
        out_slots.push_back(slot.parameter());
      }
    attrs["paddle:inputs"] = std::move(in_slots);
    attrs["paddle:outputs"] = out_slots;
    const std::string base = out_names.empty() ? op.type() : out_names.front();
    Node& node = graph_.add_node("paddle." + op.type(), graph_.unique_name(base), std::move(inputs),
                                 std::move(attrs), out_names.size());
    for (size_t j = 0; j < out_names.size(); ++j) {
      node.outputs[j].names = {out_names[j]};
      values_[out_names[j]] = node.output(static_cast<uint32_t>(j));
    }
  }

  Graph& graph_;
  const BlockDesc& block_;
  std::unordered_map<std::string, const VarDesc*> vars_;
  std::unordered_map<std::string, Value> values_;  // each variable's latest write
};

bool starts_like_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c))
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c == '{';
  return false;
}

}  // namespace
}  // namespace paddle_import

std::unique_ptr<Graph> read_paddle_model(const std::string& given_path) {
  using namespace paddle_import;
  std::error_code ec;
  // Paddle 3's PIR program: a .json, or (with --framework paddle) any file that starts as JSON
  // does; a ProgramDesc never starts with '{' (it would be a protobuf group tag of field 15).
  if (fs::path(given_path).extension() == ".json" ||
      (!fs::is_directory(given_path, ec) && starts_like_json(given_path)))
    return read_paddle_pir_model(given_path);
  const std::string path = fs::is_directory(given_path, ec) ? (fs::path(given_path) / "__model__").string() : given_path;
  std::shared_ptr<const MappedFile> file = MappedFile::open(path);  // its errors name the path
  paddle_proto::ProgramDesc program;
  if (file->size() > static_cast<size_t>(INT32_MAX) || !program.ParseFromArray(file->data(), static_cast<int>(file->size())))
    throw Error(path + ": not a valid Paddle program (ProgramDesc)");
  if (program.blocks_size() == 0) throw Error(path + ": the program has no blocks");
  auto graph = std::make_unique<Graph>();
  graph->meta["framework"] = std::string("paddle");
  graph->meta["program_version"] = static_cast<int64_t>(program.version().version());
  std::vector<std::string> names;
  std::unique_ptr<ProgramBuilder> builder;
  try {
    builder = std::make_unique<ProgramBuilder>(*graph, program.blocks(0));
    names = builder->persistable_names();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  if (!names.empty()) {
    // Combined: NAME.pdiparams beside the program. Otherwise the older layout: one file per
    // variable, named after it, in the program's folder.
    const std::string folder = fs::path(path).parent_path().string();
    const std::string combined = fs::path(path).stem().string() + ".pdiparams";
    std::optional<std::string> params;
    try {
      params = file_in_folder(folder, combined);
    } catch (const Error& e) {
      throw Error(path + ": " + e.what());
    }
    if (params) {
      builder->add_constants(read_combined_params(MappedFile::open(*params), names));
    } else {
      std::map<std::string, Tensor> tensors;
      for (const std::string& name : names) {
        std::optional<std::string> file;
        try {
          file = file_in_folder(folder, name);
        } catch (const Error& e) {
          throw Error(path + ": persistable variable '" + name + "': " + e.what());
        }
        if (!file)
          throw Error(path + ": the program has " + std::to_string(names.size()) +
                      " persistable variables, but neither '" + combined + "' nor a file '" + name +
                      "' for variable '" + name + "' is in the model's folder");
        tensors.merge(read_combined_params(MappedFile::open(*file), {name}));
      }
      builder->add_constants(tensors);
    }
  }
  try {
    builder->build();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  return graph;
}

}  // namespace remo
