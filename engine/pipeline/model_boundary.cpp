#include "engine/pipeline/model_boundary.h"

#include <algorithm>

#include "engine/graph/error.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

bool has_tensor_name(const OutputInfo& info, const std::string& name) {
  return std::find(info.names.begin(), info.names.end(), name) != info.names.end();
}

// The output of some node that carries tensor name `name`, if any.
std::optional<Value> find_tensor(const Graph& g, const std::string& name) {
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (const Node* n = g.node(id); n && n->op() != "opset1.Result")
      for (uint32_t p = 0; p < n->outputs.size(); ++p)
        if (has_tensor_name(n->outputs[p], name)) return Value{id, p};
  return std::nullopt;
}

std::string port_range(size_t count) {
  return count == 0 ? "it has none" : "it has 0.." + std::to_string(count - 1);
}

// Where a cut goes: a tensor (all its consumers are cut off from its producer) or one input
// port of one node (only that edge is cut).
struct CutPoint {
  Value value;
  std::optional<Use> edge;  // set for "port:name"
};

CutPoint resolve(Graph& g, const std::string& option, const std::string& text, const std::string& name,
                 std::optional<int64_t> out_port, std::optional<int64_t> in_port) {
  const Node* node = g.find_node(name);
  if ((in_port || out_port) && !node) {
    // "x:0" may be a tensor's whole name (TensorFlow spells them so) rather than a port.
    std::string whole = in_port ? std::to_string(*in_port) + ":" + name : name + ":" + std::to_string(*out_port);
    if (auto v = find_tensor(g, whole)) return CutPoint{*v, std::nullopt};
  }
  if (in_port) {
    if (!node) throw Error(option + " '" + text + "': there is no node named '" + name + "'");
    if (*in_port < 0 || static_cast<size_t>(*in_port) >= node->inputs().size() || !node->input(*in_port).valid())
      throw Error(option + " '" + text + "': node '" + name + "' has no input port " + std::to_string(*in_port) +
                  " (" + port_range(node->inputs().size()) + ")");
    return CutPoint{node->input(*in_port), Use{node->id(), static_cast<uint32_t>(*in_port)}};
  }
  if (out_port) {
    if (!node) throw Error(option + " '" + text + "': there is no node named '" + name + "'");
    if (*out_port < 0 || static_cast<size_t>(*out_port) >= node->outputs.size())
      throw Error(option + " '" + text + "': node '" + name + "' has no output port " + std::to_string(*out_port) +
                  " (" + port_range(node->outputs.size()) + ")");
    return CutPoint{node->output(static_cast<uint32_t>(*out_port)), std::nullopt};
  }
  if (auto v = find_tensor(g, name)) return CutPoint{*v, std::nullopt};
  if (node) {
    if (node->op() == "opset1.Parameter" || option == "--output") return CutPoint{node->output(0), std::nullopt};
    // A node without a port: its only input that is not a constant (weights stay attached).
    std::vector<uint32_t> data_ports;
    for (uint32_t p = 0; p < node->inputs().size(); ++p)
      if (Value v = node->input(p); v.valid() && g.at(v.node).op() != "opset1.Constant") data_ports.push_back(p);
    if (data_ports.size() != 1)
      throw Error(option + " '" + text + "': node '" + name + "' has " + std::to_string(data_ports.size()) +
                  " non-constant inputs; say which with PORT:" + name);
    return CutPoint{node->input(data_ports[0]), Use{node->id(), data_ports[0]}};
  }
  throw Error(option + " '" + text + "': '" + name + "' is neither a tensor nor a node of the model");
}

std::string input_list(const Graph& g) {
  std::string known;
  for (NodeId id : g.parameters()) known += (known.empty() ? "" : ", ") + g.at(id).name;
  return known;
}

void set_parameter(Graph& g, Node& param, const PartialShape& shape, ElementType type) {
  param.attrs["dynamic_rank"] = !shape.rank_known();
  param.attrs["shape"] = shape.dims();
  param.attrs["element_type"] = type;
  infer_node(g, param);
}

