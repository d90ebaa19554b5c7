#pragma once
// The IR remo writes must never replace a file the conversion reads: the model itself, the
// external weight files its tensors are still mapped from, or the transformations config.
// Writing over a mapped weight file would even change the weights being written.
#include <string>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

// The files a conversion reads: `model_path`, `extra` (configs...) and the graph's
// meta["source_files"] (external data recorded by the frontend).
std::vector<std::string> conversion_inputs(const Graph& graph, const std::string& model_path,
                                           const std::vector<std::string>& extra);

// Throws remo::Error("<output>: refusing to overwrite <input>, an input of this conversion ...")
// when an output path is the same file as an input (same path after resolving, or the same
// inode: a hard link or a symlink). Outputs that do not exist yet overwrite nothing.
void check_outputs_spare_inputs(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs);

}  // namespace remo
