#include "engine/ir/ir_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <pugixml.hpp>
#include <unordered_map>

#include "engine/graph/buffer.h"
#include "engine/graph/error.h"
#include "engine/ir/ir_attr_text.h"
#include "engine/ops/body_ports.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

// What later layers need to know about a layer already turned into a node.
struct BuiltLayer {
  NodeId node;
  std::unordered_map<uint64_t, uint32_t> output_index_of_port;
};

struct PortRef {
  uint64_t layer;
  uint64_t port;
  auto operator<=>(const PortRef&) const = default;
};

std::string required_attr(pugi::xml_node element, const char* name) {
  pugi::xml_attribute attr = element.attribute(name);
  check(!attr.empty(), std::string("<") + element.name() + "> lacks the attribute '" + name + "'");
  return attr.value();
}

uint64_t required_uint(pugi::xml_node element, const char* name) {
  return static_cast<uint64_t>(
      std::get<int64_t>(parse_attr_value(AttrKind::Int, required_attr(element, name))));
}

// Parameter's shape as PartialShape::to_ir_string writes it: "1,?,3", "" for a scalar. The
// Parameter schema spells a dynamic dimension -1.
std::vector<int64_t> parse_parameter_dims(const std::string& text) {
  std::string dims;
  for (char c : text) dims += c == '?' ? std::string("-1") : std::string(1, c);
  return std::get<std::vector<int64_t>>(parse_attr_value(AttrKind::Ints, dims));
}

class IrReader {
 public:
  explicit IrReader(std::string xml_path) : xml_path_(std::move(xml_path)) {
    for (const OpDef& def : OpRegistry::instance().all())
      op_by_ir_name_.emplace(def.ir_type + "/" + def.ir_version, &def);
  }

  IrModel read() {
    pugi::xml_document doc;
    pugi::xml_parse_result parsed = doc.load_file(xml_path_.c_str());
    if (!parsed)
      throw Error(xml_path_ + ": not readable XML: " + parsed.description() + " at byte " +
                  std::to_string(parsed.offset));
    pugi::xml_node net = doc.child("net");
    check(net && std::string(net.attribute("version").value()) == "11",
          xml_path_ + ": not an OpenVINO IR v11 (<net version=\"11\">)");

    IrModel model{net.attribute("name").value(), std::make_unique<Graph>(), {}};
    try {
      read_net(net, *model.graph);
    } catch (const Error& e) {
      throw Error(xml_path_ + ": " + e.what());
    }
    for (pugi::xml_node entry : net.child("rt_info").child("conversion_parameters").children()) {
      pugi::xml_attribute name = entry.attribute("name");
      model.conversion_parameters.emplace_back(name ? name.value() : entry.name(),
                                               entry.attribute("value").value());
    }
    return model;
  }

 private:
  // What one <net> (or sub-graph <body>) being read knows: its layers' ids are its own.
  struct NetState {
    Graph* graph = nullptr;
    std::map<PortRef, PortRef> edges;  // to (layer, port) -> from (layer, port)
    std::unordered_map<uint64_t, BuiltLayer> built;
  };

  // Reads the layers and edges of `net` into `graph`; returns its layers by id.
  std::unordered_map<uint64_t, BuiltLayer> read_net(pugi::xml_node net, Graph& graph) {
    NetState state{&graph, {}, {}};
    NetState* outer = net_;
    net_ = &state;
    for (pugi::xml_node edge : net.child("edges").children("edge")) {
      PortRef to{required_uint(edge, "to-layer"), required_uint(edge, "to-port")};
      net_->edges[to] = PortRef{required_uint(edge, "from-layer"), required_uint(edge, "from-port")};
    }
    for (pugi::xml_node layer : net.child("layers").children("layer")) {
      try {
        read_layer(layer);
      } catch (const Error& e) {
        net_ = outer;
        throw Error("layer '" + std::string(layer.attribute("name").value()) + "' (id " +
                    layer.attribute("id").value() + "): " + e.what());
      }
    }
    net_ = outer;
    return std::move(state.built);
  }

