#include "frontends/tensorflow/tf_table.h"

#include <cstring>
#include <string_view>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_crc32c.h"

namespace remo::tf_import {
namespace {

constexpr size_t kFooterSize = 48;
constexpr uint64_t kMagic = 0xdb4775248b80fb57ull;
constexpr size_t kTrailerSize = 5;

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // the file is little-endian, as is every host remo runs on
}

// A bounded reader of varints, whose errors say what was being read.
class Cursor {
 public:
  Cursor(std::string_view bytes, const std::string& path, std::string where)
      : bytes_(bytes), path_(path), where_(std::move(where)) {}
  bool done() const { return pos_ >= bytes_.size(); }
  uint64_t varint(const char* what) {
    uint64_t value = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (pos_ >= bytes_.size()) fail(std::string("truncated ") + what);
      const uint8_t byte = static_cast<uint8_t>(bytes_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    fail(std::string("over-long varint for ") + what);
  }
  std::string_view take(uint64_t n, const char* what) {
    if (n > bytes_.size() - pos_)
      fail(std::string(what) + " of " + std::to_string(n) + " bytes runs past the end (" +
           std::to_string(bytes_.size() - pos_) + " bytes left)");
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  size_t pos() const { return pos_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(path_ + ": " + where_ + " at byte " + std::to_string(pos_) + ": " + what +
                " (the checkpoint index is truncated or garbled)");
  }

 private:
  std::string_view bytes_;
  const std::string& path_;
  std::string where_;
  size_t pos_ = 0;
};

struct Handle {
  uint64_t offset = 0;
  uint64_t size = 0;
};

Handle read_handle(Cursor& in, const char* what) {
  Handle h;
  h.offset = in.varint(what);
  h.size = in.varint(what);
  return h;
}

// The contents of the block at `h`, its trailer checked.
std::string_view block_at(const uint8_t* data, size_t size, Handle h, const std::string& path, const std::string& what) {
  const size_t limit = size - kFooterSize;
  if (h.offset > limit || h.size > limit - h.offset || kTrailerSize > limit - h.offset - h.size)
    throw Error(path + ": " + what + " [" + std::to_string(h.offset) + ", +" + std::to_string(h.size) +
                "] lies outside the file's " + std::to_string(size) + " bytes (the checkpoint index is truncated or garbled)");
  const uint8_t* block = data + h.offset;
  const uint8_t type = block[h.size];
  const uint32_t stored = load32(block + h.size + 1);
  const uint32_t actual = mask_crc32c(crc32c(block, h.size + 1));
  if (stored != actual)
    throw Error(path + ": " + what + " at byte " + std::to_string(h.offset) +
                ": checksum mismatch (the checkpoint index is garbled)");
  if (type != 0)
    throw Error(path + ": " + what + " is compressed (type " + std::to_string(type) +
                "); remo reads uncompressed checkpoint indexes only, as TensorFlow writes them");
  return {reinterpret_cast<const char*>(block), static_cast<size_t>(h.size)};
}

// Appends the entries of one block to `out`, keys checked to increase.
void read_block(std::string_view block, const std::string& path, const std::string& what,
                std::vector<std::pair<std::string, std::string>>& out, std::string& last_key, bool& have_last) {
  if (block.size() < 4) throw Error(path + ": " + what + " is " + std::to_string(block.size()) + " bytes, too short for a block");
  const uint32_t restarts = load32(reinterpret_cast<const uint8_t*>(block.data() + block.size() - 4));
  if (restarts == 0 || restarts > (block.size() - 4) / 4)
    throw Error(path + ": " + what + " claims " + std::to_string(restarts) + " restart points, which do not fit in its " +
                std::to_string(block.size()) + " bytes (the checkpoint index is garbled)");
  const size_t entries_end = block.size() - 4 - 4 * static_cast<size_t>(restarts);
  Cursor in(block.substr(0, entries_end), path, what);
  std::string key;
  while (!in.done()) {
    const uint64_t shared = in.varint("shared key length");
    const uint64_t unshared = in.varint("key length");
    const uint64_t value_size = in.varint("value length");
    if (shared > key.size())
      in.fail("an entry shares " + std::to_string(shared) + " bytes with a previous key of " + std::to_string(key.size()));
    key.resize(static_cast<size_t>(shared));
    key.append(in.take(unshared, "key"));
    std::string_view value = in.take(value_size, "value");
    if (have_last && key <= last_key) in.fail("key '" + key + "' does not sort after '" + last_key + "'");
    last_key = key;
    have_last = true;
    out.emplace_back(key, std::string(value));
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> read_table(const uint8_t* data, size_t size, const std::string& path) {
  if (size < kFooterSize)
    throw Error(path + ": " + std::to_string(size) + " bytes, too short for a checkpoint index (a table file ends with a " +
                std::to_string(kFooterSize) + "-byte footer)");
  const uint8_t* footer = data + size - kFooterSize;
  uint64_t magic;
  std::memcpy(&magic, footer + 40, 8);
  if (magic != kMagic)
    throw Error(path + ": not a checkpoint index (no table magic number in the last 8 bytes; the file is truncated or "
                "of another kind)");
  Cursor f({reinterpret_cast<const char*>(footer), 40}, path, "the footer");
  read_handle(f, "meta-index block handle");
  const Handle index = read_handle(f, "index block handle");
  std::vector<std::pair<std::string, std::string>> blocks;
  std::string last;
  bool have_last = false;
  read_block(block_at(data, size, index, path, "the index block"), path, "the index block", blocks, last, have_last);
  std::vector<std::pair<std::string, std::string>> pairs;
  last.clear();
  have_last = false;
  for (size_t b = 0; b < blocks.size(); ++b) {
    const std::string what = "data block " + std::to_string(b);
    Cursor h(blocks[b].second, path, "the index entry of " + what);
    const Handle handle = read_handle(h, "block handle");
    read_block(block_at(data, size, handle, path, what), path, what, pairs, last, have_last);
  }
  return pairs;
}

}  // namespace remo::tf_import
