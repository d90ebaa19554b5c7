#pragma once
// Floating-point formats narrower than f16: f8e4m3 (the "FN" variant: no infinities, only
// S.1111.111 is NaN), f8e5m2 (IEEE-like, with infinities), f8e8m0 (an unsigned power of two,
// 0xff is NaN) and f4e2m1 (no infinities or NaN). Each element is stored in the low bits of a byte.
#include <cstdint>

namespace remo {

enum class NarrowFloat { f8e4m3, f8e5m2, f8e8m0, f4e2m1 };

double narrow_float_to_double(NarrowFloat format, uint8_t bits);

// Rounds to the nearest representable value, ties to even. A finite value beyond the format's range
// becomes NaN (f8e4m3), infinity (f8e5m2) or the largest value (f4e2m1, f8e8m0) unless `saturate`,
// which clamps it to the largest finite value of its sign. Infinities saturate too when asked.
uint8_t double_to_narrow_float(NarrowFloat format, double value, bool saturate = false);

}  // namespace remo
