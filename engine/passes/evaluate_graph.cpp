#include "engine/passes/evaluate_graph.h"

#include <cmath>
#include <unordered_map>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

std::string label(const Node& n) { return "node '" + n.name + "' (" + n.op() + ")"; }

Tensor shape_of(const Node& n, const Tensor& input) {
  ElementType t = n.op() == "opset3.ShapeOf" ? n.attr<ElementType>("output_type") : ElementType::i64;
  const Shape& shape = input.shape();
  std::vector<uint8_t> bytes(byte_size(t, shape.size()));
  for (size_t k = 0; k < shape.size(); ++k) write_from_int64(t, bytes.data(), k, shape[k]);
  return Tensor::from_bytes(t, {static_cast<int64_t>(shape.size())}, std::move(bytes));
}

}  // namespace

std::vector<Tensor> evaluate_graph(const Graph& graph, const std::map<std::string, Tensor>& inputs) {
  std::unordered_map<NodeId, std::vector<Tensor>> values;
  auto value_of = [&](Value v) -> const Tensor& { return values.at(v.node).at(v.port); };
  for (NodeId id : graph.topological_order()) {
    const Node& n = graph.at(id);
    if (n.op() == "opset1.Parameter") {
      auto it = inputs.find(n.name);
      check(it != inputs.end(), "no value given for model input '" + n.name + "'");
      values[id] = {it->second};
      continue;
    }
    if (n.op() == "opset1.Result") {
      values[id] = {value_of(n.input(0))};
      continue;
    }
    if (n.op() == "opset1.Constant") {
      values[id] = {n.attr<Tensor>("value")};
      continue;
    }
    std::vector<Tensor> args;
    for (const Value& in : n.inputs()) args.push_back(in.valid() ? value_of(in) : Tensor());
    if (n.op() == "opset1.ShapeOf" || n.op() == "opset3.ShapeOf") {
      values[id] = {shape_of(n, args.at(0))};
      continue;
    }
    const OpDef* def = OpRegistry::instance().find(n.op());
    if (!def || !def->evaluate) throw Error(label(n) + " has no reference evaluator");
    try {
      values[id] = def->evaluate(n, args);
    } catch (const Error& e) {
      throw Error(label(n) + ": " + e.what());
    }
    check(values[id].size() >= n.outputs.size(), label(n) + ": the evaluator returned too few outputs");
  }
  std::vector<Tensor> out;
  for (NodeId id : graph.results()) out.push_back(values.at(id).at(0));
  return out;
}

double next_test_value(uint32_t& state, ElementType type) {
  state = state * 1103515245u + 12345u;
  double r = static_cast<double>((state >> 8) % 2001) / 1000.0 - 1.0;  // [-1, 1] in steps of 0.001
  if (is_floating(type)) return r * 2.0;
  if (type == ElementType::boolean) return (state >> 12) & 1;
  return std::round(r * 5.0);
}

std::map<std::string, Tensor> generated_inputs(const Graph& graph) {
  std::map<std::string, Tensor> out;
  uint32_t state = 12345;
  for (NodeId id : graph.parameters()) {
    const Node& p = graph.at(id);
    auto shape = p.outputs[0].shape.to_static();
    if (!shape)
      throw Error("input '" + p.name + "' has the dynamic shape " +
                  (p.outputs[0].shape.rank_known() ? shape_to_string(p.outputs[0].shape.dims()) : "of unknown rank") +
                  ": give it a static one with --input_shape to evaluate the model");
    ElementType type = p.outputs[0].type;
    size_t count = element_count(*shape);
    std::vector<uint8_t> bytes(byte_size(type, count));
    for (size_t i = 0; i < count; ++i) write_from_double(type, bytes.data(), i, next_test_value(state, type));
    out[p.name] = Tensor::from_bytes(type, *shape, std::move(bytes));
  }
  return out;
}

}  // namespace remo