  // A body element read into a Graph of its own, and its layer ids by Parameter/Result position.
  struct ReadBody {
    GraphPtr graph;
    std::unordered_map<uint64_t, int64_t> param_of_layer, result_of_layer;
  };

  ReadBody read_body(pugi::xml_node layer, const char* element) {
    pugi::xml_node body = layer.child(element);
    check(body, std::string("lacks its <") + element + ">");
    // Bodies are read recursively; a hostile file must not exhaust the stack.
    check(body_depth_ < kMaxBodyDepth, "bodies are nested more than " + std::to_string(kMaxBodyDepth) + " levels deep");
    struct DepthGuard {
      int& depth;
      explicit DepthGuard(int& d) : depth(++d) {}
      ~DepthGuard() { --depth; }
    } guard(body_depth_);
    ReadBody out{std::make_shared<Graph>(), {}, {}};
    std::unordered_map<uint64_t, BuiltLayer> layers;
    try {
      layers = read_net(body, *out.graph);
    } catch (const Error& e) {
      throw Error(std::string("<") + element + ">: " + e.what());
    }
    for (const auto& [id, built] : layers) {
      const auto& params = out.graph->parameters();
      const auto& results = out.graph->results();
      for (size_t i = 0; i < params.size(); ++i)
        if (params[i] == built.node) out.param_of_layer[id] = static_cast<int64_t>(i);
      for (size_t i = 0; i < results.size(); ++i)
        if (results[i] == built.node) out.result_of_layer[id] = static_cast<int64_t>(i);
    }
    return out;
  }

  static int64_t index_in(const std::unordered_map<uint64_t, int64_t>& map, uint64_t layer, const char* what) {
    auto it = map.find(layer);
    check(it != map.end(), "port map names body layer " + std::to_string(layer) + ", which is not a " + what);
    return it->second;
  }

  static SliceTie slice_of(pugi::xml_node port, int64_t outer, int64_t inner) {
    auto get = [&](const char* name, int64_t fallback) {
      pugi::xml_attribute a = port.attribute(name);
      return a ? std::get<int64_t>(parse_attr_value(AttrKind::Int, a.value())) : fallback;
    };
    return SliceTie{outer, inner, get("axis", 0), get("start", 0), get("stride", 1), get("part_size", 1), get("end", -1)};
  }

