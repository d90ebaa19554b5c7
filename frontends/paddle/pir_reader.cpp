#include "frontends/paddle/pir_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "engine/graph/error.h"
#include "engine/limits/limits.h"
#include "engine/ops/op_registry.h"
#include "frontends/paddle/paddle_params.h"
#include "frontends/paddle/pir_json.h"
#include "frontends/paddle/pir_ops.h"

namespace remo {
namespace fs = std::filesystem;
namespace paddle_import {
namespace {

// What a value id stands for: one graph value, or the elements of a vector value; a constant
// made by full / full_int_array also keeps its numbers, for operands that fold into attributes.
struct PirValue {
  std::vector<Value> values;
  bool is_vector = false;
  std::optional<std::vector<double>> constant;
  std::optional<std::vector<int64_t>> int_constant;  // full_int_array's values, exact
};

std::string op_kind(const Json& op) {
  const Json& id = field(op, "#", "an op");
  if (!id.is_string()) throw Error("an op's \"#\" must be a string");
  return id.get<std::string>();
}

// "1.conv2d" -> "pd_op.conv2d"; "0.combine" -> "builtin.combine"; "p" stays.
std::string full_op_name(const std::string& kind) {
  static const std::map<std::string, std::string> kDialects = {
      {"0", "builtin"}, {"1", "pd_op"}, {"2", "cf"}, {"3", "custom_op"}, {"4", "dist_op"}};
  const size_t dot = kind.find('.');
  if (dot == std::string::npos) return kind;
  auto it = kDialects.find(kind.substr(0, dot));
  return (it == kDialects.end() ? kind.substr(0, dot) : it->second) + kind.substr(dot);
}

std::vector<const Json*> list_of(const Json& op, const char* key) {
  std::vector<const Json*> out;
  auto it = op.find(key);
  if (it == op.end()) return out;
  if (it->is_object()) { out.push_back(&*it); return out; }  // a parameter op's single result
  if (!it->is_array()) throw Error(std::string("its \"") + key + "\" must be a list");
  for (const Json& j : *it) out.push_back(&j);
  return out;
}

int64_t value_id(const Json& v) {
  const Json& id = field(v, "%", "a value");
  if (!id.is_number_integer()) throw Error("a value id must be an integer");
  return id.get<int64_t>();
}

class PirBuilder {
 public:
  PirBuilder(Graph& graph, const Json& block, PirBuilder* parent = nullptr, int depth = 0)
      : graph_(graph), block_(block), parent_(parent), depth_(depth) {}

  // Parameter ops: name -> (result id, declared type), in the order the parameter file holds them.
  void collect_parameters() {
    int index = 0;
    for (const Json& op : block_) {
      const std::string kind = op_kind(op);
      if (kind == "p" || kind == "0.parameter") {
        const std::string label = label_of(op, index);
        try {
          std::string name = parameter_name(op, kind);
          std::vector<const Json*> results = list_of(op, "O");
          if (results.size() != 1) throw Error("must have one result");
          if (ends_with_non_persistable(name)) {
            // A run-time state (rnn's dropout state): the parameter file holds it once however
            // many ops read it, and the inference program does not use its value, so it stands
            // for no input, as an omitted optional operand does.
            bind(value_id(*results[0]), PirValue{});
            run_time_states_.insert(name);
            ++index;
            continue;
          }
          PirType type = decode_type(field(*results[0], "TT", "its result"));
          if (type.is_vector) throw Error("a parameter must be a tensor");
          if (!params_.emplace(name, std::make_pair(value_id(*results[0]), type)).second)
            throw Error("parameter '" + name + "' appears twice");
        } catch (const Error& e) {
          throw Error(label + ": " + e.what());
        }
      }
      ++index;
    }
  }

