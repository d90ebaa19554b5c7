#pragma once
#include "engine/graph/graph.h"

namespace remo {

// Replaces every node whose inputs are all Constants by the Constants of its evaluated outputs.
// ShapeOf is never folded, so shape sub-graphs keep the IR reshapeable. Returns the folded count.
size_t fold_constants(Graph& graph);

}  // namespace remo