  // Turns <port_map>/<back_edges>/<body> (Loop, TensorIterator) or the then/else elements (If)
  // into the node's attributes (engine/ops/body_ports.h).
  void read_body_attrs(pugi::xml_node layer, const OpDef& def, size_t input_count, Attributes& attrs) {
    auto external = [](pugi::xml_node port) {
      return std::get<int64_t>(parse_attr_value(AttrKind::Int, required_attr(port, "external_port_id")));
    };
    auto internal = [](pugi::xml_node port) { return required_uint(port, "internal_layer_id"); };
    const auto outer_output = [&](int64_t id) {
      check(id >= static_cast<int64_t>(input_count), "output external_port_id " + std::to_string(id) +
                                                         " is not an output port of the layer");
      return id - static_cast<int64_t>(input_count);
    };
    if (def.name == "opset8.If") {
      IfPorts p;
      for (int branch = 0; branch < 2; ++branch) {
        ReadBody body = read_body(layer, branch == 0 ? "then_body" : "else_body");
        pugi::xml_node map = layer.child(branch == 0 ? "then_port_map" : "else_port_map");
        auto& inputs = branch == 0 ? p.then_inputs : p.else_inputs;
        auto& outputs = branch == 0 ? p.then_outputs : p.else_outputs;
        for (pugi::xml_node port : map.children("input"))
          inputs.push_back({external(port), index_in(body.param_of_layer, internal(port), "Parameter")});
        for (pugi::xml_node port : map.children("output"))
          outputs.push_back({outer_output(external(port)), index_in(body.result_of_layer, internal(port), "Result")});
        attrs[branch == 0 ? "then_body" : "else_body"] = body.graph;
      }
      write_if_ports(p, attrs);
      return;
    }
    ReadBody body = read_body(layer, "body");
    std::unordered_map<uint64_t, uint64_t> back_edge_to;  // parameter layer -> result layer
    for (pugi::xml_node edge : layer.child("back_edges").children("edge"))
      back_edge_to[required_uint(edge, "to-layer")] = required_uint(edge, "from-layer");
    LoopPorts p;
    pugi::xml_node map = layer.child("port_map");
    for (pugi::xml_node port : map.children("input")) {
      const int64_t param = index_in(body.param_of_layer, internal(port), "Parameter");
      if (std::string(port.attribute("purpose").value()) == "current_iteration") {
        p.current_iteration = param;
      } else if (port.attribute("axis")) {
        p.sliced_inputs.push_back(slice_of(port, external(port), param));
      } else if (auto edge = back_edge_to.find(internal(port)); edge != back_edge_to.end()) {
        p.merged_inputs.push_back({external(port), param, index_in(body.result_of_layer, edge->second, "Result")});
      } else {
        p.invariant_inputs.push_back({external(port), param});
      }
    }
    for (pugi::xml_node port : map.children("output")) {
      const int64_t result = index_in(body.result_of_layer, internal(port), "Result");
      if (std::string(port.attribute("purpose").value()) == "execution_condition") p.execution_condition = result;
      else if (port.attribute("axis")) p.concat_outputs.push_back(slice_of(port, outer_output(external(port)), result));
      else p.last_outputs.push_back({outer_output(external(port)), result});
    }
    attrs["body"] = body.graph;
    write_loop_ports(p, attrs, def.name == "opset5.Loop");
  }

  void read_layer(pugi::xml_node layer) {
    const uint64_t id = required_uint(layer, "id");
    const std::string type = required_attr(layer, "type");
    const std::string version = required_attr(layer, "version");
    auto def = op_by_ir_name_.find(type + "/" + version);
    check(def != op_by_ir_name_.end(), "no opset op has type " + type + " in " + version);

    std::vector<Value> inputs;
    for (pugi::xml_node port : layer.child("input").children("port")) {
      auto edge = net_->edges.find(PortRef{id, required_uint(port, "id")});
      check(edge != net_->edges.end(), "input port " + std::string(port.attribute("id").value()) +
                                      " has no incoming edge");
      inputs.push_back(producer(edge->second));
    }

    Attributes attrs = read_data(layer.child("data"), *def->second);
    if (def->second->has_bodies) read_body_attrs(layer, *def->second, inputs.size(), attrs);
    Node& node = make_op(*net_->graph, def->second->name, std::move(inputs), std::move(attrs),
                         required_attr(layer, "name"));
    BuiltLayer built{node.id(), {}};
    uint32_t index = 0;
    for (pugi::xml_node port : layer.child("output").children("port")) {
      check(index < node.outputs.size(), "lists more output ports than the op has");
      read_output_port(port, node.outputs[index]);
      built.output_index_of_port.emplace(required_uint(port, "id"), index++);
    }
    check(index == node.outputs.size(), "lists fewer output ports than the op has");
    for (pugi::xml_node attribute : layer.child("rt_info").children("attribute")) {
      const std::string key = attribute.attribute("name").value();
      if (key == "fused_names")
        node.fused_names = std::get<std::vector<std::string>>(
            parse_attr_value(AttrKind::Strings, attribute.attribute("value").value()));
      else
        node.rt_info[key] = attribute.attribute("value").value();  // e.g. decompression
    }
    // Layouts sit in the output ports' rt_info: "layout" for output 0, "layout:K" for output K.
    uint32_t k = 0;
    for (pugi::xml_node port : layer.child("output").children("port")) {
      for (pugi::xml_node attribute : port.child("rt_info").children("attribute"))
        if (std::string(attribute.attribute("name").value()) == "layout")
          node.rt_info[k == 0 ? std::string("layout") : "layout:" + std::to_string(k)] =
              attribute.attribute("layout").value();
      ++k;
    }
    check(net_->built.emplace(id, std::move(built)).second, "duplicate layer id");
  }

