#pragma once
// --compress_to_fp16: f32 weights are stored as f16 Constants, each read through a Convert to
// f32 marked with the "decompression" rt_info, so the .bin halves and the runtime may keep the
// weights compressed. A weight that f16 cannot hold well stays f32.
#include <string>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

struct Fp16CompressionResult {
  size_t compressed = 0;
  std::vector<std::string> warnings;  // one per weight kept in f32, naming it and why
};

// A weight stays f32 when a finite value is beyond f16's range (|v| > 65504) or when rounding
// to f16 changes it by more than kMaxFp16RelativeError in the L2 norm (values so small that f16
// flushes them). Constants that set sizes (Interpolate's sizes/scales/axes, Range, arithmetic on
// what a ShapeOf computes) are left as they are.
constexpr double kMaxFp16RelativeError = 1e-3;
Fp16CompressionResult compress_weights_to_fp16(Graph& graph);

}  // namespace remo
