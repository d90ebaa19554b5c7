#include "frontends/tensorflow/tf_tensor_bundle.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "engine/graph/error.h"
#include "engine/graph/shape.h"
#include "frontends/tensorflow/tf_crc32c.h"
#include "frontends/tensorflow/tf_table.h"
#include "frontends/tensorflow/tf_types.h"

namespace remo::tf_import {
namespace {

constexpr int kMaxShards = 100000;  // the file names hold five digits

Shape shape_of(const tensorflow::TensorShapeProto& proto, const std::string& where) {
  if (proto.unknown_rank()) throw Error(where + ": the stored shape has an unknown rank");
  Shape shape;
  for (const auto& d : proto.dim()) {
    if (d.size() < 0) throw Error(where + ": the stored shape has an unknown dimension");
    shape.push_back(d.size());
  }
  return shape;
}

}  // namespace

std::string bundle_shard_path(const std::string& prefix, int shard, int shards) {
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, ".data-%05d-of-%05d", shard, shards);
  return prefix + suffix;
}

std::unique_ptr<TensorBundle> TensorBundle::open(const std::string& prefix) {
  std::unique_ptr<TensorBundle> bundle(new TensorBundle());
  bundle->index_path_ = prefix + ".index";
  const std::string& path = bundle->index_path_;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    if (std::filesystem::is_regular_file(prefix, ec))
      throw Error(prefix + ": a checkpoint is named by its prefix: PREFIX.index and PREFIX.data-*-of-* must exist "
                  "(a single-file checkpoint is TensorFlow's V1 format, which remo does not read)");
    throw Error(path + ": no such file (a checkpoint PREFIX names PREFIX.index and PREFIX.data-*-of-* files)");
  }
  std::shared_ptr<const MappedFile> index = MappedFile::open(path);
  bool have_header = false;
  tensorflow::BundleHeaderProto header;
  for (auto& [key, value] : read_table(index->data(), index->size(), path)) {
    if (key.empty()) {
      if (!header.ParseFromString(value)) throw Error(path + ": the bundle header is not a valid BundleHeaderProto");
      have_header = true;
      continue;
    }
    tensorflow::BundleEntryProto entry;
    if (!entry.ParseFromString(value))
      throw Error(path + ": the entry of '" + key + "' is not a valid BundleEntryProto (the index is garbled)");
    bundle->entries_.emplace(key, std::move(entry));
  }
  if (!have_header) throw Error(path + ": the index has no bundle header (the entry under the empty key)");
  if (header.endianness() != tensorflow::BundleHeaderProto::LITTLE)
    throw Error(path + ": the checkpoint was written big-endian; remo reads little-endian checkpoints only");
  if (header.num_shards() < 0 || header.num_shards() > kMaxShards)
    throw Error(path + ": the header names " + std::to_string(header.num_shards()) + " data shards");
  for (int s = 0; s < header.num_shards(); ++s) {
    const std::string shard = bundle_shard_path(prefix, s, header.num_shards());
    if (!std::filesystem::is_regular_file(shard, ec))
      throw Error(shard + ": missing data shard " + std::to_string(s) + " of " + std::to_string(header.num_shards()) +
                  " named by " + path);
    bundle->shards_.push_back(MappedFile::open(shard));
  }
  return bundle;
}

std::vector<std::string> TensorBundle::keys() const {
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_) out.push_back(key);
  return out;
}

std::vector<std::string> TensorBundle::files() const {
  std::vector<std::string> out{index_path_};
  for (const auto& shard : shards_) out.push_back(shard->path());
  return out;
}

std::string TensorBundle::where(const std::string& key) const { return index_path_ + ": variable '" + key + "'"; }

const tensorflow::BundleEntryProto& TensorBundle::entry(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end())
    throw Error(index_path_ + ": the checkpoint has no variable '" + key + "' (it holds " +
                std::to_string(entries_.size()) + " entries)");
  return it->second;
}

const uint8_t* TensorBundle::bytes_of(const std::string& key, const tensorflow::BundleEntryProto& e,
                                      std::shared_ptr<const MappedFile>* shard) const {
  if (e.slices_size() > 0)
    throw Error(where(key) + " is a sliced (partitioned) variable, stored in " + std::to_string(e.slices_size()) +
                " parts; remo reads whole variables only");
  if (e.shard_id() < 0 || static_cast<size_t>(e.shard_id()) >= shards_.size())
    throw Error(where(key) + ": data shard " + std::to_string(e.shard_id()) + " does not exist (the bundle has " +
                std::to_string(shards_.size()) + ")");
  *shard = shards_[static_cast<size_t>(e.shard_id())];
  const uint64_t size = (*shard)->size();
  if (e.offset() < 0 || e.size() < 0 || static_cast<uint64_t>(e.offset()) > size ||
      static_cast<uint64_t>(e.size()) > size - static_cast<uint64_t>(e.offset()))
    throw Error(where(key) + ": bytes [" + std::to_string(e.offset()) + ", +" + std::to_string(e.size()) +
                ") lie outside " + (*shard)->path() + " (" + std::to_string(size) + " bytes; truncated?)");
  const uint8_t* bytes = (*shard)->data() + e.offset();
  // The entry holds the masked CRC-32C of the tensor's bytes.
  if (mask_crc32c(crc32c(bytes, static_cast<size_t>(e.size()))) != e.crc32c())
    throw Error(where(key) + ": checksum mismatch on its bytes in " + (*shard)->path() + " (the shard is corrupt)");
  return bytes;
}