  Value producer(const PortRef& from) const {
    auto layer = net_->built.find(from.layer);
    check(layer != net_->built.end(), "input from layer " + std::to_string(from.layer) +
                                     ", which is not defined earlier in the file");
    auto output = layer->second.output_index_of_port.find(from.port);
    check(output != layer->second.output_index_of_port.end(),
          "input from port " + std::to_string(from.port) + " of layer " +
              std::to_string(from.layer) + ", which is not one of its output ports");
    return Value{layer->second.node, output->second};
  }

  Attributes read_data(pugi::xml_node data, const OpDef& def) {
    Attributes attrs;
    if (def.name == "opset1.Parameter") {
      const std::string shape = required_attr(data, "shape");
      const bool dynamic_rank = shape == "...";
      attrs["shape"] = dynamic_rank ? std::vector<int64_t>{} : parse_parameter_dims(shape);
      attrs["element_type"] = parse_attr_value(AttrKind::Type, required_attr(data, "element_type"));
      attrs["dynamic_rank"] = dynamic_rank;
    } else if (def.name == "opset1.Constant") {
      attrs["value"] = read_constant(data);
    } else {
      for (pugi::xml_attribute attr : data.attributes()) {
        const std::string name = attr.name();
        auto spec = std::find_if(def.attrs.begin(), def.attrs.end(),
                                 [&](const AttrSpec& s) { return s.name == name; });
        check(spec != def.attrs.end(), "unknown attribute '" + name + "'");
        try {
          attrs[name] = parse_attr_value(spec->kind, attr.value());
        } catch (const Error& e) {
          throw Error("attribute '" + name + "': " + e.what());
        }
      }
    }
    return attrs;
  }

  Tensor read_constant(pugi::xml_node data) {
    auto type = std::get<ElementType>(parse_attr_value(AttrKind::Type, required_attr(data, "element_type")));
    auto shape = std::get<std::vector<int64_t>>(parse_attr_value(AttrKind::Ints, required_attr(data, "shape")));
    const uint64_t offset = required_uint(data, "offset");
    const uint64_t size = required_uint(data, "size");
    if (!bin_) bin_ = MappedFile::open(std::filesystem::path(xml_path_).replace_extension(".bin").string());
    return Tensor(type, std::move(shape), std::make_shared<BufferView>(bin_, offset, size));
  }

  static void read_output_port(pugi::xml_node port, OutputInfo& out) {
    const std::string precision = required_attr(port, "precision");
    check(precision == precision_name(out.type), "output port " + std::string(port.attribute("id").value()) +
                                                     " says " + precision + ", inference gives " +
                                                     std::string(precision_name(out.type)));
    std::vector<int64_t> dims;
    for (pugi::xml_node dim : port.children("dim"))
      dims.push_back(std::get<int64_t>(parse_attr_value(AttrKind::Int, dim.text().get())));
    std::vector<int64_t> inferred;
    if (out.shape.rank_known())
      for (int64_t d : out.shape.dims()) inferred.push_back(d < 0 ? -1 : d);
    check(dims == inferred, "output port " + std::string(port.attribute("id").value()) + " has dims " +
                                shape_to_string(dims) + ", inference gives " + shape_to_string(inferred));
    out.names = split_tensor_names(port.attribute("names").value());
    std::sort(out.names.begin(), out.names.end());
  }

  std::string xml_path_;
  std::unordered_map<std::string, const OpDef*> op_by_ir_name_;
  NetState* net_ = nullptr;  // the net whose layers are being read
  static constexpr int kMaxBodyDepth = 32;
  int body_depth_ = 0;
  std::shared_ptr<const MappedFile> bin_;  // opened at the first Const
};

}  // namespace

IrModel read_ir(const std::string& xml_path) { return IrReader(xml_path).read(); }

}  // namespace remo
