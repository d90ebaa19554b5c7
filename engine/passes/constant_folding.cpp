#include "engine/passes/constant_folding.h"

#include "engine/ops/op_registry.h"

namespace remo {
namespace {

// Folding a node that makes a much larger tensor than it reads (Broadcast, Tile...) would bloat
// the .bin; such results stay computed at run time.
constexpr size_t kMaxFoldedBytes = 64u << 20;

bool foldable(const Graph& g, const Node& n, const OpDef& def) {
  if (!def.evaluate || n.op() == "opset1.Constant" || n.op() == "opset1.ShapeOf" || n.op() == "opset3.ShapeOf")
    return false;
  if (n.inputs().empty()) return false;
  for (const Value& v : n.inputs())
    if (v.valid() && g.at(v.node).op() != "opset1.Constant") return false;
  size_t input_bytes = 0;
  for (const Value& v : n.inputs())
    if (v.valid()) input_bytes += g.at(v.node).attr<Tensor>("value").byte_count();
  for (const OutputInfo& o : n.outputs) {
    auto shape = o.shape.to_static();
    if (!shape || bit_width(o.type) == 0) return false;
    size_t bytes = byte_size(o.type, element_count(*shape));
    if (bytes > kMaxFoldedBytes && bytes > 2 * input_bytes) return false;
  }
  return true;
}

}  // namespace

size_t fold_constants(Graph& g) {
  size_t folded = 0;
  for (NodeId id : g.topological_order()) {
    Node* n = g.node(id);
    if (!n) continue;
    const OpDef* def = OpRegistry::instance().find(n->op());
    if (!def || !foldable(g, *n, *def)) continue;
    std::vector<Tensor> inputs;
    for (const Value& v : n->inputs())
      inputs.push_back(v.valid() ? g.at(v.node).attr<Tensor>("value") : Tensor{});
    std::vector<Tensor> outputs = def->evaluate(*n, inputs);
    if (outputs.size() < n->outputs.size()) continue;  // the evaluator declined (a Loop too long to run here)
    const std::string name = n->name;
    const std::vector<std::string> fused = n->fused_names;
    const std::string created_by = n->created_by;
    std::vector<Value> replacements;
    for (uint32_t p = 0; p < outputs.size() && p < n->outputs.size(); ++p) {
      Node& c = make_op(g, "opset1.Constant", {}, {{"value", outputs[p]}},
                        g.unique_name(name + (p ? "/out" + std::to_string(p) : "/folded")));
      c.fused_names = fused;
      c.created_by = created_by;
      g.replace_uses(n->output(p), c.output());
      replacements.push_back(c.output());
    }
    g.remove_node(id);
    if (replacements.size() == 1 && !g.find_node(name)) g.rename(replacements[0].node, name);
    ++folded;
  }
  // Bodies of sub-graph ops fold on their own: their Parameters are not constants.
  for (NodeId id = 0; id < g.id_limit(); ++id)
    if (Node* n = g.node(id))
      for (auto& [key, value] : n->attrs)
        if (auto* body = std::get_if<GraphPtr>(&value); body && *body) folded += fold_constants(**body);
  return folded;
}

}  // namespace remo
