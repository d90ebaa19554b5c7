#pragma once
// The NHWC -> NCHW input layout change: every rank-4 Parameter takes its input as NCHW, and an
// opset1.Transpose (order 0,2,3,1) gives the framework ops the NHWC tensor they were written for.
// The translations of NHWC ops wrap them in Transposes too, so the middle phase can sink and
// cancel the pairs (rules/middle/transpose*.{json,lua}).
#include "engine/graph/graph.h"

namespace remo::tf_import {

// Returns how many Parameters changed layout. A Parameter of unknown rank is left alone.
size_t make_inputs_nchw(Graph& graph);

}  // namespace remo::tf_import
