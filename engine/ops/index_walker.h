#pragma once
// Row-major iteration over a static shape that keeps, for each of several operands, the flat
// offset its own strides give. A stride of 0 repeats an operand along that axis (broadcasting);
// permuted or scaled strides give transposes and strided slices. Advancing costs O(1) amortised,
// so kernels need no per-element index arithmetic.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace remo {

class IndexWalker {
 public:
  // `strides[k]` has one entry per axis of `shape`; `bases[k]` is operand k's starting offset.
  IndexWalker(std::vector<int64_t> shape, std::vector<std::vector<int64_t>> strides,
              std::vector<int64_t> bases = {})
      : shape_(std::move(shape)), strides_(std::move(strides)), index_(shape_.size(), 0),
        offsets_(bases.empty() ? std::vector<int64_t>(strides_.size(), 0) : std::move(bases)) {}

  int64_t offset(size_t operand) const { return offsets_[operand]; }

  // Moves to the next index (wrapping to all zeros after the last one).
  void next() {
    for (size_t d = shape_.size(); d-- > 0;) {
      if (++index_[d] < shape_[d]) {
        for (size_t k = 0; k < offsets_.size(); ++k) offsets_[k] += strides_[k][d];
        return;
      }
      index_[d] = 0;
      for (size_t k = 0; k < offsets_.size(); ++k) offsets_[k] -= strides_[k][d] * (shape_[d] - 1);
    }
  }

 private:
  std::vector<int64_t> shape_;
  std::vector<std::vector<int64_t>> strides_;
  std::vector<int64_t> index_;
  std::vector<int64_t> offsets_;
};

}  // namespace remo
