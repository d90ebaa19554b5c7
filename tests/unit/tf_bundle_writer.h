#pragma once
// Writes TensorFlow tensor-bundle checkpoints (PREFIX.index + PREFIX.data-*) for tests and fuzz
// targets: the table format of frontends/tensorflow/tf_table.h, with a block size small enough
// that a handful of entries spans several data blocks and shares key prefixes.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "frontends/tensorflow/proto/tensor_bundle.pb.h"
#include "frontends/tensorflow/tf_crc32c.h"
#include "frontends/tensorflow/tf_tensor_bundle.h"

namespace remo::testing_support {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void put_u32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

// The bytes of a table holding `pairs` (sorted by key), `per_block` entries per data block.
inline std::string table_bytes(const std::map<std::string, std::string>& pairs, size_t per_block = 2) {
  std::string file;
  auto add_block = [&file](const std::string& contents) {
    const uint64_t offset = file.size();
    file += contents;
    file.push_back('\0');  // not compressed
    // The checksum covers the contents and the type byte.
    put_u32(file, tf_import::mask_crc32c(
                      tf_import::crc32c(reinterpret_cast<const uint8_t*>(file.data() + offset), contents.size() + 1)));
    std::string handle;
    put_varint(handle, offset);
    put_varint(handle, contents.size());
    return handle;
  };
  auto block_of = [](const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string b;
    std::string prev;
    for (const auto& [key, value] : entries) {
      size_t shared = 0;
      while (shared < prev.size() && shared < key.size() && prev[shared] == key[shared]) ++shared;
      if (&key == &entries.front().first) shared = 0;  // the restart point
      put_varint(b, shared);
      put_varint(b, key.size() - shared);
      put_varint(b, value.size());
      b += key.substr(shared);
      b += value;
      prev = key;
    }
    put_u32(b, 0);  // one restart point, at the first entry
    put_u32(b, 1);
    return b;
  };
  std::vector<std::pair<std::string, std::string>> index_entries;
  std::vector<std::pair<std::string, std::string>> current;
  for (auto it = pairs.begin(); it != pairs.end(); ++it) {
    current.emplace_back(it->first, it->second);
    if (current.size() == per_block || std::next(it) == pairs.end()) {
      index_entries.emplace_back(current.back().first, add_block(block_of(current)));
      current.clear();
    }
  }
  const std::string meta_handle = add_block(block_of({}));
  const std::string index_handle = add_block(block_of(index_entries));
  std::string footer = meta_handle + index_handle;
  footer.resize(40, '\0');
  const uint64_t magic = 0xdb4775248b80fb57ull;
  char m[8];
  std::memcpy(m, &magic, 8);
  footer.append(m, 8);
  return file + footer;
}

// A bundle under construction: add tensors, then write().
class BundleWriter {
 public:
  // A numeric tensor; its bytes go to shard `shard`.
  void add(const std::string& key, tensorflow::DataType dtype, const std::vector<int64_t>& shape, const std::string& bytes,
           int shard = 0) {
    tensorflow::BundleEntryProto e;
    e.set_dtype(dtype);
    for (int64_t d : shape) e.mutable_shape()->add_dim()->set_size(d);
    e.set_shard_id(shard);
    std::string& data = shards_[shard];
    e.set_offset(static_cast<int64_t>(data.size()));
    e.set_size(static_cast<int64_t>(bytes.size()));
    e.set_crc32c(tf_import::mask_crc32c(tf_import::crc32c(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
    data += bytes;
    entries_[key] = e.SerializeAsString();
  }
  void add_floats(const std::string& key, const std::vector<int64_t>& shape, const std::vector<float>& values, int shard = 0) {
    add(key, tensorflow::DT_FLOAT, shape, std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4), shard);
  }
  // A scalar string, stored as TensorFlow does (varint length, masked CRC of the length, bytes).
  void add_string(const std::string& key, const std::string& value) {
    std::string bytes;
    put_varint(bytes, value.size());
    const uint32_t length = static_cast<uint32_t>(value.size());
    const uint32_t length_crc = tf_import::crc32c(reinterpret_cast<const uint8_t*>(&length), 4);
    put_u32(bytes, tf_import::mask_crc32c(length_crc));
    bytes += value;
    tensorflow::BundleEntryProto e;
    e.set_dtype(tensorflow::DT_STRING);
    e.mutable_shape();
    std::string& data = shards_[0];
    e.set_offset(static_cast<int64_t>(data.size()));
    e.set_size(static_cast<int64_t>(bytes.size()));
    const size_t varint_size = bytes.size() - 4 - value.size();
    uint32_t crc = tf_import::crc32c(reinterpret_cast<const uint8_t*>(bytes.data() + varint_size), 4, length_crc);
    crc = tf_import::crc32c(reinterpret_cast<const uint8_t*>(value.data()), value.size(), crc);
    e.set_crc32c(tf_import::mask_crc32c(crc));
    data += bytes;
    entries_[key] = e.SerializeAsString();
  }
  // An entry as given (sliced, bad dtype...), with no bytes.
  void add_entry(const std::string& key, const tensorflow::BundleEntryProto& e) { entries_[key] = e.SerializeAsString(); }

  // Writes PREFIX.index and `shards` data files (default: as many as were used).
  void write(const std::string& prefix, int shards = 0) const {
    if (shards == 0) shards = shards_.empty() ? 1 : shards_.rbegin()->first + 1;
    std::map<std::string, std::string> pairs = entries_;
    tensorflow::BundleHeaderProto header;
    header.set_num_shards(shards);
    pairs[""] = header.SerializeAsString();
    std::ofstream(prefix + ".index", std::ios::binary) << table_bytes(pairs);
    for (int s = 0; s < shards; ++s) {
      auto it = shards_.find(s);
      std::ofstream(tf_import::bundle_shard_path(prefix, s, shards), std::ios::binary)
          << (it == shards_.end() ? std::string() : it->second);
    }
  }

 private:
  std::map<std::string, std::string> entries_;
  std::map<int, std::string> shards_;
};

}  // namespace remo::testing_support
