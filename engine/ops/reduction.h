#pragma once
// Reducing a static shape over a set of axes: used by the Reduce* ops and by MVN.
#include <cstdint>
#include <vector>

#include "engine/graph/shape.h"
#include "engine/ops/index_walker.h"

namespace remo {

struct Reduction {
  Shape kept_shape;                // the input shape with reduced axes set to 1
  std::vector<int64_t> to_output;  // per input axis, stride into the reduced output (0 if reduced)
  size_t group_size = 1;           // input elements per output element
};

// `axes` must be normalised (in [0, rank)); duplicates are harmless.
Reduction plan_reduction(const Shape& shape, const std::vector<int64_t>& axes);

// Calls visit(input_index, output_index) for every input element in row-major order.
template <typename Visit>
void for_each_reduced(const Shape& shape, const Reduction& r, Visit visit) {
  const size_t count = element_count(shape);
  IndexWalker walk(shape, {r.to_output});
  for (size_t i = 0; i < count; ++i, walk.next()) visit(i, static_cast<size_t>(walk.offset(0)));
}

}  // namespace remo
