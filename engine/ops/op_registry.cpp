#include "engine/ops/op_registry.h"

#include <algorithm>
#include <unordered_map>

#include "engine/graph/error.h"
#include "engine/ops/custom_ops.h"
#include "engine/ops/op_families.h"

namespace remo {

const OpRegistry& OpRegistry::instance() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    register_io_ops(r);
    register_arithmetic_ops(r);
    register_comparison_ops(r);
    register_math_ops(r);
    register_activation_ops(r);
    register_convolution_ops(r);
    register_pooling_ops(r);
    register_matmul_ops(r);
    register_normalization_ops(r);
    register_reduction_ops(r);
    register_reshape_ops(r);
    register_movement_ops(r);
    register_broadcast_ops(r);
    register_gather_ops(r);
    register_slice_ops(r);
    register_split_ops(r);
    register_pad_ops(r);
    register_interpolate_ops(r);
    register_convert_ops(r);
    register_range_ops(r);
    register_recurrent_ops(r);
    register_quantization_ops(r);
    register_subgraph_ops(r);
    register_scatter_ops(r);
    register_topk_ops(r);
    register_index_ops(r);
    register_trigonometric_ops(r);
    register_bitwise_ops(r);
    register_numeric_ops(r);
    register_log_softmax_ops(r);
    register_deconvolution_ops(r);
    register_lrn_ops(r);
    register_sampling_ops(r);
    register_signal_ops(r);
    register_deformable_ops(r);
    register_roi_pooling_ops(r);
    register_detection_ops(r);
    register_normalize_l2_ops(r);
    std::sort(r.ops_.begin(), r.ops_.end(),
              [](const OpDef& a, const OpDef& b) { return a.name < b.name; });
    return r;
  }();
  return registry;
}

const OpDef* OpRegistry::find(std::string_view name) const {
  auto it = std::lower_bound(ops_.begin(), ops_.end(), name,
                             [](const OpDef& d, std::string_view n) { return d.name < n; });
  return it != ops_.end() && it->name == name ? &*it : nullptr;
}

void OpRegistry::add(OpDef def) { ops_.push_back(std::move(def)); }

namespace {

std::string node_label(const std::string& name, const std::string& op) {
  return "node '" + name + "' (" + op + ")";
}

bool kind_matches(AttrKind kind, const AttrValue& v) {
  switch (kind) {
    case AttrKind::Bool: return std::holds_alternative<bool>(v);
    case AttrKind::Int: return std::holds_alternative<int64_t>(v);
    case AttrKind::Float: return std::holds_alternative<double>(v);
    case AttrKind::String: return std::holds_alternative<std::string>(v);
    case AttrKind::Ints: return std::holds_alternative<std::vector<int64_t>>(v);
    case AttrKind::Floats: return std::holds_alternative<std::vector<double>>(v);
    case AttrKind::Strings: return std::holds_alternative<std::vector<std::string>>(v);
    case AttrKind::Type: return std::holds_alternative<ElementType>(v);
    case AttrKind::Tensor: return std::holds_alternative<Tensor>(v);
    case AttrKind::Graph: return std::holds_alternative<GraphPtr>(v) && std::get<GraphPtr>(v) != nullptr;
  }
  return false;
}

const char* kind_name(AttrKind kind) {
  static const char* const kNames[] = {"bool", "int", "float", "string", "ints",
                                       "floats", "strings", "element type", "tensor", "graph"};
  return kNames[static_cast<int>(kind)];
}

// Converts values that are unambiguous (an int where a float is wanted, a bool given as 0/1,
// an empty list) so that rule authors need not care about number spelling.
void coerce(AttrKind kind, AttrValue& v) {
  if (kind == AttrKind::Float) {
    if (auto* i = std::get_if<int64_t>(&v)) v = static_cast<double>(*i);
  } else if (kind == AttrKind::Bool) {
    if (auto* i = std::get_if<int64_t>(&v); i && (*i == 0 || *i == 1)) v = *i == 1;
  } else if (kind == AttrKind::Floats) {
    if (auto* ints = std::get_if<std::vector<int64_t>>(&v))
      v = std::vector<double>(ints->begin(), ints->end());
  } else if (kind == AttrKind::Ints) {
    if (auto* f = std::get_if<std::vector<double>>(&v); f && f->empty()) v = std::vector<int64_t>{};
  } else if (kind == AttrKind::Type) {
    if (auto* s = std::get_if<std::string>(&v))
      if (auto t = parse_element_type(*s)) v = *t;
  }
}

}  // namespace