// The Parameter that stands for `spec`: an existing model input, or a new one at a cut.
Node& parameter_for(Graph& g, const InputSpec& spec, std::vector<std::string>& warnings, const TensorProbe& probe) {
  CutPoint cut = resolve(g, "--input", spec.text, spec.name, spec.output_port, spec.input_port);
  Node& producer = g.at(cut.value.node);
  if (producer.op() == "opset1.Parameter" && !cut.edge) return producer;
  const OutputInfo info = g.output_info(cut.value);
  // The framework graph has no types or shapes yet: take them from the translated model.
  OutputInfo known = info;
  if (known.type == ElementType::dynamic && probe && !info.names.empty())
    if (auto probed = probe(info.names.front())) known = *probed;
  ElementType type = spec.type ? *spec.type : known.type;
  if (type == ElementType::dynamic) {
    type = ElementType::f32;
    if (!spec.value)
      warnings.push_back("--input '" + spec.text + "': the type of the cut tensor is not known; "
                         "the new input is f32 (give another with {type})");
  }
  // A tensor cut keeps the tensor's name. A cut of one input port cannot: the tensor may still
  // reach other readers, so the input is named after the port.
  std::string base = cut.edge ? g.at(cut.edge->node).name + "/placeholder_port_" + std::to_string(cut.edge->port)
                     : !info.names.empty() ? info.names.front()
                                           : spec.name;
  Node& param = make_op(g, "opset1.Parameter", {},
                        {{"element_type", type}, {"shape", known.shape.dims()}, {"dynamic_rank", !known.shape.rank_known()}},
                        g.unique_name(base));
  if (cut.edge) {
    param.outputs[0].names = {param.name};
    g.set_input(cut.edge->node, cut.edge->port, param.output());
  } else {
    // The tensor keeps its name on the new input.
    param.outputs[0].names = info.names;
    g.replace_uses(cut.value, param.output(), /*move_names=*/false);
    g.at(cut.value.node).outputs[cut.value.port].names.clear();
  }
  return param;
}

Tensor frozen_value(const InputSpec& spec, const Node& param) {
  const OutputInfo& out = param.outputs[0];
  ElementType type = spec.type ? *spec.type : out.type;
  const std::vector<double>& values = *spec.value;
  Shape shape;
  if (spec.shape) {
    auto s = spec.shape->to_static();
    if (!s) throw Error("--input '" + spec.text + "': a frozen value needs a static shape");
    shape = *s;
  } else if (auto s = out.shape.to_static(); s && element_count(*s) == values.size()) {
    shape = *s;
  } else if (values.size() != 1) {
    shape = {static_cast<int64_t>(values.size())};
  }
  size_t count = element_count(shape);
  if (values.size() != count && values.size() != 1)
    throw Error("--input '" + spec.text + "': " + std::to_string(values.size()) + " values for shape " +
                shape_to_string(shape) + ", which holds " + std::to_string(count));
  std::vector<double> filled(count, values.front());
  if (values.size() == count) filled = values;
  return store_values(type, shape, filled, IntRounding::truncate);
}

void freeze(Graph& g, Node& param, const InputSpec& spec) {
  Tensor value = frozen_value(spec, param);
  Node& c = make_op(g, "opset1.Constant", {}, {{"value", std::move(value)}}, g.unique_name(param.name + "/frozen"));
  g.replace_uses(param.output(), c.output());
  g.remove_node(param.id());
}

// The N of the input's layout when --layout or --source_layout gives one, else dimension 0.
size_t batch_axis(const ModelEditOptions& edits, const Node& param, size_t rank) {
  size_t unnamed = 0;
  for (const LayoutSpec& l : edits.layouts) unnamed += l.input.empty();
  for (const LayoutSpec& l : edits.layouts) {
    bool mine = l.input.empty() ? unnamed == 1 : (l.input == param.name || has_tensor_name(param.outputs[0], l.input));
    auto n = std::find(l.source.begin(), l.source.end(), "N");
    if (mine && n != l.source.end() && l.source.size() == rank) return n - l.source.begin();
  }
  return 0;
}

}  // namespace