  static bool ends_with_non_persistable(const std::string& name) {
    const std::string suffix = "__non_persistable";
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

  std::vector<std::string> parameter_names() const {
    std::vector<std::string> names;
    std::set<std::string> all(run_time_states_);
    for (const auto& [name, entry] : params_) all.insert(name);
    return {all.begin(), all.end()};  // std::set: byte order, the file's
  }

  void add_parameters(const std::map<std::string, Tensor>& tensors) {
    for (const auto& [name, tensor] : tensors) {
      if (run_time_states_.count(name)) continue;
      const auto& [id, type] = params_.at(name);
      if (tensor.type() != type.element || tensor.shape() != type.dims)
        throw Error("parameter '" + name + "': the parameter file holds " + std::string(type_name(tensor.type())) +
                    " " + shape_to_string(tensor.shape()) + " but the program declares " +
                    std::string(type_name(type.element)) + " " + shape_to_string(type.dims) +
                    ": the files do not belong together");
      Node& node = make_op(graph_, "opset1.Constant", {}, {{"value", tensor}}, graph_.unique_name(name));
      node.outputs[0].names = {name};
      bind(id, PirValue{{node.output()}, false, std::nullopt});
    }
  }

  void build() {
    std::map<int64_t, std::pair<Value, std::string>> fetches;
    int index = 0;
    for (const Json& op : block_) {
      const std::string kind = op_kind(op);
      const std::string label = label_of(op, index++);
      try {
        if (kind == "p" || kind == "0.parameter") continue;
        if (kind == "1.data") add_input(op);
        else if (kind == "1.fetch") add_fetch(op, fetches);
        else add_any(op, kind, label);
      } catch (const Error& e) {
        throw Error(label + ": " + e.what());
      }
    }
    if (fetches.empty()) throw Error("the program has no pd_op.fetch, so the model would have no outputs");
    for (const auto& [col, entry] : fetches)
      make_op(graph_, "opset1.Result", {entry.first}, {}, graph_.unique_name(entry.second + "/sink_port_0"));
  }

 private:
  // The ops every block may hold.
  void add_any(const Json& op, const std::string& kind, const std::string& label) {
    if (kind == "1.if") add_if(op, label);
    else if (kind == "1.while") add_while(op, label);
    else if (op.contains("regions")) throw Error("ops with regions other than pd_op.if and pd_op.while are not supported");
    else if (kind == "1.full" || kind == "1.full_int_array") add_constant(op, kind);
    else if (kind == "0.combine") add_combine(op);
    else if (kind == "0.split") add_split(op);
    else if (kind == "0.slice") add_slice(op);
    else if (kind.rfind("1.", 0) == 0) add_op(op, kind.substr(2));
    else throw Error("op '" + full_op_name(kind) + "' is not supported");
  }

  // The ops of a region's block, which ends in cf.yield; returns the yielded values.
  std::vector<Value> build_region_body(const std::string& owner) {
    std::optional<std::vector<Value>> yielded;
    int index = 0;
    for (const Json& op : block_) {
      const std::string kind = op_kind(op);
      const std::string label = owner + ", in its region: " + label_of(op, index++);
      try {
        if (yielded) throw Error("follows the block's cf.yield");
        if (kind == "p" || kind == "0.parameter" || kind == "1.data" || kind == "1.fetch")
          throw Error("only the program's top block may hold it");
        if (kind == "2.yield") {
          yielded.emplace();
          for (const Json* in : list_of(op, "I")) {
            const PirValue* v = operand(*in);
            if (v == nullptr || v->is_vector || v->values.size() != 1) throw Error("must yield tensors");
            yielded->push_back(v->values[0]);
          }
        } else {
          add_any(op, kind, label);
        }
      } catch (const Error& e) {
        throw Error(label + ": " + e.what());
      }
    }
    if (!yielded) throw Error(owner + ": its region's block does not end in cf.yield");
    return *yielded;
  }

  // A Parameter of this (body) graph, typed when its outer value is bound by the rule.
  Value add_body_parameter(const std::string& name) {
    Node& param = make_op(graph_, "opset1.Parameter", {},
                          {{"element_type", ElementType::dynamic}, {"dynamic_rank", true}}, graph_.unique_name(name));
    param.outputs[0].names = {name};
    return param.output();
  }

  bool can_resolve(int64_t id) const { return values_.count(id) || (parent_ && parent_->can_resolve(id)); }

  // The block of op's region `r`, which must have exactly one block.
  static const Json& region_block(const Json& op, size_t r) {
    const Json& regions = op.at("regions");
    const Json& blocks = field(regions[r], "blocks", "region " + std::to_string(r));
    if (!blocks.is_array() || blocks.size() != 1) throw Error("region " + std::to_string(r) + " must have one block");
    return blocks[0];
  }

  static const Json& block_ops(const Json& block) {
    const Json& ops = field(block, "ops", "a region's block");
    if (!ops.is_array()) throw Error("a region's block's \"ops\" must be a list");
    return ops;
  }

  void check_depth(const std::string& label) const {
    if (static_cast<uint64_t>(depth_) + 1 >= limit_value(kMaxGraphDepth))
      throw Error(limit_message(kMaxGraphDepth, label + ": regions are nested more than " +
                                                    std::to_string(limit_value(kMaxGraphDepth)) + " levels deep"));
  }

  static std::vector<std::string> capture_names(const std::vector<int64_t>& ids) {
    std::vector<std::string> names;
    for (int64_t id : ids) names.push_back(std::string("%").append(std::to_string(id)));
    return names;
  }

  // Appends the values of the node's captured ids, list after list in attribute key order (what
  // remo.body expects), resolving them here (and capturing them in turn when this is a body).
  void append_captures(const Attributes& attrs, const std::map<std::string, std::vector<int64_t>>& ids,
                       std::vector<Value>& inputs) {
    for (const auto& [key, value] : attrs) {
      auto it = ids.find(key);
      if (it == ids.end()) continue;
      for (int64_t id : it->second) {
        const PirValue* v = operand_by_id(id);
        if (v == nullptr || v->is_vector || v->values.size() != 1) throw Error("a region reads a non-tensor value");
        inputs.push_back(v->values[0]);
      }
    }
  }

  // pd_op.if: operand 0 the condition, region 0 the true branch and region 1 the false one, each
  // yielding the op's results. It becomes the node the legacy reader makes of
  // conditional_block (is_scalar_condition, "sub_block" and "sub_block_else" bodies with their
  // captures), whose rule makes opset8.If.
  void add_if(const Json& op, const std::string& label) {
    check_depth(label);
    std::vector<const Json*> operands = list_of(op, "I");
    if (operands.size() != 1) throw Error("pd_op.if must have one operand (the condition)");
    const PirValue* cond = operand(*operands[0]);
    if (cond == nullptr || cond->is_vector || cond->values.size() != 1) throw Error("its condition must be a tensor");
    const Json& regions = field(op, "regions", "pd_op.if");
    if (!regions.is_array() || regions.size() != 2) throw Error("pd_op.if must have two regions");
    std::vector<const Json*> results = list_of(op, "O");
    Attributes attrs;
    std::map<std::string, std::vector<int64_t>> captures;
    const char* keys[] = {"sub_block", "sub_block_else"};
    for (size_t r = 0; r < 2; ++r) {
      const Json& block = region_block(op, r);
      auto body = std::make_shared<Graph>();
      PirBuilder child(*body, block_ops(block), this, depth_ + 1);
      std::vector<Value> yielded = child.build_region_body(label);
      if (yielded.size() != results.size())
        throw Error("region " + std::to_string(r) + " yields " + std::to_string(yielded.size()) +
                    " values for the op's " + std::to_string(results.size()) + " results");
      for (size_t k = 0; k < yielded.size(); ++k)
        make_op(*body, "opset1.Result", {yielded[k]}, {}, body->unique_name("yield_" + std::to_string(k)));
      attrs[keys[r]] = GraphPtr(body);
      attrs[std::string(keys[r]) + ":captures"] = capture_names(child.captures_);
      captures[std::string(keys[r]) + ":captures"] = child.captures_;
    }
    attrs["is_scalar_condition"] = true;
    std::vector<Value> inputs = {cond->values[0]};
    append_captures(attrs, captures, inputs);
    attrs["paddle:inputs"] = std::vector<std::string>{"Cond"};
    add_region_node(op, "conditional_block", std::move(inputs), std::move(attrs));
  }

  // pd_op.while: operand 0 the condition, the others the loop-carried values, which are also
  // the region block's arguments and the op's results; the block yields the next condition,
  // then the next carried values. It becomes the node the legacy reader makes of while
  // (body Results: the carried values, then the condition), whose rule makes opset5.Loop.
  void add_while(const Json& op, const std::string& label) {
    check_depth(label);
    std::vector<const Json*> operands = list_of(op, "I");
    if (operands.empty()) throw Error("pd_op.while must have a condition operand");
    const Json& regions = field(op, "regions", "pd_op.while");
    if (!regions.is_array() || regions.size() != 1) throw Error("pd_op.while must have one region");
    const Json& block = region_block(op, 0);
    const size_t carried = operands.size() - 1;
    std::vector<const Json*> results = list_of(op, "O");
    if (results.size() != carried)
      throw Error("has " + std::to_string(carried) + " loop-carried operands but " + std::to_string(results.size()) +
                  " results");
    auto body = std::make_shared<Graph>();
    PirBuilder child(*body, block_ops(block), this, depth_ + 1);
    auto args = block.find("args");
    if (args == block.end() || !args->is_array() || args->size() != carried)
      throw Error("its region's block must have one argument per loop-carried operand (" + std::to_string(carried) + ")");
    std::vector<std::string> names;
    for (size_t k = 0; k < carried; ++k) {
      const Json& id = field((*args)[k], "#", "a block argument");
      if (!id.is_number_integer() || id.get<int64_t>() >= 0) throw Error("a block argument's id must be negative");
      names.push_back("carried_" + std::to_string(k));
      child.bind_argument(id.get<int64_t>(), child.add_body_parameter(names.back()));
    }
    std::vector<Value> yielded = child.build_region_body(label);
    if (yielded.size() != carried + 1)
      throw Error("its region yields " + std::to_string(yielded.size()) + " values, expected the condition and " +
                  std::to_string(carried) + " loop-carried values");
    for (size_t k = 0; k < carried; ++k)
      make_op(*body, "opset1.Result", {yielded[k + 1]}, {}, body->unique_name(names[k] + "/next"));
    make_op(*body, "opset1.Result", {yielded[0]}, {}, body->unique_name("condition/next"));
    Attributes attrs;
    std::vector<std::string> body_results = names;
    body_results.push_back("condition");
    attrs["sub_block"] = GraphPtr(body);
    attrs["sub_block:results"] = body_results;
    attrs["sub_block:carried"] = names;
    attrs["sub_block:captures"] = capture_names(child.captures_);
    std::vector<Value> inputs;
    std::vector<std::string> in_slots = {"Condition"};
    for (size_t k = 0; k < operands.size(); ++k) {
      const PirValue* v = operand(*operands[k]);
      if (v == nullptr || v->is_vector || v->values.size() != 1) throw Error("its operands must be tensors");
      inputs.push_back(v->values[0]);
      if (k > 0) in_slots.push_back("sub_block:carried");
    }
    append_captures(attrs, {{"sub_block:captures", child.captures_}}, inputs);
    attrs["paddle:inputs"] = in_slots;
    add_region_node(op, "while", std::move(inputs), std::move(attrs));
  }

  void bind_argument(int64_t id, Value v) {
    if (!values_.emplace(id, PirValue{{v}, false, std::nullopt}).second)
      throw Error("block argument " + std::to_string(id) + " is defined twice");
  }

  // The node of pd_op.if / pd_op.while: one tensor output (slot "Out") per result.
  void add_region_node(const Json& op, const std::string& legacy, std::vector<Value> inputs, Attributes attrs) {
    std::vector<const Json*> results = list_of(op, "O");
    for (const PirType& t : result_types(op))
      if (t.is_vector) throw Error("its results must be tensors");
    attrs["paddle:outputs"] = std::vector<std::string>(results.size(), "Out");
    const std::string base = legacy + "_" + (results.empty() ? std::string("op") : std::to_string(value_id(*results[0])));
    Node& node = graph_.add_node("paddle." + legacy, graph_.unique_name(base), std::move(inputs), std::move(attrs),
                                 results.size());
    for (size_t i = 0; i < results.size(); ++i) {
      std::string tensor_name = node.name;
      if (results.size() != 1) tensor_name.append(":").append(std::to_string(i));
      node.outputs[i].names = {std::move(tensor_name)};
      const int64_t id = value_id(*results[i]);
      if (id != 0) bind(id, PirValue{{node.output(static_cast<uint32_t>(i))}, false, std::nullopt});
    }
  }

  std::string label_of(const Json& op, int index) const {
    std::string label = "op #" + std::to_string(index);
    try {
      label += " (" + full_op_name(op_kind(op));
      std::vector<const Json*> results = list_of(op, "O");
      if (!results.empty() && results[0]->is_object() && results[0]->contains("%"))
        label += ", result %" + results[0]->at("%").dump();
      label += ")";
    } catch (const Error&) {
    }
    return label;
  }

  static std::string parameter_name(const Json& op, const std::string& kind) {
    const Json& attrs = field(op, "A", "a parameter op");
    if (kind == "p") {
      // [is_distributed, is_parameter, need_clip, name]: the name is the last element.
      if (!attrs.is_array() || attrs.empty() || !attrs.back().is_string())
        throw Error("its \"A\" must be a list ending in the parameter's name");
      return attrs.back().get<std::string>();
    }
    std::optional<AttrValue> name = named_attributes(op).count("parameter_name")
                                        ? std::optional<AttrValue>(named_attributes(op).at("parameter_name"))
                                        : std::nullopt;
    if (!name || !std::holds_alternative<std::string>(*name)) throw Error("has no string 'parameter_name'");
    return std::get<std::string>(*name);
  }

  // The op's "A" list as attributes; places (device placement) and struct_name (the Python
  // layer that made the op) are dropped.
  static Attributes named_attributes(const Json& op) {
    Attributes attrs;
    for (const Json* a : list_of(op, "A")) {
      const Json& name = field(*a, "N", "an attribute");
      if (!name.is_string() || name.get_ref<const std::string&>().empty())
        throw Error("an attribute's name must be a non-empty string");
      const std::string& n = name.get_ref<const std::string&>();
      if (n == "struct_name") continue;
      if (n.find(':') != std::string::npos)
        throw Error("attribute '" + n + "': names with ':' are reserved for the reader's own");
      try {
        std::optional<AttrValue> v = decode_attribute(field(*a, "AT", "attribute '" + n + "'"));
        if (v && !attrs.emplace(n, std::move(*v)).second) throw Error("appears twice");
      } catch (const Error& e) {
        throw Error("attribute '" + n + "': " + e.what());
      }
    }
    return attrs;
  }

  void bind(int64_t id, PirValue value) {
    if (id <= 0) throw Error("result id %" + std::to_string(id) + " is not positive");
    if (!values_.emplace(id, std::move(value)).second) throw Error("value %" + std::to_string(id) + " is defined twice");
  }

  // The operand's value, nullptr for the null operand (%0, an omitted optional input).
  const PirValue* operand(const Json& j) { return operand_by_id(value_id(j)); }

  // In a region's body, a value of an enclosing block becomes a body Parameter ("captured"); a
  // constant keeps its numbers, so that an operand folding into an attribute still folds.
  const PirValue* operand_by_id(int64_t id) {
    if (id == 0) return nullptr;
    auto it = values_.find(id);
    if (it != values_.end()) return &it->second;
    if (parent_ && parent_->can_resolve(id)) {
      const PirValue* outer = parent_->peek(id);
      if (outer->is_vector) throw Error("a region reads vector value %" + std::to_string(id) + ", which is not supported");
      PirValue v{{add_body_parameter("captured_" + std::to_string(id))}, false, outer->constant, outer->int_constant};
      captures_.push_back(id);
      return &values_.emplace(id, std::move(v)).first->second;
    }
    throw Error("reads value %" + std::to_string(id) + ", which no earlier op defines");
  }

  // The value `id` has here or in an enclosing block, without capturing it.
  const PirValue* peek(int64_t id) const {
    auto it = values_.find(id);
    if (it != values_.end()) return &it->second;
    return parent_ ? parent_->peek(id) : nullptr;
  }

  std::vector<PirType> result_types(const Json& op) const {
    std::vector<PirType> types;
    for (const Json* r : list_of(op, "O")) types.push_back(decode_type(field(*r, "TT", "a result")));
    return types;
  }

  template <typename T>
  static T attr_as(const Attributes& attrs, const std::string& name) {
    auto it = attrs.find(name);
    if (it == attrs.end() || !std::holds_alternative<T>(it->second))
      throw Error("has no attribute '" + name + "' of the expected kind");
    return std::get<T>(it->second);
  }

  void add_input(const Json& op) {
    const Attributes attrs = named_attributes(op);
    const std::string name = attr_as<std::string>(attrs, "name");
    std::vector<const Json*> results = list_of(op, "O");
    std::vector<PirType> types = result_types(op);
    if (results.size() != 1 || types[0].is_vector) throw Error("must have one tensor result");
    Node& node = make_op(graph_, "opset1.Parameter", {},
                         {{"shape", std::vector<int64_t>(types[0].dims.begin(), types[0].dims.end())},
                          {"element_type", types[0].element}},
                         graph_.unique_name(name));
    node.outputs[0].names = {name};
    bind(value_id(*results[0]), PirValue{{node.output()}, false, std::nullopt});
  }

  void add_fetch(const Json& op, std::map<int64_t, std::pair<Value, std::string>>& fetches) {
    const Attributes attrs = named_attributes(op);
    const std::string name = attr_as<std::string>(attrs, "name");
    const int64_t col = attr_as<int64_t>(attrs, "col");
    if (col < 0) throw Error("attribute 'col' must not be negative");
    std::vector<const Json*> in = list_of(op, "I");
    if (in.size() != 1) throw Error("must have one operand");
    const PirValue* v = operand(*in[0]);
    if (v == nullptr || v->is_vector || v->values.size() != 1) throw Error("must fetch one tensor");
    if (!fetches.emplace(col, std::make_pair(v->values[0], name)).second)
      throw Error("another pd_op.fetch has the same 'col'");
  }

  void add_constant(const Json& op, const std::string& kind) {
    const Attributes attrs = named_attributes(op);
    std::vector<const Json*> results = list_of(op, "O");
    std::vector<PirType> types = result_types(op);
    if (results.size() != 1 || types[0].is_vector) throw Error("must have one tensor result");
    const ElementType type = types[0].element;
    std::vector<double> numbers;
    std::optional<std::vector<int64_t>> exact;
    Shape shape;
    if (kind == "1.full_int_array") {
      auto it = attrs.find("value");
      if (it == attrs.end()) throw Error("has no attribute 'value'");
      if (auto* ints = std::get_if<std::vector<int64_t>>(&it->second)) {
        exact = *ints;
        for (int64_t i : *ints) numbers.push_back(static_cast<double>(i));
      } else if (auto* floats = std::get_if<std::vector<double>>(&it->second)) {
        numbers = *floats;
      } else {
        throw Error("attribute 'value' must be a list of numbers");
      }
      shape = {static_cast<int64_t>(numbers.size())};
    } else {
      auto it = attrs.find("value");
      if (it == attrs.end()) throw Error("has no attribute 'value'");
      double value = 0;
      if (auto* d = std::get_if<double>(&it->second)) value = *d;
      else if (auto* i = std::get_if<int64_t>(&it->second)) value = static_cast<double>(*i);
      else if (auto* b = std::get_if<bool>(&it->second)) value = *b ? 1 : 0;
      else throw Error("attribute 'value' must be a number");
      const std::vector<int64_t> dims = attr_as<std::vector<int64_t>>(attrs, "shape");
      shape = Shape(dims.begin(), dims.end());
      size_t count = element_count(shape);
      if (count > (size_t{1} << 24)) throw Error("a constant of " + std::to_string(count) + " elements is too big");
      numbers.assign(count, value);
    }
    if (types[0].dims.size() != shape.size())
      throw Error("its result type " + shape_to_string(types[0].dims) + " disagrees with the shape " +
                  shape_to_string(shape) + " of its value");
    if (!has_element_access(type)) throw Error("a constant of type " + std::string(type_name(type)) + " is not supported");
    std::vector<uint8_t> bytes(byte_size(type, numbers.size()));
    const bool integral = is_integral(type) || type == ElementType::boolean;
    for (size_t i = 0; i < numbers.size(); ++i) {
      if (integral) write_from_int64(type, bytes.data(), i, exact ? (*exact)[i] : to_int(numbers[i], "the constant's value"));
      else write_from_double(type, bytes.data(), i, numbers[i]);
    }
    const std::string name = "constant_" + std::to_string(value_id(*results[0]));
    Node& node = make_op(graph_, "opset1.Constant", {}, {{"value", Tensor::from_bytes(type, shape, std::move(bytes))}},
                         graph_.unique_name(name));
    node.outputs[0].names = {name};
    bind(value_id(*results[0]), PirValue{{node.output()}, false, std::move(numbers), std::move(exact)});
  }

  void add_combine(const Json& op) {
    PirValue vec;
    vec.is_vector = true;
    for (const Json* in : list_of(op, "I")) {
      const PirValue* v = operand(*in);
      if (v == nullptr || v->is_vector || v->values.size() != 1) throw Error("combines only tensors");
      vec.values.push_back(v->values[0]);
    }
    std::vector<const Json*> results = list_of(op, "O");
    if (results.size() != 1) throw Error("must have one result");
    bind(value_id(*results[0]), std::move(vec));
  }

  const PirValue& vector_operand(const Json& op) {
    std::vector<const Json*> in = list_of(op, "I");
    if (in.size() != 1) throw Error("must have one operand");
    const PirValue* v = operand(*in[0]);
    if (v == nullptr || !v->is_vector) throw Error("its operand must be a vector (Tensor[]) value");
    return *v;
  }

  void add_split(const Json& op) {
    const PirValue& vec = vector_operand(op);
    std::vector<const Json*> results = list_of(op, "O");
    if (results.size() != vec.values.size())
      throw Error("splits a vector of " + std::to_string(vec.values.size()) + " into " +
                  std::to_string(results.size()) + " results");
    for (size_t i = 0; i < results.size(); ++i) {
      if (value_id(*results[i]) == 0) continue;  // an element nobody uses
      bind(value_id(*results[i]), PirValue{{vec.values[i]}, false, std::nullopt});
    }
  }

  void add_slice(const Json& op) {
    const PirValue& vec = vector_operand(op);
    const int64_t index = attr_as<int64_t>(named_attributes(op), "index");
    if (index < 0 || index >= static_cast<int64_t>(vec.values.size()))
      throw Error("index " + std::to_string(index) + " is outside a vector of " + std::to_string(vec.values.size()));
    std::vector<const Json*> results = list_of(op, "O");
    if (results.size() != 1) throw Error("must have one result");
    bind(value_id(*results[0]), PirValue{{vec.values[static_cast<size_t>(index)]}, false, std::nullopt});
  }

  // An in-place op ("increment_") changes its first operand, and later ops read the changed
  // value under the operand's old id: inside a region, when that operand belongs to an enclosing
  // block (Paddle saves paddle.increment of a loop counter that way), the change is state the
  // region carries out, which the SSA values do not show, so it is refused rather than dropped.
  // batch_norm_ changes only its running statistics, which inference does not read back.
  void refuse_outer_in_place(const Json& op, const std::string& name) {
    if (!parent_ || name.size() < 2 || name.back() != '_' || name == "batch_norm_") return;
    std::vector<const Json*> operands = list_of(op, "I");
    if (operands.empty()) return;
    const int64_t id = value_id(*operands[0]);
    const bool captured = std::find(captures_.begin(), captures_.end(), id) != captures_.end();
    if (id != 0 && (captured || (!values_.count(id) && parent_->can_resolve(id))))
      throw Error("pd_op." + name + " changes %" + std::to_string(id) +
                  ", a value of an enclosing block, in place: state carried out of a region that way is not supported");
  }

  // A double that must be an integer (a shape, an axis), refused when it cannot be one.
  static int64_t to_int(double d, const std::string& what) {
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) throw Error(what + " " + std::to_string(d) + " is not an integer remo can hold");
    return static_cast<int64_t>(d);
  }

