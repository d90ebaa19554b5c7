#pragma once
// Builds the IR v11 .xml document: <net>, one <layer> per planned node, <edges>, and the model
// <rt_info>. Constant bytes are handed to the .bin writer as their layers are built, since a
// Const layer records where its bytes went.
#include <pugixml.hpp>

#include "engine/ir/ir_bin_writer.h"
#include "engine/ir/ir_layer_plan.h"
#include "engine/ir/ir_writer.h"

namespace remo {

// Fills the empty `doc`. Throws remo::Error naming the node whose attributes cannot be written.
void build_ir_document(pugi::xml_document& doc, const Graph& graph, const IrLayerPlan& plan,
                       const IrWriteOptions& options, IrBinWriter& bin);

// Appends <layers> and <edges> for `graph` to `net` (the model's <net>, or a sub-graph op's
// <body>, whose layer ids form their own id space).
void add_layers_and_edges(pugi::xml_node net, const Graph& graph, const IrLayerPlan& plan, IrBinWriter& bin,
                          const CustomOpRegistry* custom);

}  // namespace remo
