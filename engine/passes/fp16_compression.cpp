#include "engine/passes/fp16_compression.h"

#include <cmath>
#include <cstdio>

#include "engine/ops/op_registry.h"

namespace remo {
namespace {

constexpr double kF16Max = 65504.0;

// Nodes that compute shapes: everything reachable from a ShapeOf.
std::vector<bool> shape_computing(const Graph& g) {
  std::vector<bool> marked(g.id_limit(), false);
  for (NodeId id : g.topological_order()) {
    const Node& n = g.at(id);
    bool from_shape = n.type() == "ShapeOf";
    for (const Value& v : n.inputs()) from_shape = from_shape || (v.valid() && marked[v.node]);
    marked[id] = from_shape;
  }
  return marked;
}

// Consumers whose result depends on the exact value (output sizes), not just on arithmetic:
// Interpolate's sizes/scales/axes, Range, and any arithmetic on shapes.
bool precision_sensitive(const Graph& g, const Node& c, const std::vector<bool>& shape_nodes) {
  for (const Use& u : c.uses(0)) {
    const std::string type = g.at(u.node).type();
    if ((type == "Interpolate" && u.port >= 1) || type == "Range" || shape_nodes[u.node]) return true;
  }
  return false;
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

Fp16CompressionResult compress_weights_to_fp16(Graph& g) {
  Fp16CompressionResult result;
  const std::vector<bool> shape_nodes = shape_computing(g);
  for (NodeId id : g.topological_order()) {
    Node* c = g.node(id);
    if (!c || c->op() != "opset1.Constant") continue;
    const Tensor& value = c->attr<Tensor>("value");
    if (value.type() != ElementType::f32 || value.element_count() == 0 || c->uses(0).empty()) continue;
    if (precision_sensitive(g, *c, shape_nodes)) continue;
    const size_t n = value.element_count();
    std::vector<uint16_t> half(n);
    double err2 = 0, norm2 = 0, largest = 0;
    for (size_t i = 0; i < n; ++i) {
      float v = value.at<float>(i);
      half[i] = float_to_f16(v);
      if (!std::isfinite(v)) continue;  // inf and nan are kept as they are
      largest = std::max(largest, std::fabs(static_cast<double>(v)));
      double d = static_cast<double>(f16_to_float(half[i])) - v;
      err2 += d * d;
      norm2 += static_cast<double>(v) * v;
    }
    if (largest > kF16Max) {
      result.warnings.push_back("--compress_to_fp16: weight '" + c->name + "' stays f32: it holds " +
                                format_number(largest) + ", beyond f16's largest value 65504");
      continue;
    }
    double relative = norm2 > 0 ? std::sqrt(err2 / norm2) : 0;
    if (relative > kMaxFp16RelativeError) {
      result.warnings.push_back("--compress_to_fp16: weight '" + c->name + "' stays f32: f16 would change it by " +
                                format_number(relative) + " (relative L2 error; its values are too small for f16)");
      continue;
    }
    std::vector<Use> uses = c->uses(0);
    std::vector<std::string> names = std::move(c->outputs[0].names);
    c->outputs[0].names.clear();
    c->attrs["value"] = Tensor::from_values(ElementType::f16, value.shape(), half);
    infer_node(g, *c);
    Node& convert = make_op(g, "opset1.Convert", {c->output()}, {{"destination_type", ElementType::f32}},
                            g.unique_name(c->name + "/decompression"));
    c = g.node(id);  // make_op may have grown the node table
    convert.fused_names = c->fused_names;
    convert.rt_info["decompression"] = "";
    convert.outputs[0].names = std::move(names);
    for (const Use& u : uses) g.set_input(u.node, u.port, convert.output());
    ++result.compressed;
  }
  return result;
}

}  // namespace remo
