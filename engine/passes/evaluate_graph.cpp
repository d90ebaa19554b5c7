#include "engine/passes/evaluate_graph.h"

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

}  // namespace remo
