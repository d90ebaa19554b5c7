#include "engine/passes/static_shape.h"

#include "engine/ops/op_helpers.h"
#include "engine/ops/op_registry.h"

namespace remo {

size_t freeze_static_shapes(Graph& g) {
  size_t count = 0;
  for (NodeId id : g.topological_order()) {
    Node* n = g.node(id);
    if (!n || (n->op() != "opset1.ShapeOf" && n->op() != "opset3.ShapeOf")) continue;
    auto shape = g.output_info(n->input(0)).shape.to_static();
    if (!shape) continue;
    ElementType type = n->outputs[0].type;
    std::string name = n->name;
    Node& c = make_op(g, "opset1.Constant", {}, {{"value", int_tensor(type, *shape)}}, g.unique_name(name + "/static"));
    c.fused_names = n->fused_names;
    g.replace_uses(n->output(), c.output());
    g.remove_node(id);
    g.rename(c.id(), name);
    ++count;
  }
  return count;
}

}  // namespace remo
