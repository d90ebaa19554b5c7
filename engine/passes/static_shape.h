#pragma once
#include "engine/graph/graph.h"

namespace remo {

// --static_shape: every ShapeOf whose input shape is fully static becomes a Constant, so the
// shape sub-graphs behind it fold away (the IR then only runs at these input shapes). Returns
// how many ShapeOf nodes were replaced.
size_t freeze_static_shapes(Graph& graph);

}  // namespace remo
