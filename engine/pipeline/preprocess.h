#pragma once
// The model-input half of the options, applied to the translated graph: layouts (recorded in
// the IR; a target layout puts a Transpose after the input), then, on each input, reversing the
// channels, subtracting the mean and dividing by the scale, in that order. This code decides
// which input gets what on which axis, and checks it; the rule rules/options/preprocess.lua
// inserts the ops, reading the decisions from the graph's meta (graph:option in Lua):
//   option:preprocess_inputs        the Parameter names, in order
//   option:reverse_axis:NAME        the axis whose channels are reversed
//   option:mean_values:NAME         values subtracted (one, or one per channel)
//   option:mean_values_axis:NAME    their channel axis when there are several
//   option:scale_values:NAME / option:scale_values_axis:NAME   the same for the divisors
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/pipeline/model_options.h"

namespace remo {

// Unnamed layout and mean/scale groups go to the --input inputs in order, else to the model's
// inputs in order. Returns warnings for the user;
// throws remo::Error for a name that is no input, a count or rank that does not fit.
std::vector<std::string> apply_preprocessing(Graph& graph, const ModelEditOptions& edits);
// Layout groups that name a model output (not an input): recorded on the output port feeding the
// output's Result. Run last, when the producer is final. Throws remo::Error for a layout change
// ("->") or a rank that does not fit.
void apply_output_layouts(Graph& graph, const ModelEditOptions& edits);

}  // namespace remo
