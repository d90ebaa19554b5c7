#pragma once
// Which nodes of a TensorFlow graph are model inputs. A Placeholder always is (the graph builder
// makes it a Parameter). A PlaceholderWithDefault computes its default unless the user feeds it:
// naming it in --input makes it a Parameter of its own dtype and shape, as TensorFlow feeds it.
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/pipeline/model_options.h"

namespace remo::tf_import {

// Replaces every tf.PlaceholderWithDefault that `inputs` names ("node" or "node:0") by an
// opset1.Parameter of the same name, tensor names, dtype and shape; returns how many. Names of
// other nodes are left for the model-boundary edits. Throws remo::Error naming the node when its
// dtype or shape attribute is unusable.
size_t feed_named_defaults(Graph& graph, const std::vector<InputSpec>& inputs);
// Whether an --input item names a model input as a whole ("x", "x:0"), rather than cutting the
// graph at an inner tensor or an input port.
bool names_a_placeholder(const Graph& graph, const InputSpec& input);

}  // namespace remo::tf_import
