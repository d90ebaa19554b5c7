#pragma once
// Applies a transformations config (--transformations_config) to the framework graph, right
// after the model is read and before translation, as mo's front replacers do:
//  1. entries with the `op` shortcut, in file order (mo runs them as the file loads): each
//     match becomes one framework-domain node "<framework>.<op>" (e.g. "onnx.DetectionOutput")
//     with custom_attributes as attributes, wired like mo's FrontReplacementFromConfigFileOp;
//     the translations then handle it;
//  2. every other entry, in file order: each match goes to the Lua replacer registered under
//     the entry's id (remo.replacer). What it returns replaces the sub-graph's outputs; then
//     the sub-graph's nodes that nothing reads any more are removed.
// An entry whose id has no replacer is an error (mo ignores it silently), reported for all
// such entries at once, before the graph changes.
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/lua/sandbox.h"
#include "engine/rules/mo_config/mo_config.h"

namespace remo {

// `search_path` only names, in the missing-replacer error, the folders replacers are loaded
// from. Returns warnings: entries that matched nothing (mo logs those as errors and goes on).
// Throws remo::Error naming the config file, the entry and, for a replacer, its file:line.
std::vector<std::string> apply_mo_config(Graph& graph, const MoConfig& config, LuaSandbox& lua,
                                         const std::vector<std::string>& search_path);

}  // namespace remo
