#include "engine/graph/shape.h"

#include <limits>

#include "engine/graph/error.h"

namespace remo {

bool PartialShape::is_static() const {
  if (!rank_known_) return false;
  for (int64_t d : dims_)
    if (d < 0) return false;
  return true;
}

std::optional<Shape> PartialShape::to_static() const {
  if (!is_static()) return std::nullopt;
  return dims_;
}

std::string PartialShape::to_ir_string() const {
  if (!rank_known_) return "...";
  std::string out;
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) out += ',';
    out += dims_[i] < 0 ? "?" : std::to_string(dims_[i]);
  }
  return out;
}

size_t element_count(const Shape& shape) {
  size_t count = 1;
  for (int64_t d : shape) {
    check(d >= 0, "negative dimension in shape " + shape_to_string(shape));
    if (d != 0 && count > std::numeric_limits<size_t>::max() / static_cast<size_t>(d))
      throw Error("element count of shape " + shape_to_string(shape) + " overflows");
    count *= static_cast<size_t>(d);
  }
  return count;
}

std::string shape_to_string(const std::vector<int64_t>& dims) {
  std::string out = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) out += ',';
    out += dims[i] < 0 ? "?" : std::to_string(dims[i]);
  }
  return out + "]";
}

}  // namespace remo
