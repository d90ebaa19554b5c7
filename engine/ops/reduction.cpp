#include "engine/ops/reduction.h"

#include "engine/ops/op_helpers.h"

namespace remo {

Reduction plan_reduction(const Shape& shape, const std::vector<int64_t>& axes) {
  Reduction r;
  r.kept_shape = shape;
  for (int64_t a : axes) r.kept_shape[static_cast<size_t>(a)] = 1;
  r.to_output = row_major_strides(r.kept_shape);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (r.kept_shape[i] == 1 && shape[i] != 1) r.to_output[i] = 0;
    if (r.kept_shape[i] != shape[i]) r.group_size *= static_cast<size_t>(shape[i]);
  }
  return r;
}

}  // namespace remo
