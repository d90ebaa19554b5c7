#pragma once
// Editing the model's boundary on the framework graph, before translation: --output cuts the
// model at the named tensors; --input picks, reshapes, retypes or freezes inputs, or cuts the
// model at an inner tensor by putting a new input there; --batch sets every input's batch.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/pipeline/model_options.h"

namespace remo {

// Replaces the model's outputs by the tensors `specs` name. Throws remo::Error for a name that
// is no node or tensor, or a port out of range.
void apply_output_cut(Graph& graph, const std::vector<OutputSpec>& specs);
// The type and shape a tensor of the framework graph has once translated, for a new input at a
// cut that the user gave no shape or type for; nullopt when the tensor is not found.
using TensorProbe = std::function<std::optional<OutputInfo>(const std::string& tensor_name)>;
// Applies --input, --input_shape and --batch. Returns warnings for the user.
std::vector<std::string> apply_input_edits(Graph& graph, const ModelEditOptions& edits,
                                           const TensorProbe& probe = nullptr);

}  // namespace remo
