#pragma once
// Paddle frontend, PIR format: NAME.json (the program Paddle 3 saves by default) plus
// NAME.pdiparams beside it, read without Paddle. See docs/paddle.md, "The PIR program".
//
// The graph built from the program's top block:
// - each parameter op ("p", or builtin.parameter) is an opset1.Constant viewing the mapped
//   .pdiparams, which holds the parameters in the byte order of their names (checked against
//   each parameter's declared element type and shape);
// - each pd_op.data is an opset1.Parameter, each pd_op.fetch an opset1.Result "<name>/sink_port_0"
//   in `col` order;
// - pd_op.full and pd_op.full_int_array are constants; builtin.combine / split / slice only
//   regroup values;
// - every other pd_op becomes the node the legacy reader would make for the same op
//   ("paddle.conv2d" with the legacy slot names in "paddle:inputs" / "paddle:outputs"), by the
//   table of pir_ops.h; ops the table lacks become "pd_op.<name>" with positional inputs.
#include <memory>
#include <string>

#include "engine/graph/graph.h"

namespace remo {

// Reads NAME.json and NAME.pdiparams. Throws remo::Error whose message starts with the file's
// path and names the op that is wrong.
std::unique_ptr<Graph> read_paddle_pir_model(const std::string& path);

}  // namespace remo
