#pragma once
// Python-style slicing of one axis, shared by Slice, StridedSlice, Split and VariadicSplit.
#include <cstdint>

namespace remo {

struct AxisSlice {
  int64_t first;  // first input coordinate taken
  int64_t count;  // number of coordinates taken (-1 when the axis length is unknown)
};

// start/stop are clamped to the axis like Python's slice(start, stop, step): negative values count
// from the end and out-of-range values saturate. `length` may be -1 (dynamic); step must not be 0.
AxisSlice slice_axis(int64_t length, int64_t start, int64_t stop, int64_t step);

}  // namespace remo