  static AttrValue folded(const std::vector<double>& numbers, FoldKind kind, const std::string& attr) {
    switch (kind) {
      case FoldKind::int_list: {
        std::vector<int64_t> out;
        for (double d : numbers) out.push_back(to_int(d, "a value of '" + attr + "'"));
        return out;
      }
      case FoldKind::int_scalar:
        if (numbers.size() != 1) throw Error("the operand for '" + attr + "' must hold one number");
        return to_int(numbers[0], "the value of '" + attr + "'");
      case FoldKind::float_scalar:
        if (numbers.size() != 1) throw Error("the operand for '" + attr + "' must hold one number");
        return numbers[0];
      case FoldKind::none: break;
    }
    throw Error("operand for '" + attr + "' cannot become an attribute");
  }

  void add_op(const Json& op, const std::string& name) {
    refuse_outer_in_place(op, name);
    std::optional<PirOpMapping> mapping = pir_op_mapping(name);
    Attributes attrs = named_attributes(op);
    std::vector<Value> inputs;
    std::vector<std::string> in_slots, out_slots;
    std::vector<const Json*> operands = list_of(op, "I");
    if (mapping) {
      if (operands.size() > mapping->inputs.size())
        throw Error("has " + std::to_string(operands.size()) + " operands, the op takes at most " +
                    std::to_string(mapping->inputs.size()));
      for (const auto& [from, to] : mapping->renames) {
        auto it = attrs.find(from);
        if (it == attrs.end()) continue;
        AttrValue v = std::move(it->second);
        attrs.erase(it);
        attrs[to] = std::move(v);
      }
    }
    for (size_t i = 0; i < operands.size(); ++i) {
      const PirValue* v = operand(*operands[i]);
      if (v == nullptr) continue;
      if (!mapping) {
        for (const Value& x : v->values) {
          inputs.push_back(x);
          in_slots.push_back(std::to_string(i));
        }
        continue;
      }
      const PirInput& spec = mapping->inputs[i];
      if (spec.attr != nullptr && v->int_constant && spec.kind == FoldKind::int_list) {
        attrs[spec.attr] = *v->int_constant;
        continue;
      }
      if (spec.attr != nullptr && v->constant) {
        attrs[spec.attr] = folded(*v->constant, spec.kind, spec.attr);
        continue;
      }
      if (spec.slot == nullptr)
        throw Error("operand " + std::to_string(i) + " (for attribute '" + spec.attr +
                    "') must be a constant made by pd_op.full or pd_op.full_int_array");
      for (const Value& x : v->values) {
        inputs.push_back(x);
        in_slots.push_back(spec.slot);
      }
    }
    std::vector<const Json*> results = list_of(op, "O");
    std::vector<PirType> types = result_types(op);
    if (mapping && results.size() > mapping->outputs.size())
      throw Error("has " + std::to_string(results.size()) + " results, the op makes at most " +
                  std::to_string(mapping->outputs.size()));
    size_t count = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const size_t n = types[i].is_vector ? types[i].elements.size() : 1;
      for (size_t k = 0; k < n; ++k) out_slots.push_back(mapping ? mapping->outputs[i] : std::to_string(i));
      count += n;
    }
    attrs["paddle:inputs"] = std::move(in_slots);
    attrs["paddle:outputs"] = out_slots;
    const std::string type = mapping ? "paddle." + mapping->legacy_type : "pd_op." + name;
    const std::string base = (mapping ? mapping->legacy_type : name) + "_" +
                             (results.empty() ? std::string("op") : std::to_string(value_id(*results[0])));
    Node& node = graph_.add_node(type, graph_.unique_name(base), std::move(inputs), std::move(attrs), count);
    size_t port = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const int64_t id = value_id(*results[i]);
      PirValue v;
      v.is_vector = types[i].is_vector;
      const size_t n = types[i].is_vector ? types[i].elements.size() : 1;
      for (size_t k = 0; k < n; ++k, ++port) {
        Value out = node.output(static_cast<uint32_t>(port));
        std::string tensor_name = node.name;
        if (count != 1) tensor_name.append(":").append(std::to_string(port));
        node.outputs[port].names = {std::move(tensor_name)};
        v.values.push_back(out);
      }
      if (id != 0) bind(id, std::move(v));
    }
  }

