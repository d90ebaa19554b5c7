#include "engine/ops/slicing.h"

#include <algorithm>

namespace remo {

AxisSlice slice_axis(int64_t length, int64_t start, int64_t stop, int64_t step) {
  if (length < 0) return {0, -1};
  // Positive steps clamp into [0, length]; negative steps into [-1, length - 1], where -1 stands
  // for "before the first element".
  const int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? length : length - 1;
  auto clamp = [&](int64_t v) { return std::clamp(v < 0 ? v + length : v, lo, hi); };
  start = clamp(start);
  stop = clamp(stop);
  const int64_t span = step > 0 ? stop - start : start - stop;
  const int64_t magnitude = step > 0 ? step : -step;
  return {start, span <= 0 ? 0 : (span + magnitude - 1) / magnitude};
}

}  // namespace remo
