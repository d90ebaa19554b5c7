#include "frontends/onnx/onnx_graph_builder.h"

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "frontends/onnx/onnx_attributes.h"
#include "frontends/onnx/onnx_element_types.h"
#include "frontends/onnx/onnx_limits.h"
#include "frontends/onnx/onnx_tensor.h"

namespace remo::onnx_import {
namespace {

// An initializer's TensorProto with, for top-level ones, its raw_data mapped in place.
struct InitializerRef {
  const onnx::TensorProto* proto;
  std::shared_ptr<const Buffer> mapped_raw_data;
};

struct Context {
  const std::set<std::string>& domains;
  ExternalData& external;
};

std::string domain_of(const onnx::NodeProto& node) {
  return node.domain().empty() ? "ai.onnx" : node.domain();
}

std::string qualified_op(const onnx::NodeProto& node) {
  const std::string domain = domain_of(node);
  return (domain == "ai.onnx" ? std::string("onnx") : domain) + "." + node.op_type();
}

// The name a node goes by: its own, else its first output's (exporters often leave node names
// empty); empty if it has neither.
std::string node_name(const onnx::NodeProto& node) {
  if (!node.name().empty()) return node.name();
  for (const std::string& out : node.output())
    if (!out.empty()) return out;
  return {};
}

// "node 'conv1' (onnx.Conv)" for messages; "node '#3' (onnx.Relu)" when it has no name at all.
std::string node_label(const onnx::NodeProto& node, int index) {
  std::string name = node_name(node);
  if (name.empty()) name = std::string("#").append(std::to_string(index));
  return "node '" + name + "' (" + qualified_op(node) + ")";
}

// Parameter attributes from an input's declared type; whatever is not declared stays dynamic.
Attributes parameter_attrs(const onnx::ValueInfoProto& input) {
  const onnx::TypeProto& type = input.type();
  if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET)
    return {{"element_type", ElementType::dynamic}, {"dynamic_rank", true}};
  if (!type.has_tensor_type())
    throw Error("is not a tensor (sequence, map, optional and sparse inputs are not supported)");
  const onnx::TypeProto::Tensor& tensor = type.tensor_type();
  ElementType element = ElementType::dynamic;
  if (tensor.elem_type() != onnx::TensorProto::UNDEFINED) {
    std::optional<ElementType> t = element_type_from_onnx(tensor.elem_type());
    if (!t) throw Error(unsupported_type_message(tensor.elem_type()));
    element = *t;
  }
  if (!tensor.has_shape()) return {{"element_type", element}, {"dynamic_rank", true}};
  std::vector<int64_t> dims;
  for (const auto& dim : tensor.shape().dim())  // dim_param, no value, or a bogus negative: unknown
    dims.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : kDynamicDim);
  return {{"shape", std::move(dims)}, {"element_type", element}};
}

// The outer names a node's bodies capture, in the order they are appended to its inputs.
std::vector<std::string> captured_names(const Attributes& attrs) {
  std::vector<std::string> names;
  for (const auto& [key, value] : attrs) {
    if (key.size() <= kCapturesSuffix.size() ||
        key.compare(key.size() - kCapturesSuffix.size(), kCapturesSuffix.size(), kCapturesSuffix) != 0)
      continue;
    const auto& list = std::get<std::vector<std::string>>(value);
    names.insert(names.end(), list.begin(), list.end());
  }
  return names;
}

// Builds one graph (the main one or a body). Names are declared before any node is created, so a
// body can tell whether a name it reads belongs to an enclosing graph even if the producer comes
// later in the file.
class GraphBuilder {
 public:
  GraphBuilder(Graph& graph, const Context& ctx, const GraphBuilder* parent, int depth)
      : graph_(graph), ctx_(ctx), parent_(parent), depth_(depth) {}

