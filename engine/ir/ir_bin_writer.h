#pragma once
// Lays out the .bin: constant blobs back to back, each at a 64-byte aligned offset (zero padding
// between them; mmap- and SIMD-friendly, and the reader accepts any offset), identical blobs
// stored once. Bytes go straight from the caller's buffer (possibly a mapped file) to the file.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/ir/ir_pending_file.h"

namespace remo {

class IrBinWriter {
 public:
  static constexpr uint64_t kAlignment = 64;

  struct Placement {
    uint64_t offset;
    uint64_t size;
  };

  explicit IrBinWriter(PendingFile& file) : file_(file) {}

  // Writes `size` bytes at the next aligned offset, or returns the placement of an identical
  // blob written before. `data` must stay valid until the writer is done (the comparison with
  // a later blob reads it again).
  Placement add(const uint8_t* data, size_t size);
  // Bytes written so far.
  uint64_t size() const { return end_; }

 private:
  struct Written {
    const uint8_t* data;
    Placement placement;
  };

  PendingFile& file_;
  uint64_t end_ = 0;
  std::unordered_map<size_t, std::vector<Written>> by_hash_;
};

}  // namespace remo
