#include "engine/ir/ir_xml_document.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>

#include "engine/graph/error.h"
#include "engine/ir/ir_attr_text.h"
#include "engine/ir/ir_body_writer.h"

namespace remo {
namespace {

std::string label(const Node& node) { return "node '" + node.name + "' (" + node.op() + ")"; }

void set_attr(pugi::xml_node element, const char* name, const std::string& value) {
  element.append_attribute(name).set_value(value.c_str());
}

// Parameter: its shape and type are those of its output, which is what the model exposes.
void add_parameter_data(pugi::xml_node data, const Node& node) {
  const OutputInfo& out = node.outputs.at(0);
  set_attr(data, "shape", out.shape.to_ir_string());
  set_attr(data, "element_type", std::string(type_name(out.type)));
}

void add_constant_data(pugi::xml_node data, const Node& node, IrBinWriter& bin) {
  const Tensor& value = node.attr<Tensor>("value");
  check(!value.empty() && bit_width(value.type()) != 0,
        label(node) + ": a constant of element type " + std::string(type_name(value.type())) +
            " cannot be written to the .bin");
  IrBinWriter::Placement placement = bin.add(value.bytes(), value.byte_count());
  set_attr(data, "element_type", std::string(type_name(value.type())));
  set_attr(data, "shape", join_dims(value.shape()));
  set_attr(data, "offset", std::to_string(placement.offset));
  set_attr(data, "size", std::to_string(placement.size));
}

// Every schema attribute, in schema order: the reader falls back to an op's default-constructed
// value (often invalid) for a missing one, so nothing is left implicit.
void add_schema_data(pugi::xml_node data, const Node& node, const OpDef& def) {
  for (const AttrSpec& spec : def.attrs) {
    auto it = node.attrs.find(spec.name);
    const AttrValue* value = it != node.attrs.end() ? &it->second
                             : spec.default_value  ? &*spec.default_value
                                                   : nullptr;
    check(value != nullptr, label(node) + ": missing required attribute '" + spec.name + "'");
    try {
      set_attr(data, spec.name.c_str(), format_attr_value(spec.kind, *value));
    } catch (const Error& e) {
      throw Error(label(node) + ": attribute '" + spec.name + "': " + e.what());
    }
  }
}

// A custom op's attributes, all of them, in name order, spelled by the kind of their value.
void add_free_data(pugi::xml_node data, const Node& node) {
  static const AttrKind kKinds[] = {AttrKind::Bool,   AttrKind::Int,     AttrKind::Float,
                                    AttrKind::String, AttrKind::Ints,    AttrKind::Floats,
                                    AttrKind::Strings, AttrKind::Type};
  for (const auto& [name, value] : node.attrs) {
    if (value.index() >= std::size(kKinds))
      throw Error(label(node) + ": attribute '" + name + "' is a " + attr_kind_name(value) +
                  ", which an IR layer attribute cannot hold");
    set_attr(data, name.c_str(), format_attr_value(kKinds[value.index()], value));
  }
}

void add_data(pugi::xml_node layer, const IrLayer& entry, IrBinWriter& bin) {
  pugi::xml_node data = layer.append_child("data");
  if (entry.def->name == "opset1.Parameter")
    add_parameter_data(data, *entry.node);
  else if (entry.def->name == "opset1.Constant")
    add_constant_data(data, *entry.node, bin);
  else if (entry.def->free_attrs)
    add_free_data(data, *entry.node);
  else if (!entry.def->has_bodies)  // bodies and port maps are elements of their own
    add_schema_data(data, *entry.node, *entry.def);
  if (!data.first_attribute()) layer.remove_child(data);
}

// A layout is written on its output port (see add_port), everything else on the layer. Node
// rt_info "layout" is output 0's, "layout:K" output K's.
constexpr const char* kLayoutKey = "layout";
bool is_layout_key(const std::string& key) { return key.rfind(kLayoutKey, 0) == 0; }
std::string layout_key(size_t port) { return port == 0 ? kLayoutKey : std::string(kLayoutKey) + ":" + std::to_string(port); }

void add_rt_info(pugi::xml_node layer, const Node& node) {
  std::set<std::string> names;
  for (const std::string& name : node.fused_names)
    if (!name.empty()) names.insert(name);
  bool flags = std::any_of(node.rt_info.begin(), node.rt_info.end(),
                           [](const auto& kv) { return !is_layout_key(kv.first); });
  if (names.empty() && !flags) return;
  pugi::xml_node rt_info = layer.append_child("rt_info");
  if (!names.empty()) {
    std::string joined;
    for (const std::string& name : names) joined += (joined.empty() ? "" : ",") + name;
    pugi::xml_node attribute = rt_info.append_child("attribute");
    set_attr(attribute, "name", "fused_names");
    set_attr(attribute, "version", "0");
    set_attr(attribute, "value", joined);
  }
  // Flags such as "decompression" have no value; others carry one.
  for (const auto& [key, value] : node.rt_info) {
    if (is_layout_key(key)) continue;
    pugi::xml_node attribute = rt_info.append_child("attribute");
    set_attr(attribute, "name", key);
    set_attr(attribute, "version", "0");
    if (!value.empty()) set_attr(attribute, "value", value);
  }
}

void add_port(pugi::xml_node parent, size_t id, const OutputInfo& info, bool with_names,
              const std::string& layout = "") {
  pugi::xml_node port = parent.append_child("port");
  set_attr(port, "id", std::to_string(id));
  set_attr(port, "precision", std::string(precision_name(info.type)));
  if (with_names && !info.names.empty()) set_attr(port, "names", join_tensor_names(info.names));
  // A dynamic rank has no <dim> list; the reader takes shapes from inference, not from ports.
  if (!info.shape.rank_known()) return;
  for (int64_t d : info.shape.dims())
    port.append_child("dim").text().set(std::to_string(d < 0 ? -1 : d).c_str());
  if (layout.empty()) return;
  pugi::xml_node attribute = port.append_child("rt_info").append_child("attribute");
  set_attr(attribute, "name", kLayoutKey);
  set_attr(attribute, "version", "0");
  set_attr(attribute, kLayoutKey, layout);
}

void add_ports(pugi::xml_node layer, const IrLayer& entry, const Graph& graph) {
  const Node& node = *entry.node;
  if (entry.input_count > 0) {
    pugi::xml_node inputs = layer.append_child("input");
    for (size_t i = 0; i < entry.input_count; ++i)
      add_port(inputs, i, graph.output_info(node.input(i)), false);
  }
  if (!node.outputs.empty()) {
    pugi::xml_node outputs = layer.append_child("output");
    for (size_t k = 0; k < node.outputs.size(); ++k) {
      auto layout = node.rt_info.find(layout_key(k));
      add_port(outputs, entry.input_count + k, node.outputs[k], true,
               layout != node.rt_info.end() ? layout->second : std::string());
    }
  }
}

void add_edges(pugi::xml_node net, const IrLayerPlan& plan) {
  std::vector<std::array<size_t, 4>> edges;  // from-layer, from-port, to-layer, to-port
  for (size_t to = 0; to < plan.layers.size(); ++to) {
    const IrLayer& entry = plan.layers[to];
    for (size_t i = 0; i < entry.input_count; ++i) {
      Value v = entry.node->input(i);
      edges.push_back({plan.layer_of_node.at(v.node), plan.output_port(v), to, i});
    }
  }
  std::sort(edges.begin(), edges.end());
  pugi::xml_node element = net.append_child("edges");
  for (const auto& e : edges) {
    pugi::xml_node edge = element.append_child("edge");
    set_attr(edge, "from-layer", std::to_string(e[0]));
    set_attr(edge, "from-port", std::to_string(e[1]));
    set_attr(edge, "to-layer", std::to_string(e[2]));
    set_attr(edge, "to-port", std::to_string(e[3]));
  }
}

// Conservative: ASCII letters, digits, '_', '-', '.', not starting with a digit, '-', '.' or
// the reserved "xml" prefix. No ':' (namespaces).
bool is_plain_xml_name(std::string_view key) {
  if (key.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(key[0])) return false;
  for (char c : key)
    if (!alpha(c) && !digit(c) && c != '-' && c != '.') return false;
  std::string prefix(key.substr(0, 3));
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return prefix != "xml";
}

void add_model_rt_info(pugi::xml_node net, const IrWriteOptions& options) {
  pugi::xml_node rt_info = net.append_child("rt_info");
  set_attr(rt_info.append_child("remo_version"), "value", REMO_VERSION);
  if (options.conversion_parameters.empty()) return;
  pugi::xml_node params = rt_info.append_child("conversion_parameters");
  std::set<std::string> seen;
  for (const auto& [key, value] : options.conversion_parameters) {
    check(seen.insert(key).second, "conversion parameter '" + key + "' is given twice");
    // The reader takes the key from a `name` attribute when there is one, else the tag name.
    pugi::xml_node entry;
    if (is_plain_xml_name(key)) {
      entry = params.append_child(key.c_str());
    } else {
      entry = params.append_child("info");
      set_attr(entry, "name", key);
    }
    set_attr(entry, "value", value);
  }
}

// Upper bound of the escaped length of `text` in an attribute (&quot; is the longest escape).
size_t escaped_size_bound(std::string_view text) {
  size_t size = 0;
  for (unsigned char c : text)
    size += (c < 0x20 || c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') ? 6 : 1;
  return size;
}

}  // namespace

void build_ir_document(pugi::xml_document& doc, const Graph& graph, const IrLayerPlan& plan,
                       const IrWriteOptions& options, IrBinWriter& bin) {
  pugi::xml_node net = doc.append_child("net");
  // Runtimes before ~2024.5 look for `version` only in the first 512 bytes of the file; a long
  // name written first could push it out.
  const bool version_first = escaped_size_bound(options.model_name) > 400;
  if (version_first) set_attr(net, "version", "11");
  set_attr(net, "name", options.model_name);
  if (!version_first) set_attr(net, "version", "11");

  add_layers_and_edges(net, graph, plan, bin, options.custom_ops);
  add_model_rt_info(net, options);
}

void add_layers_and_edges(pugi::xml_node net, const Graph& graph, const IrLayerPlan& plan, IrBinWriter& bin,
                          const CustomOpRegistry* custom) {
  pugi::xml_node layers = net.append_child("layers");
  for (size_t id = 0; id < plan.layers.size(); ++id) {
    const IrLayer& entry = plan.layers[id];
    pugi::xml_node layer = layers.append_child("layer");
    set_attr(layer, "id", std::to_string(id));
    set_attr(layer, "name", entry.node->name);
    set_attr(layer, "type", entry.def->ir_type);
    set_attr(layer, "version", entry.def->ir_version);
    add_data(layer, entry, bin);
    add_rt_info(layer, *entry.node);
    add_ports(layer, entry, graph);
    if (entry.def->has_bodies) add_body_elements(layer, entry, bin, custom);
  }
  add_edges(net, plan);
}

}  // namespace remo
