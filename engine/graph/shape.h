#pragma once
// Shapes. A dimension of -1 is dynamic; a PartialShape may also have a dynamic rank.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace remo {

using Shape = std::vector<int64_t>;  // fully static
constexpr int64_t kDynamicDim = -1;

class PartialShape {
 public:
  PartialShape() = default;  // scalar
  PartialShape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}  // NOLINT: implicit on purpose
  static PartialShape dynamic_rank() {
    PartialShape s;
    s.rank_known_ = false;
    return s;
  }

  bool rank_known() const { return rank_known_; }
  // Rank; only meaningful when rank_known().
  size_t rank() const { return dims_.size(); }
  const std::vector<int64_t>& dims() const { return dims_; }
  int64_t operator[](size_t i) const { return dims_[i]; }
  bool is_static() const;
  // The static shape, or nullopt if any dimension (or the rank) is dynamic.
  std::optional<Shape> to_static() const;
  // IR spelling for Parameter's shape attribute: "1,3,224,224", "?,3", "..." for dynamic rank.
  std::string to_ir_string() const;

  bool operator==(const PartialShape& o) const = default;

 private:
  bool rank_known_ = true;
  std::vector<int64_t> dims_;
};

// Number of elements of a static shape; throws remo::Error on overflow.
size_t element_count(const Shape& shape);
std::string shape_to_string(const std::vector<int64_t>& dims);  // "[1,3,?,?]" for messages

}  // namespace remo
