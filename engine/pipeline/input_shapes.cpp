#include "engine/pipeline/input_shapes.h"

#include <algorithm>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

void set_shape(Graph& g, Node& param, const PartialShape& shape) {
  param.attrs["dynamic_rank"] = !shape.rank_known();
  param.attrs["shape"] = shape.dims();
  infer_node(g, param);
}

bool has_name(const Node& param, const std::string& name) {
  const auto& names = param.outputs[0].names;
  return param.name == name || std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

void apply_input_shapes(Graph& g, const std::vector<std::string>& names,
                        const std::vector<PartialShape>& shapes) {
  if (shapes.empty()) return;
  const auto& params = g.parameters();
  if (names.empty()) {
    check(shapes.size() == params.size(),
          "--input_shape gives " + std::to_string(shapes.size()) + " shapes but the model has " +
              std::to_string(params.size()) + " inputs; name them with --input");
    for (size_t i = 0; i < shapes.size(); ++i) set_shape(g, g.at(params[i]), shapes[i]);
    return;
  }
  check(names.size() == shapes.size(), "--input names " + std::to_string(names.size()) + " inputs but --input_shape gives " +
                                           std::to_string(shapes.size()) + " shapes");
  for (size_t i = 0; i < names.size(); ++i) {
    auto it = std::find_if(params.begin(), params.end(), [&](NodeId id) { return has_name(g.at(id), names[i]); });
    if (it == params.end()) {
      std::string known;
      for (NodeId id : params) known += (known.empty() ? "" : ", ") + g.at(id).name;
      throw Error("--input names '" + names[i] + "', which is not a model input (inputs: " + known + ")");
    }
    set_shape(g, g.at(*it), shapes[i]);
  }
}

}  // namespace remo
