#include "frontends/paddle/paddle_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "engine/graph/error.h"
#include "engine/limits/limits.h"
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
using paddle_proto::ProgramDesc;
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

// Every argument of slot `slot` (none when the op lacks it).
std::vector<std::string> arguments(const google::protobuf::RepeatedPtrField<OpDesc::Var>& slots, const std::string& slot) {
  std::vector<std::string> names;
  for (const OpDesc::Var& v : slots)
    if (v.parameter() == slot) names.insert(names.end(), v.arguments().begin(), v.arguments().end());
  return names;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const std::string kCaptures = ":captures";

// Builds the graph of one block. A sub-block (the body of conditional_block or while) gets its
// own builder whose parent is the enclosing block's: a variable the body reads before writing it
// becomes a body Parameter ("captured"), resolved in the enclosing block when the op is made.
class ProgramBuilder {
 public:
  ProgramBuilder(Graph& graph, const ProgramDesc& program, int block_index, ProgramBuilder* parent = nullptr,
                 int depth = 0)
      : graph_(graph), program_(program), block_(program.blocks(block_index)), block_index_(block_index),
        parent_(parent), depth_(depth) {
    for (const VarDesc& v : block_.vars())
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

  // Whether `name` has a value here or in an enclosing block (which a body would capture).
  bool can_resolve(const std::string& name) const {
    return values_.count(name) || (parent_ && parent_->can_resolve(name));
  }

  const VarDesc* find_var(const std::string& name) const {
    if (auto v = vars_.find(name); v != vars_.end()) return v->second;
    return parent_ ? parent_->find_var(name) : nullptr;
  }

  // A body Parameter standing for the enclosing blocks' variable `name` (type and shape are
  // bound when the body is translated).
  Value add_body_parameter(Graph& graph, const std::string& name) {
    Node& param = make_op(graph, "opset1.Parameter", {}, {{"element_type", ElementType::dynamic}, {"dynamic_rank", true}},
                          graph.unique_name(name));
    param.outputs[0].names = {name};
    return param.output();
  }

  Value lookup(const std::string& name, const std::string& label) {
    auto it = values_.find(name);
    if (it != values_.end()) return it->second;
    if (parent_ && parent_->can_resolve(name)) {
      Value v = add_body_parameter(graph_, name);
      values_[name] = v;
      captures_.push_back(name);
      return v;
    }
    if (const VarDesc* v = find_var(name); v && v->persistable())
      throw Error(label + ": reads persistable variable '" + name + "', which the parameter file does not hold");
    throw Error(label + ": reads variable '" + name + "', which no earlier op or feed writes");
  }

  // The ops of a sub-block; feed and fetch belong to the main block only.
  void build_body(const std::string& owner) {
    for (int i = 0; i < block_.ops_size(); ++i) {
      const OpDesc& op = block_.ops(i);
      const std::string label = op_label(op, i);
      if (op.type() == "feed" || op.type() == "fetch")
        throw Error(owner + ": its sub-block holds " + label + ", which only the main block may have");
      add_op(op, label);
    }
  }

  // Zeros of `name`'s declared type and shape (1 for a dimension unknown until run time), for
  // a variable a skipped conditional_block leaves unset: select_input never picks it, and with
  // the declared rank (and size-1 open dimensions) it broadcasts against the real value.
  Value placeholder(Graph& graph, const std::string& name) const {
    const VarDesc* var = find_var(name);
    ElementType type = ElementType::f32;
    std::vector<int64_t> dims;
    if (var && is_tensor_var(*var)) {
      const VarType::TensorDesc& desc = var->type().dense_tensor().tensor();
      type = element_type_from_paddle(desc.data_type()).value_or(ElementType::f32);
      for (int64_t d : desc.dims()) dims.push_back(d < 0 ? 1 : d);
    }
    Tensor zero = Tensor::from_bytes(type, {}, std::vector<uint8_t>(byte_size(type, 1)));
    Value scalar = make_op(graph, "opset1.Constant", {}, {{"value", zero}}, graph.unique_name(name)).output();
    if (dims.empty()) return scalar;
    Tensor shape = Tensor::from_values(ElementType::i64, {static_cast<int64_t>(dims.size())}, dims);
    Value target = make_op(graph, "opset1.Constant", {}, {{"value", shape}}, graph.unique_name(name + "/shape")).output();
    return make_op(graph, "opset3.Broadcast", {scalar, target}, {}, graph.unique_name(name + "/unset")).output();
  }

  // A loop-carried variable: an own Parameter of the body (first, in the op's Out order).
  void add_carried(const std::string& name) { values_[name] = add_body_parameter(graph_, name); }

  void add_result(const std::string& name, const std::string& owner) {
    if (!can_resolve(name))
      throw Error(owner + ": output variable '" + name + "' is neither written by the sub-block nor defined before it");
    Value value = lookup(name, owner);
    make_op(graph_, "opset1.Result", {value}, {}, graph_.unique_name(name + "/sink_port_0"));
  }

  // conditional_block and while: the sub-block becomes the Graph attribute "sub_block" with one
  // Result per Out variable (while: then the Condition variable's value at the end of an
  // iteration), their names in "sub_block:results"; its captured names are
  // "sub_block:captures". while's Out variables that exist before the op are loop-carried: the
  // body's first Parameters, listed in "sub_block:carried", their current values appended to
  // the node's inputs (slot "sub_block:carried"). conditional_block also gets
  // "sub_block_else": what the Out variables hold when the block does not run (their earlier
  // values, captured, or placeholder zeros for a variable with none, which Paddle leaves unset
  // and select_input never picks). The captured values follow all other inputs, list after
  // list in attribute key order.
  void add_body(const OpDesc& op, const std::string& label, Attributes& attrs, std::vector<Value>& inputs,
                std::vector<std::string>& in_slots) {
    auto it = attrs.find("sub_block");
    const int64_t* index = it == attrs.end() ? nullptr : std::get_if<int64_t>(&it->second);
    if (!index) throw Error(label + ": has no block attribute 'sub_block'");
    if (*index <= 0 || *index >= program_.blocks_size())
      throw Error(label + ": sub_block " + std::to_string(*index) + " is not a sub-block of the program (it has " +
                  std::to_string(program_.blocks_size()) + " blocks)");
    // Each block is the body of one op of its parent block, so the nesting is the tree of
    // parent_idx and every block is built once.
    const BlockDesc& sub = program_.blocks(static_cast<int>(*index));
    if (sub.parent_idx() != block_index_)
      throw Error(label + ": its sub_block " + std::to_string(*index) + " has parent block " +
                  std::to_string(sub.parent_idx()) + ", not the op's block " + std::to_string(block_index_));
    if (!root().used_blocks_.insert(*index).second)
      throw Error(label + ": block " + std::to_string(*index) + " is already the sub_block of another op");
    if (static_cast<uint64_t>(depth_) + 1 >= limit_value(kMaxGraphDepth))
      throw Error(limit_message(kMaxGraphDepth, label + ": sub-blocks are nested more than " +
                                                    std::to_string(limit_value(kMaxGraphDepth)) + " levels deep"));
    const bool loop = op.type() == "while";
    const std::vector<std::string> outs = arguments(op.outputs(), "Out");
    auto body = std::make_shared<Graph>();
    ProgramBuilder child(*body, program_, static_cast<int>(*index), this, depth_ + 1);
    std::vector<std::string> carried;
    if (loop)
      for (const std::string& name : outs)
        if (can_resolve(name) && std::find(carried.begin(), carried.end(), name) == carried.end()) {
          child.add_carried(name);
          carried.push_back(name);
        }
    child.build_body(label);
    for (const std::string& name : outs) child.add_result(name, label);
    std::vector<std::string> results = outs;
    if (loop) {
      results.push_back(only_argument(op.inputs(), "Condition", label));
      child.add_result(results.back(), label);
    }
    attrs["sub_block"] = GraphPtr(body);
    attrs["sub_block:results"] = results;
    attrs["sub_block" + kCaptures] = child.captures_;
    if (loop) {
      for (const std::string& name : carried) {
        inputs.push_back(lookup(name, label));
        in_slots.push_back("sub_block:carried");
      }
      attrs["sub_block:carried"] = carried;
    } else {
      auto other = std::make_shared<Graph>();
      std::vector<std::string> passed;
      for (const std::string& name : outs) {
        Value value;
        if (can_resolve(name)) {
          value = add_body_parameter(*other, name);
          passed.push_back(name);
        } else {
          value = child.placeholder(*other, name);  // the sub-block's declaration, else an enclosing one
        }
        make_op(*other, "opset1.Result", {value}, {}, other->unique_name(name + "/sink_port_0"));
      }
      attrs["sub_block_else"] = GraphPtr(other);
      attrs["sub_block_else" + kCaptures] = passed;
    }
    for (const auto& [key, value] : attrs)
      if (ends_with(key, kCaptures))
        for (const std::string& name : std::get<std::vector<std::string>>(value)) inputs.push_back(lookup(name, label));
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
    if (op.type() == "conditional_block" || op.type() == "while") add_body(op, label, attrs, inputs, in_slots);
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
  const ProgramDesc& program_;
  const BlockDesc& block_;
  int block_index_;         // the block's position in the program
  ProgramBuilder* parent_;  // the enclosing block's builder, for a sub-block
  int depth_;
  std::unordered_map<std::string, const VarDesc*> vars_;
  std::unordered_map<std::string, Value> values_;  // each variable's latest write
  std::vector<std::string> captures_;              // enclosing variables this body reads, in Parameter order
  std::set<int64_t> used_blocks_;                  // (in the main block's builder) blocks already built

  ProgramBuilder& root() { return parent_ ? parent_->root() : *this; }
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
    builder = std::make_unique<ProgramBuilder>(*graph, program, 0);
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
