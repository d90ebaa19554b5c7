#pragma once
#include <string>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

// Overrides model input shapes as --input / --input_shape ask: by name when names are given,
// else in input order. Throws remo::Error for an unknown name or a count mismatch.
void apply_input_shapes(Graph& graph, const std::vector<std::string>& names,
                        const std::vector<PartialShape>& shapes);

}  // namespace remo
