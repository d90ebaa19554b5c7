#include "engine/ops/strided_copy.h"

#include <cstring>

#include "engine/ops/index_walker.h"
#include "engine/ops/op_helpers.h"

namespace remo {

Tensor copy_strided(const Tensor& src, const Shape& shape, const std::vector<int64_t>& strides,
                    int64_t base) {
  const size_t size = element_size(src.type());
  OutputBuffer out(src.type(), shape);
  const size_t count = element_count(shape);
  if (count == 0) return std::move(out).finish();
  const uint8_t* in = src.bytes();
  uint8_t* dst = out.data();
  // A unit innermost stride lets whole rows be copied at once; the walker then covers the outer axes.
  const bool rows = !shape.empty() && strides.back() == 1;
  const int64_t row = rows ? shape.back() : 1;
  Shape outer = rows ? Shape(shape.begin(), shape.end() - 1) : shape;
  std::vector<int64_t> outer_strides = rows ? std::vector<int64_t>(strides.begin(), strides.end() - 1)
                                            : strides;
  IndexWalker walk(outer, {outer_strides}, {base});
  for (size_t i = 0; i < count; i += static_cast<size_t>(row), walk.next())
    std::memcpy(dst + i * size, in + static_cast<size_t>(walk.offset(0)) * size,
                static_cast<size_t>(row) * size);
  return std::move(out).finish();
}

}  // namespace remo