  Graph& graph_;
  const Json& block_;
  PirBuilder* parent_;             // the enclosing block's builder, for a region's body
  int depth_;
  std::vector<int64_t> captures_;  // enclosing values this body reads, in Parameter order
  std::map<std::string, std::pair<int64_t, PirType>> params_;
  std::set<std::string> run_time_states_;  // "..__non_persistable" parameters: in the file, not in the graph
  std::unordered_map<int64_t, PirValue> values_;
};

const Json& top_block(const Json& doc) {
  const Json& program = field(doc, "program", "the file");
  const Json& regions = field(program, "regions", "\"program\"");
  if (!regions.is_array() || regions.empty()) throw Error("the program has no regions");
  const Json& blocks = field(regions[0], "blocks", "region 0");
  if (!blocks.is_array() || blocks.empty()) throw Error("region 0 has no blocks");
  const Json& ops = field(blocks[0], "ops", "block 0");
  if (!ops.is_array()) throw Error("block 0's \"ops\" must be a list");
  return ops;
}

}  // namespace
}  // namespace paddle_import

std::unique_ptr<Graph> read_paddle_pir_model(const std::string& path) {
  using namespace paddle_import;
  std::shared_ptr<const MappedFile> file = MappedFile::open(path);  // its errors name the path
  Json doc = Json::parse(file->data(), file->data() + file->size(), nullptr, false);
  if (doc.is_discarded()) throw Error(path + ": not valid JSON (a Paddle PIR program was expected)");
  auto graph = std::make_unique<Graph>();
  graph->meta["framework"] = std::string("paddle");
  try {
    const Json& base = field(doc, "base_code", "the file");
    const Json& magic = field(base, "magic", "\"base_code\"");
    if (!magic.is_string() || magic.get<std::string>() != "pir")
      throw Error("\"base_code\".\"magic\" is not \"pir\": not a Paddle PIR program");
    const Json& version = field(base, "version", "\"base_code\"");
    if (!version.is_number_integer()) throw Error("\"base_code\".\"version\" must be an integer");
    graph->meta["pir_version"] = version.get<int64_t>();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  std::unique_ptr<PirBuilder> builder;
  std::vector<std::string> names;
  try {
    builder = std::make_unique<PirBuilder>(*graph, top_block(doc));
    builder->collect_parameters();
    names = builder->parameter_names();
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  if (!names.empty()) {
    const std::string folder = fs::path(path).parent_path().string();
    const std::string combined = fs::path(path).stem().string() + ".pdiparams";
    std::optional<std::string> params;
    try {
      params = file_in_folder(folder, combined);
    } catch (const Error& e) {
      throw Error(path + ": " + e.what());
    }
    if (!params)
      throw Error(path + ": the program has " + std::to_string(names.size()) + " parameters, but '" + combined +
                  "' is not beside it");
    std::map<std::string, Tensor> tensors = read_combined_params(MappedFile::open(*params), names);
    try {
      builder->add_parameters(tensors);
    } catch (const Error& e) {
      throw Error(*params + ": " + e.what());
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