Node& make_op(Graph& graph, const std::string& op, std::vector<Value> inputs, Attributes attrs,
              const std::string& name, const CustomOpRegistry* custom) {
  const OpDef* def = find_op(op, custom);
  if (!def) throw Error(node_label(name, op) + ": unknown opset op '" + op + "'");
  const std::string label = node_label(name, op);
  check(inputs.size() >= def->min_inputs && inputs.size() <= def->max_inputs,
        label + ": takes " + std::to_string(def->min_inputs) +
            (def->max_inputs == def->min_inputs ? "" : ".." + (def->max_inputs == SIZE_MAX ? std::string("n") : std::to_string(def->max_inputs))) +
            " inputs, got " + std::to_string(inputs.size()));
  for (auto& [key, value] : attrs) {
    const std::string& name_of_attr = key;  // structured bindings cannot be captured before clang 16
    auto spec = std::find_if(def->attrs.begin(), def->attrs.end(),
                             [&](const AttrSpec& s) { return s.name == name_of_attr; });
    if (spec == def->attrs.end()) {
      if (def->free_attrs) continue;  // a custom op keeps its attributes as given
      throw Error(label + ": unknown attribute '" + key + "'");
    }
    coerce(spec->kind, value);
    check(kind_matches(spec->kind, value), label + ": attribute '" + key + "' must be " +
                                               kind_name(spec->kind) + ", got " + attr_kind_name(value));
    if (!spec->choices.empty()) {
      const auto& s = std::get<std::string>(value);
      if (std::find(spec->choices.begin(), spec->choices.end(), s) == spec->choices.end()) {
        std::string allowed;
        for (const auto& c : spec->choices) allowed += (allowed.empty() ? "" : ", ") + c;
        throw Error(label + ": attribute '" + key + "' is '" + s + "', expected one of: " + allowed);
      }
    }
  }
  for (const AttrSpec& spec : def->attrs) {
    if (attrs.count(spec.name)) continue;
    if (!spec.default_value) throw Error(label + ": missing required attribute '" + spec.name + "'");
    attrs.emplace(spec.name, *spec.default_value);
  }
  size_t outputs = def->output_count(attrs);
  if (def->output_count_from_inputs) {
    try {
      outputs = def->output_count_from_inputs(graph, inputs, attrs);
    } catch (const Error& e) {
      throw Error(label + ": " + e.what());
    }
  }
  Node& node = graph.add_node(op, name, std::move(inputs), std::move(attrs), outputs);
  try {
    InferContext ctx(graph, node);
    def->infer(ctx);
  } catch (...) {
    graph.remove_node(node.id());
    throw;
  }
  return node;
}

void infer_node(Graph& graph, Node& node, const CustomOpRegistry* custom) {
  const OpDef* def = find_op(node.op(), custom);
  if (!def) return;  // framework and custom ops keep whatever types they were given
  InferContext ctx(graph, node);
  def->infer(ctx);
}

std::optional<Tensor> InferContext::input_constant(size_t i) const {
  if (!has_input(i)) return std::nullopt;
  return try_fold(graph_, node_.input(i));
}

void InferContext::set_output(size_t i, ElementType type, PartialShape shape) {
  if (i >= node_.outputs.size()) fail("has no output " + std::to_string(i));
  node_.outputs[i].type = type;
  node_.outputs[i].shape = std::move(shape);
}

void InferContext::fail(const std::string& message) const {
  throw Error(node_label(node_.name, node_.op()) + ": " + message);
}

namespace {

constexpr int kMaxFoldDepth = 200;  // deeper chains are left unfolded rather than recursing on

std::optional<Tensor> fold(const Graph& graph, Value v, int depth,
                           std::unordered_map<NodeId, std::vector<Tensor>>& memo) {
  const Node* n = graph.node(v.node);
  if (!n || depth > kMaxFoldDepth) return std::nullopt;
  if (n->op() == "opset1.Constant") return n->attr<Tensor>("value");
  if (auto it = memo.find(n->id()); it != memo.end()) {
    if (v.port < it->second.size()) return it->second[v.port];
    return std::nullopt;
  }
  // ShapeOf needs only its input's shape, not its value.
  if (n->op() == "opset3.ShapeOf" || n->op() == "opset1.ShapeOf") {
    auto shape = graph.output_info(n->input(0)).shape.to_static();
    if (!shape) return std::nullopt;
    ElementType t = n->op() == "opset3.ShapeOf" ? n->attr<ElementType>("output_type") : ElementType::i64;
    Tensor out(t, {static_cast<int64_t>(shape->size())},
               std::make_shared<OwnedBuffer>(std::vector<uint8_t>(byte_size(t, shape->size()))));
    for (size_t k = 0; k < shape->size(); ++k)
      write_from_int64(t, const_cast<uint8_t*>(out.bytes()), k, (*shape)[k]);
    memo[n->id()] = {out};
    return out;
  }
  const OpDef* def = OpRegistry::instance().find(n->op());
  if (!def || !def->evaluate) return std::nullopt;
  std::vector<Tensor> inputs;
  for (const Value& in : n->inputs()) {
    if (!in.valid()) {
      inputs.emplace_back();
      continue;
    }
    auto t = fold(graph, in, depth + 1, memo);
    if (!t) return std::nullopt;
    inputs.push_back(std::move(*t));
  }
  std::vector<Tensor> outputs;
  try {
    outputs = def->evaluate(*n, inputs);
  } catch (const Error& e) {  // the consumer asking for the value is not the node that failed
    throw Error(node_label(n->name, n->op()) + ": " + e.what());
  }
  memo[n->id()] = outputs;
  if (v.port < outputs.size()) return outputs[v.port];
  return std::nullopt;
}

}  // namespace

std::optional<Tensor> try_fold(const Graph& graph, Value v) {
  std::unordered_map<NodeId, std::vector<Tensor>> memo;
  return fold(graph, v, 0, memo);
}

}  // namespace remo
