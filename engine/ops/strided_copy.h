#pragma once
// Element copies through strided views. Transpose, slices, broadcasts, tiles and splits all read
// their input as `src[base + sum(index[d] * strides[d])]` over the output's indices, so one
// type-agnostic byte copier serves them all.
#include <cstdint>
#include <vector>

#include "engine/graph/tensor.h"

namespace remo {

// A tensor of src's type and `shape` whose element at each index is read from `src` at
// base + sum(index[d] * strides[d]) (offsets and strides in elements; strides may be 0 or negative).
Tensor copy_strided(const Tensor& src, const Shape& shape, const std::vector<int64_t>& strides,
                    int64_t base = 0);

}  // namespace remo
