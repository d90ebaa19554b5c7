#pragma once
// --tensorflow_custom_operations_config_update FILE: rewrites a transformations config with the
// boundary of each scope entry as found in the model, as mo does
// (front/tf/tensorflow_custom_operations_config_update.py):
//  - scope entries: `inputs` and `outputs` are generated from the first instance, but only when
//    missing or empty, so hand-edited values survive. Inputs: one group per tensor entering the
//    sub-graph, listing its consumers inside as (pattern relative to the scope + '$', port);
//    groups sorted. Outputs: (pattern of the producer, port) of every tensor leaving it, plus
//    port 0 of every matched node without consumers that is not a constant; sorted, unique.
//    Written keys: match_kind, instances, inputs, outputs, custom_attributes, id (+ op).
//  - points entries are normalized: match_kind, instances, custom_attributes, id,
//    include_inputs_to_sub_graph, include_outputs_to_sub_graph (+ op).
//  - general entries are written back as they were (mo fails on them instead).
// The file is json.dump(indent=4, sort_keys=True) text, as mo writes it, without a final newline.
#include <string>

#include "engine/graph/graph.h"
#include "engine/rules/mo_config/mo_config.h"

namespace remo {

std::string updated_mo_config_text(const Graph& graph, const MoConfig& config);
// Reads `path`, and replaces it (through a temporary file and a rename) with the updated text.
void update_mo_config_file(const Graph& graph, const std::string& path);

}  // namespace remo
