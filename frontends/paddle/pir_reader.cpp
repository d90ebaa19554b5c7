#include "frontends/paddle/pir_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "engine/graph/error.h"
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
  PirBuilder(Graph& graph, const Json& block) : graph_(graph), block_(block) {}

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

  std::vector<std::string> parameter_names() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : params_) names.push_back(name);  // std::map: byte order
    return names;
  }

  void add_parameters(const std::map<std::string, Tensor>& tensors) {
    for (const auto& [name, tensor] : tensors) {
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
        if (op.contains("regions"))
          throw Error("ops with regions (control flow) are not supported yet");
        if (kind == "p" || kind == "0.parameter") continue;
        if (kind == "1.data") add_input(op);
        else if (kind == "1.fetch") add_fetch(op, fetches);
        else if (kind == "1.full" || kind == "1.full_int_array") add_constant(op, kind);
        else if (kind == "0.combine") add_combine(op);
        else if (kind == "0.split") add_split(op);
        else if (kind == "0.slice") add_slice(op);
        else if (kind.rfind("1.", 0) == 0) add_op(op, kind.substr(2));
        else throw Error("op '" + full_op_name(kind) + "' is not supported");
      } catch (const Error& e) {
        throw Error(label + ": " + e.what());
      }
    }
    if (fetches.empty()) throw Error("the program has no pd_op.fetch, so the model would have no outputs");
    for (const auto& [col, entry] : fetches)
      make_op(graph_, "opset1.Result", {entry.first}, {}, graph_.unique_name(entry.second + "/sink_port_0"));
  }

 private:
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
  const PirValue* operand(const Json& j) const {
    const int64_t id = value_id(j);
    if (id == 0) return nullptr;
    auto it = values_.find(id);
    if (it == values_.end()) throw Error("reads value %" + std::to_string(id) + ", which no earlier op defines");
    return &it->second;
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
      if (v == nullptr || v->is_vector) throw Error("combines only tensors");
      vec.values.push_back(v->values[0]);
    }
    std::vector<const Json*> results = list_of(op, "O");
    if (results.size() != 1) throw Error("must have one result");
    bind(value_id(*results[0]), std::move(vec));
  }

  const PirValue& vector_operand(const Json& op) const {
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
  std::map<std::string, std::pair<int64_t, PirType>> params_;
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
