#pragma once
// The parts of a sub-graph op's layer (If-8, Loop-5, TensorIterator-1) that other layers lack:
// its bodies (<body>, or <then_body>/<else_body>), each a nested net with its own layer ids and
// edges whose Consts share the model's .bin, the port maps tying the layer's ports to body
// Parameters and Results, and the back edges of loop-carried values.
#include <pugixml.hpp>

#include "engine/ir/ir_bin_writer.h"
#include "engine/ir/ir_layer_plan.h"

namespace remo {

// Appends the elements to `layer`; throws remo::Error naming the node when a body cannot be
// written.
void add_body_elements(pugi::xml_node layer, const IrLayer& entry, IrBinWriter& bin, const CustomOpRegistry* custom);

}  // namespace remo
