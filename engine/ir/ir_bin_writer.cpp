#include "engine/ir/ir_bin_writer.h"

#include <cstring>
#include <functional>

namespace remo {

IrBinWriter::Placement IrBinWriter::add(const uint8_t* data, size_t size) {
  if (size == 0) return Placement{0, 0};  // needs no bytes; offset 0 is inside any file
  size_t hash = std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(data), size));
  std::vector<Written>& same_hash = by_hash_[hash];
  for (const Written& w : same_hash)
    if (w.placement.size == size && std::memcmp(w.data, data, size) == 0) return w.placement;

  uint64_t offset = (end_ + kAlignment - 1) / kAlignment * kAlignment;
  file_.write_zeros(offset - end_);
  file_.write(data, size);
  end_ = offset + size;
  same_hash.push_back(Written{data, Placement{offset, size}});
  return Placement{offset, size};
}

}  // namespace remo