Tensor TensorBundle::tensor(const std::string& key) const {
  const tensorflow::BundleEntryProto& e = entry(key);
  std::optional<ElementType> type = element_type_from_tf(e.dtype());
  if (type == ElementType::string)
    throw Error(where(key) + " is a string tensor; remo converts numeric variables only");
  if (!type)
    throw Error(where(key) + " has dtype " + tf_type_name(e.dtype()) + ", which remo cannot represent");
  Shape shape = shape_of(e.shape(), where(key));
  if (e.slices_size() == 0) {
    size_t count = 0;
    try {
      count = element_count(shape);
    } catch (const Error& err) {
      throw Error(where(key) + ": shape " + shape_to_string(shape) + ": " + err.what());
    }
    if (count > std::numeric_limits<size_t>::max() / 8 || byte_size(*type, count) != static_cast<uint64_t>(e.size()))
      throw Error(where(key) + ": " + std::to_string(e.size()) + " bytes stored for shape " + shape_to_string(shape) +
                  " of " + std::string(type_name(*type)) + " (expected " + std::to_string(byte_size(*type, count)) + ")");
  }
  std::shared_ptr<const MappedFile> shard;
  const uint8_t* bytes = bytes_of(key, e, &shard);
  return Tensor(*type, std::move(shape),
                std::make_shared<BufferView>(shard, static_cast<size_t>(bytes - shard->data()), static_cast<size_t>(e.size())));
}

std::string TensorBundle::string_scalar(const std::string& key) const {
  const tensorflow::BundleEntryProto& e = entry(key);
  if (e.dtype() != tensorflow::DT_STRING || e.shape().dim_size() != 0)
    throw Error(where(key) + " is not a scalar string");
  std::shared_ptr<const MappedFile> shard;
  if (e.slices_size() > 0) bytes_of(key, e, &shard);  // throws
  if (e.shard_id() < 0 || static_cast<size_t>(e.shard_id()) >= shards_.size())
    throw Error(where(key) + ": data shard " + std::to_string(e.shard_id()) + " does not exist");
  shard = shards_[static_cast<size_t>(e.shard_id())];
  const uint64_t size = shard->size();
  if (e.offset() < 0 || e.size() < 0 || static_cast<uint64_t>(e.offset()) > size ||
      static_cast<uint64_t>(e.size()) > size - static_cast<uint64_t>(e.offset()))
    throw Error(where(key) + ": its bytes lie outside " + shard->path());
  // A string tensor is stored as varint64 lengths, a masked CRC-32C of those length bytes, and the
  // strings; the entry's CRC covers the lengths, their checksum and the strings.
  const uint8_t* p = shard->data() + e.offset();
  const size_t n = static_cast<size_t>(e.size());
  size_t pos = 0;
  uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    if (pos >= n || shift > 63) throw Error(where(key) + ": truncated string length");
    length |= static_cast<uint64_t>(p[pos] & 0x7f) << shift;
    if (!(p[pos++] & 0x80)) break;
  }
  if (n - pos < 4 || length > n - pos - 4) throw Error(where(key) + ": the string runs past its stored bytes");
  // Both checksums read the length as a little-endian uint32 (uint64 above 4 GB), not as a varint.
  uint8_t length_bytes[8];
  std::memcpy(length_bytes, &length, 8);
  const uint32_t length_crc = crc32c(length_bytes, length <= 0xffffffffull ? 4 : 8);
  uint32_t stored;
  std::memcpy(&stored, p + pos, 4);
  if (stored != mask_crc32c(length_crc))
    throw Error(where(key) + ": checksum mismatch on the string length (the shard is corrupt)");
  const uint32_t whole = crc32c(p + pos + 4, static_cast<size_t>(length), crc32c(p + pos, 4, length_crc));
  if (mask_crc32c(whole) != e.crc32c()) throw Error(where(key) + ": checksum mismatch on its bytes in " + shard->path());
  return std::string(reinterpret_cast<const char*>(p + pos + 4), static_cast<size_t>(length));
}

}  // namespace remo::tf_import
