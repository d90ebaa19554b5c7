#pragma once
// A TensorFlow checkpoint in the tensor-bundle format (what tf.train.Saver V2, tf.train.Checkpoint
// and SavedModels write), read without TensorFlow:
//   PREFIX.index                     a table file (tf_table.h): under the empty key a
//                                    BundleHeaderProto (shard count, endianness), under each
//                                    variable's name a BundleEntryProto (dtype, shape, shard,
//                                    offset, size, CRC-32C of the bytes)
//   PREFIX.data-00000-of-0000N ...   the shards, raw little-endian tensor bytes
// The shards are memory-mapped; tensors are views into the mapping, never copies.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/graph/buffer.h"
#include "engine/graph/tensor.h"
#include "frontends/tensorflow/proto/tensor_bundle.pb.h"

namespace remo::tf_import {

class TensorBundle {
 public:
  // Reads PREFIX.index and maps every data shard it names. Throws remo::Error naming the file:
  // a missing .index or shard, a truncated or garbled index, a big-endian bundle.
  static std::unique_ptr<TensorBundle> open(const std::string& prefix);

  bool contains(const std::string& key) const { return entries_.count(key) != 0; }
  std::vector<std::string> keys() const;
  const tensorflow::BundleEntryProto& entry(const std::string& key) const;  // throws when absent

  // The tensor stored under `key`, its bytes a view into the mapped shard, its CRC-32C checked.
  // Throws remo::Error naming the index file and the key: an absent key, a string or other
  // unsupported dtype, a sliced (partitioned) variable, bytes outside the shard, a checksum mismatch.
  Tensor tensor(const std::string& key) const;
  // A scalar DT_STRING stored under `key` (TensorFlow's object-graph record, for instance).
  std::string string_scalar(const std::string& key) const;

  const std::string& index_path() const { return index_path_; }
  // The .index and every data shard: the files the tensors are read (mapped) from.
  std::vector<std::string> files() const;

 private:
  TensorBundle() = default;
  std::string where(const std::string& key) const;
  const uint8_t* bytes_of(const std::string& key, const tensorflow::BundleEntryProto& e,
                          std::shared_ptr<const MappedFile>* shard) const;

  std::string index_path_;
  std::map<std::string, tensorflow::BundleEntryProto> entries_;
  std::vector<std::shared_ptr<const MappedFile>> shards_;
};

// "PREFIX.data-0000K-of-0000N".
std::string bundle_shard_path(const std::string& prefix, int shard, int shards);

}  // namespace remo::tf_import
