#pragma once
// The combined parameter file (.pdiparams) of Paddle's inference format: the persistable
// variables one after another, in the byte order of their names, each as
//   uint32 version (0) | uint64 LoD level count, per level uint64 byte size + that many bytes |
//   uint32 tensor version (0) | int32 size + a VarType.TensorDesc of that size | the raw data,
// all little-endian. Tensors are views into the mapped file, never copies.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/buffer.h"
#include "engine/graph/tensor.h"

namespace remo::paddle_import {

// Reads one tensor per name of `names` (already in file order) from `file`. Throws remo::Error
// naming the file, the variable and what is wrong: a truncated tensor says how many bytes it
// needs and how many are left; bytes left over after the last tensor are an error too.
std::map<std::string, Tensor> read_combined_params(const std::shared_ptr<const MappedFile>& file,
                                                   const std::vector<std::string>& names);

// `folder`/`file_name` when that exists and resolves (through symbolic links) inside `folder`;
// nullopt when it does not exist. Throws remo::Error when it resolves outside the folder, or when
// `file_name` is not a plain name (empty, ".", "..", or with a '/').
std::optional<std::string> file_in_folder(const std::string& folder, const std::string& file_name);

}  // namespace remo::paddle_import
