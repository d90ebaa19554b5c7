#include "engine/graph/narrow_float.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace remo {
namespace {

// Sign, exponent and mantissa layout of the formats with a sign bit.
struct Layout {
  int exp_bits;
  int mant_bits;
  int bias;
  bool has_inf;        // the all-ones exponent holds infinities and NaNs (IEEE)
  bool top_is_nan;     // only the all-ones exponent and mantissa is NaN (FN)
};

Layout layout(NarrowFloat f) {
  switch (f) {
    case NarrowFloat::f8e4m3: return {4, 3, 7, false, true};
    case NarrowFloat::f8e5m2: return {5, 2, 15, true, false};
    default: return {2, 1, 1, false, false};  // f4e2m1
  }
}

int total_bits(const Layout& l) { return 1 + l.exp_bits + l.mant_bits; }

uint8_t nan_bits(const Layout& l) {
  if (l.has_inf) return static_cast<uint8_t>(((1 << l.exp_bits) - 1) << l.mant_bits | 1 << (l.mant_bits - 1));
  return static_cast<uint8_t>((1 << (l.exp_bits + l.mant_bits)) - 1);  // FN: all ones
}

// The bits of the largest finite magnitude.
uint8_t max_bits(const Layout& l) {
  const int all_exp = (1 << l.exp_bits) - 1, all_mant = (1 << l.mant_bits) - 1;
  if (l.has_inf) return static_cast<uint8_t>((all_exp - 1) << l.mant_bits | all_mant);
  if (l.top_is_nan) return static_cast<uint8_t>(all_exp << l.mant_bits | (all_mant - 1));
  return static_cast<uint8_t>(all_exp << l.mant_bits | all_mant);
}

double e8m0_to_double(uint8_t bits) {
  if (bits == 0xff) return std::numeric_limits<double>::quiet_NaN();
  return std::ldexp(1.0, bits - 127);
}

// The nearest power of two (measured linearly), clamped to 2^-127..2^127. Zero, negative numbers
// and -inf map to the smallest value: the format has neither zero nor a sign.
uint8_t double_to_e8m0(double v) {
  if (std::isnan(v)) return 0xff;
  if (!(v > 0)) return 0;
  if (std::isinf(v)) return 254;
  int e = std::ilogb(v);
  const double lower = std::ldexp(1.0, e);
  if (v - lower > 2 * lower - v) ++e;
  if (e < -127) e = -127;
  if (e > 127) e = 127;
  return static_cast<uint8_t>(e + 127);
}

}  // namespace

double narrow_float_to_double(NarrowFloat format, uint8_t bits) {
  if (format == NarrowFloat::f8e8m0) return e8m0_to_double(bits);
  const Layout l = layout(format);
  const int sign_shift = l.exp_bits + l.mant_bits;
  const double sign = (bits >> sign_shift) & 1 ? -1.0 : 1.0;
  const int magnitude = bits & ((1 << sign_shift) - 1);
  const int exp = magnitude >> l.mant_bits;
  const int mant = magnitude & ((1 << l.mant_bits) - 1);
  const int all_exp = (1 << l.exp_bits) - 1;
  if (l.has_inf && exp == all_exp)
    return mant == 0 ? sign * std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  if (l.top_is_nan && magnitude == (1 << sign_shift) - 1) return std::numeric_limits<double>::quiet_NaN();
  if (exp == 0) return sign * std::ldexp(mant, 1 - l.bias - l.mant_bits);
  return sign * std::ldexp((1 << l.mant_bits) + mant, exp - l.bias - l.mant_bits);
}

uint8_t double_to_narrow_float(NarrowFloat format, double value, bool saturate) {
  if (format == NarrowFloat::f8e8m0) return double_to_e8m0(value);
  const Layout l = layout(format);
  const uint8_t sign = std::signbit(value) ? static_cast<uint8_t>(1 << (total_bits(l) - 1)) : 0;
  const bool has_nan = l.has_inf || l.top_is_nan;
  if (std::isnan(value)) return has_nan ? nan_bits(l) : 0;
  const double a = std::fabs(value);
  if (a == 0) return sign;
  const int min_exp = 1 - l.bias;
  uint8_t overflow = sign | max_bits(l);
  if (!saturate && l.has_inf) overflow = sign | static_cast<uint8_t>(((1 << l.exp_bits) - 1) << l.mant_bits);
  else if (!saturate && l.top_is_nan) overflow = sign | nan_bits(l);
  if (std::isinf(a)) return overflow;
  int e = std::max(std::ilogb(a), min_exp);
  double m = std::nearbyint(std::ldexp(a, l.mant_bits - e));  // mantissa with its leading bit
  if (m >= std::ldexp(1.0, l.mant_bits + 1)) {  // rounding carried into the next binade
    m /= 2;
    ++e;
  }
  const int leading = 1 << l.mant_bits;
  int exp_field = m < leading ? 0 : e + l.bias;
  const int mant_field = static_cast<int>(m) - (exp_field == 0 ? 0 : leading);
  const int bits = exp_field << l.mant_bits | mant_field;
  if (bits > max_bits(l)) return overflow;
  return sign | static_cast<uint8_t>(bits);
}

}  // namespace remo
