// libFuzzer target: the checkpoint reader must read a tensor bundle or throw remo::Error, whatever
// the bytes of its .index and data shard. An input is a little-endian uint32 size of the .index,
// the .index bytes, then the bytes of data shard 0 (tests/fuzz/make_tf_bundle_seeds.py packs
// real checkpoints that way). Every entry is read, as a tensor or as a string scalar.
// fuzz-seeds: tests/fuzz/seeds/tf_bundle/*
#include <cstring>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_tensor_bundle.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t index_size = 0;
  if (size >= 4) std::memcpy(&index_size, data, 4);
  const size_t body = size >= 4 ? size - 4 : 0;
  if (index_size > body) index_size = static_cast<uint32_t>(body);
  const uint8_t* index = data + (size >= 4 ? 4 : 0);
  remo::fuzz::write_input("ckpt.index", index, index_size);
  remo::fuzz::write_input("ckpt.data-00000-of-00001", index + index_size, body - index_size);
  try {
    auto bundle = remo::tf_import::TensorBundle::open(remo::fuzz::scratch_folder() + "/ckpt");
    for (const std::string& key : bundle->keys()) {
      try {
        if (bundle->entry(key).dtype() == tensorflow::DT_STRING) bundle->string_scalar(key);
        else bundle->tensor(key);
      } catch (const remo::Error&) {
      }
    }
  } catch (const remo::Error&) {
  }
  return 0;
}
