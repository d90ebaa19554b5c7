#pragma once
// TensorFlow's table file (the .index of a checkpoint): sorted key/value pairs in blocks.
//   file   = data blocks | meta-index block | index block | footer (48 bytes)
//   footer = meta-index handle, index handle (each varint64 offset + varint64 size), zero padding
//            to 40 bytes, then the magic number 0xdb4775248b80fb57 (fixed64, little-endian)
//   block  = entries | uint32 restart offsets | uint32 restart count, then a 5-byte trailer: the
//            compression type (0: none) and the masked CRC-32C of the block and that type byte
//   entry  = varint32 shared key bytes, varint32 unshared key bytes, varint32 value size,
//            the unshared key bytes, the value (a key is the previous key's first `shared` bytes
//            followed by its own)
// The index block maps the last key of each data block to that block's handle.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace remo::tf_import {

// Every pair of the table, in key order. Throws remo::Error starting with `path` and saying what
// was expected where (a bad magic number, a block outside the file, a checksum mismatch, an entry
// running past its block, keys out of order, a compressed block).
std::vector<std::pair<std::string, std::string>> read_table(const uint8_t* data, size_t size, const std::string& path);

}  // namespace remo::tf_import