  void build(const onnx::GraphProto& proto, const std::vector<InitializerRef>& initializers) {
    if (proto.sparse_initializer_size() > 0)
      throw Error("sparse initializer '" + proto.sparse_initializer(0).values().name() +
                  "' is not supported");
    declare_names(proto, initializers);
    add_initializers(initializers);
    add_inputs(proto);
    std::vector<PendingNode> nodes = add_nodes(proto);
    for (const PendingNode& node : nodes) wire_inputs(node);
    add_results(proto);
  }

  // Outer names this (body) graph reads, in the order of its extra Parameters.
  const std::vector<std::string>& captures() const { return captures_; }

 private:
  // A node created without inputs, to be wired once every producer exists.
  struct PendingNode {
    NodeId id;
    const onnx::NodeProto* proto;
    std::string label;
    std::vector<std::string> captures;
  };

  void declare(const std::string& name, const std::string& producer) {
    check_string(name, "tensor name");
    auto [it, added] = producers_.emplace(name, producer);
    if (!added)
      throw Error("tensor '" + name + "' is produced twice: by " + it->second + " and by " + producer);
  }

  void declare_names(const onnx::GraphProto& proto, const std::vector<InitializerRef>& initializers) {
    std::unordered_set<std::string> initializer_names;
    for (const InitializerRef& init : initializers) {
      if (init.proto->name().empty()) throw Error("an initializer has no name");
      declare(init.proto->name(), "an initializer");
      initializer_names.insert(init.proto->name());
    }
    for (int i = 0; i < proto.input_size(); ++i) {
      const std::string& name = proto.input(i).name();
      if (name.empty()) throw Error("graph input #" + std::to_string(i) + " has no name");
      if (initializer_names.count(name)) continue;  // the initializer is its default: a constant
      declare(name, "a graph input");
    }
    for (int i = 0; i < proto.node_size(); ++i) {
      const onnx::NodeProto& node = proto.node(i);
      for (const std::string& out : node.output())
        if (!out.empty()) declare(out, node_label(node, i));
    }
  }

  void add_initializers(const std::vector<InitializerRef>& initializers) {
    for (const InitializerRef& init : initializers) {
      const std::string& name = init.proto->name();
      Tensor value = tensor_from_onnx(*init.proto, init.mapped_raw_data, ctx_.external);
      Node& node = make_op(graph_, "opset1.Constant", {}, {{"value", std::move(value)}},
                           graph_.unique_name(name));
      node.outputs[0].names = {name};
      values_[name] = node.output();
    }
  }

  void add_inputs(const onnx::GraphProto& proto) {
    for (const onnx::ValueInfoProto& input : proto.input()) {
      if (values_.count(input.name())) continue;  // an initializer: already a Constant
      Attributes attrs;
      try {
        attrs = parameter_attrs(input);
      } catch (const Error& e) {
        throw Error("graph input '" + input.name() + "' " + e.what());
      }
      Node& node = make_op(graph_, "opset1.Parameter", {}, std::move(attrs), graph_.unique_name(input.name()));
      node.outputs[0].names = {input.name()};
      values_[input.name()] = node.output();
    }
  }

  std::vector<PendingNode> add_nodes(const onnx::GraphProto& proto) {
    std::vector<PendingNode> pending;
    for (int i = 0; i < proto.node_size(); ++i) {
      const onnx::NodeProto& node = proto.node(i);
      const std::string label = node_label(node, i);
      check_string(node.name(), "node name");
      check_string(node.op_type(), "op type");
      check_string(node.domain(), "domain");
      if (node.op_type().empty()) throw Error(label + " has no op_type");
      if (!ctx_.domains.count(domain_of(node)))
        throw Error(label + ": the model imports no opset for domain '" + domain_of(node) + "'");
      Attributes attrs;
      try {
        attrs = convert_attributes(node, ctx_.external, [this](const onnx::GraphProto& body,
                                                               std::vector<std::string>& captures) {
          return read_subgraph(body, captures);
        });
      } catch (const Error& e) {
        throw Error(label + ": " + e.what());
      }
      const std::string name = node_name(node).empty() ? node.op_type() : node_name(node);
      std::vector<std::string> captures = captured_names(attrs);
      Node& created = graph_.add_node(qualified_op(node), graph_.unique_name(name), {}, std::move(attrs),
                                      static_cast<size_t>(node.output_size()));
      for (int j = 0; j < node.output_size(); ++j) {
        if (node.output(j).empty()) continue;  // an omitted optional output
        created.outputs[j].names = {node.output(j)};
        values_[node.output(j)] = created.output(static_cast<uint32_t>(j));
      }
      pending.push_back(PendingNode{created.id(), &node, label, std::move(captures)});
    }
    return pending;
  }