void apply_output_cut(Graph& g, const std::vector<OutputSpec>& specs) {
  if (specs.empty()) return;
  std::vector<Value> values;
  for (const OutputSpec& s : specs)
    values.push_back(resolve(g, "--output", s.text, s.name, s.output_port, s.input_port).value);
  std::vector<NodeId> old = g.results();
  for (NodeId id : old) g.remove_node(id);
  for (Value v : values) {
    const OutputInfo& info = g.output_info(v);
    std::string base = !info.names.empty() ? info.names.front() : g.at(v.node).name;
    make_op(g, "opset1.Result", {v}, {}, g.unique_name(base + "/sink_port_0"));
  }
  g.remove_dead_nodes();
}

std::vector<std::string> apply_input_edits(Graph& g, const ModelEditOptions& edits, const TensorProbe& probe) {
  std::vector<std::string> warnings;
  const auto& specs = edits.inputs;
  const auto& shapes = edits.input_shapes;
  if (!shapes.empty() && !specs.empty() && shapes.size() != specs.size())
    throw Error("--input names " + std::to_string(specs.size()) + " inputs but --input_shape gives " +
                std::to_string(shapes.size()) + " shapes");
  if (!shapes.empty() && specs.empty()) {
    if (shapes.size() != g.parameters().size())
      throw Error("--input_shape gives " + std::to_string(shapes.size()) + " shapes but the model has " +
                  std::to_string(g.parameters().size()) + " inputs (" + input_list(g) + "); name them with --input");
    std::vector<NodeId> params = g.parameters();
    for (size_t i = 0; i < shapes.size(); ++i) {
      Node& p = g.at(params[i]);
      set_parameter(g, p, shapes[i], p.attr<ElementType>("element_type"));
    }
  }
  bool cut = false;
  for (size_t i = 0; i < specs.size(); ++i) {
    const InputSpec& spec = specs[i];
    if (spec.shape && !shapes.empty())
      throw Error("--input '" + spec.text + "' has a shape and --input_shape gives another; use one of them");
    size_t before = g.parameters().size();
    Node& param = parameter_for(g, spec, warnings, probe);
    cut = cut || g.parameters().size() != before;
    std::optional<PartialShape> shape = spec.shape ? spec.shape : shapes.empty() ? std::nullopt
                                                                                 : std::optional(shapes[i]);
    if (spec.value) {
      freeze(g, param, spec);
      continue;
    }
    ElementType type = spec.type ? *spec.type : param.attr<ElementType>("element_type");
    set_parameter(g, param, shape ? *shape : param.outputs[0].shape, type);
  }
  if (cut) {
    // Inputs that fed only the part cut away are no longer model inputs.
    std::vector<NodeId> before = g.parameters();
    g.remove_dead_nodes();
    for (NodeId id : before) {
      const Node& p = g.at(id);
      if (p.uses(0).empty() && std::none_of(specs.begin(), specs.end(), [&](const InputSpec& s) {
            return s.name == p.name || has_tensor_name(p.outputs[0], s.name);
          }))
        g.remove_node(id);
    }
  }
  if (edits.batch) {
    if (*edits.batch <= 0) throw Error("--batch " + std::to_string(*edits.batch) + ": expected a positive number");
    for (NodeId id : g.parameters()) {
      Node& p = g.at(id);
      const PartialShape& s = p.outputs[0].shape;
      if (!s.rank_known() || s.rank() == 0)
        throw Error("--batch: input '" + p.name + "' has " + (s.rank_known() ? "rank 0" : "a dynamic rank") +
                    ", so it has no batch dimension; give its shape with --input_shape instead");
      std::vector<int64_t> dims = s.dims();
      dims[batch_axis(edits, p, s.rank())] = *edits.batch;
      set_parameter(g, p, PartialShape(dims), p.attr<ElementType>("element_type"));
    }
  }
  return warnings;
}

}  // namespace remo
