#pragma once
// The model-input half of the options, applied to the translated graph: layouts (recorded in
// the IR; a target layout puts a Transpose after the input), then, on each input, reversing the
// channels, subtracting the mean and dividing by the scale, in that order.
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/pipeline/model_options.h"

namespace remo {

// `named_inputs` are the --input names that are still inputs (unnamed mean/scale values go to
// them in order); empty means the model's inputs in order. Returns warnings for the user;
// throws remo::Error for a name that is no input, a count or rank that does not fit.
std::vector<std::string> apply_preprocessing(Graph& graph, const ModelEditOptions& edits);

}  // namespace remo