  void wire_inputs(const PendingNode& node) {
    int count = node.proto->input_size();
    while (count > 0 && node.proto->input(count - 1).empty()) --count;
    for (int k = 0; k < count; ++k) {
      const std::string& name = node.proto->input(k);
      Value value;
      if (!name.empty()) {
        value = resolve(name);
        if (!value.valid())
          throw Error(node.label + ": input '" + name +
                      "' is not produced by any node, graph input or initializer");
      }
      graph_.add_input(node.id, value);
    }
    // Declared by this graph or an enclosing one (that is why the body captured them), so they
    // always resolve.
    for (const std::string& name : node.captures) graph_.add_input(node.id, resolve(name));
  }

  void add_results(const onnx::GraphProto& proto) {
    for (int i = 0; i < proto.output_size(); ++i) {
      const std::string& name = proto.output(i).name();
      if (name.empty()) throw Error("graph output #" + std::to_string(i) + " has no name");
      Value value = resolve(name);
      if (!value.valid())
        throw Error("graph output '" + name + "' is not produced by any node, graph input or initializer");
      make_op(graph_, "opset1.Result", {value}, {}, graph_.unique_name(name + "/sink_port_0"));
    }
  }

  GraphPtr read_subgraph(const onnx::GraphProto& body, std::vector<std::string>& captures) {
    if (const int max_depth = max_graph_depth(); depth_ >= max_depth)
      throw Error(limit_message(kMaxGraphDepth, "sub-graphs are nested more than " + std::to_string(max_depth) +
                                                    " levels deep"));
    auto graph = std::make_shared<Graph>();
    GraphBuilder builder(*graph, ctx_, this, depth_ + 1);
    std::vector<InitializerRef> initializers;
    for (const onnx::TensorProto& t : body.initializer()) initializers.push_back({&t, nullptr});
    builder.build(body, initializers);
    captures = builder.captures();
    return graph;
  }

  bool defines(const std::string& name) const {
    return producers_.count(name) || (parent_ && parent_->defines(name));
  }

  // The value called `name`: this graph's own, or a captured one when an enclosing graph defines
  // it; an invalid Value if nothing does.
  Value resolve(const std::string& name) {
    if (auto it = values_.find(name); it != values_.end()) return it->second;
    if (!parent_ || !parent_->defines(name)) return Value{};
    Node& param = make_op(graph_, "opset1.Parameter", {},
                          {{"element_type", ElementType::dynamic}, {"dynamic_rank", true}},
                          graph_.unique_name(name));
    param.outputs[0].names = {name};
    values_[name] = param.output();
    captures_.push_back(name);
    return param.output();
  }

  Graph& graph_;
  const Context& ctx_;
  const GraphBuilder* parent_;
  int depth_;
  std::unordered_map<std::string, std::string> producers_;  // name -> what declares it
  std::unordered_map<std::string, Value> values_;
  std::vector<std::string> captures_;
};

}  // namespace

void build_graph(Graph& graph, const SplitGraph& split, const std::set<std::string>& domains,
                 ExternalData& external) {
  const Context ctx{domains, external};
  std::vector<InitializerRef> initializers;
  for (const MappedInitializer& init : split.initializers) initializers.push_back({&init.proto, init.raw_data});
  GraphBuilder(graph, ctx, nullptr, 0).build(split.graph, initializers);
}

}  // namespace remo::onnx_import
