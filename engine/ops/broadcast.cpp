#include "engine/ops/broadcast.h"

#include <algorithm>

#include "engine/ops/op_helpers.h"

namespace remo {

BroadcastMode broadcast_mode(const Node& node) {
  const std::string& name = node.attr<std::string>("auto_broadcast");
  if (name == "none") return BroadcastMode::none;
  if (name == "pdpd") return BroadcastMode::pdpd;
  return BroadcastMode::numpy;
}

namespace {

std::optional<int64_t> numpy_dim(int64_t a, int64_t b) {
  if (a == 1) return b;
  if (b == 1) return a;
  return merge_dim(a, b);
}

}  // namespace

std::optional<PartialShape> broadcast_shapes(const PartialShape& a, const PartialShape& b,
                                             BroadcastMode mode) {
  if (mode == BroadcastMode::pdpd) {
    if (!a.rank_known() || !b.rank_known()) return a;
    if (b.rank() > a.rank()) return std::nullopt;
    size_t offset = a.rank() - b.rank();
    for (size_t i = 0; i < b.rank(); ++i)
      if (b[i] != 1 && !merge_dim(a[offset + i], b[i])) return std::nullopt;
    return a;
  }
  if (!a.rank_known() || !b.rank_known()) {
    if (mode == BroadcastMode::none) return a.rank_known() ? a : b;
    return PartialShape::dynamic_rank();
  }
  if (mode == BroadcastMode::none) {
    if (a.rank() != b.rank()) return std::nullopt;
    std::vector<int64_t> dims(a.rank());
    for (size_t i = 0; i < a.rank(); ++i) {
      auto d = merge_dim(a[i], b[i]);
      if (!d) return std::nullopt;
      dims[i] = *d;
    }
    return PartialShape(dims);
  }
  size_t rank = std::max(a.rank(), b.rank());
  std::vector<int64_t> dims(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i + a.rank() >= rank ? a[i + a.rank() - rank] : 1;
    int64_t db = i + b.rank() >= rank ? b[i + b.rank() - rank] : 1;
    auto d = numpy_dim(da, db);
    if (!d) return std::nullopt;
    dims[i] = *d;
  }
  return PartialShape(dims);
}

PartialShape broadcast_or_throw(const PartialShape& a, const PartialShape& b, BroadcastMode mode) {
  if (auto s = broadcast_shapes(a, b, mode)) return *s;
  static const char* const kNames[] = {"none", "numpy", "pdpd"};
  throw OpError("input shapes " + shape_str(a) + " and " + shape_str(b) +
                " are not broadcastable (auto_broadcast=" + kNames[static_cast<int>(mode)] + ")");
}

std::vector<int64_t> broadcast_strides(const Shape& shape, const Shape& out) {
  std::vector<int64_t> own = row_major_strides(shape);
  std::vector<int64_t> strides(out.size(), 0);
  size_t offset = out.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != 1) strides[offset + i] = own[i];
  return strides;
}

}  // namespace remo
