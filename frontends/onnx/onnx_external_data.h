#pragma once
// Tensors whose bytes live in files next to the model (TensorProto.data_location = EXTERNAL).
// The location comes from the model file, i.e. from whoever wrote it, so it is treated as hostile:
// it must be relative, must resolve (after `..` and symlinks) to a file inside the model's
// folder, and may not be ONNX Runtime's in-memory address marker. Each file is mapped once and
// tensors are views into it, so external weights are never copied either.
#include <onnx/onnx_pb.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/buffer.h"

namespace remo::onnx_import {

class ExternalData {
 public:
  // `model_path` is the .onnx file as given by the user; locations are relative to its folder.
  explicit ExternalData(const std::string& model_path);

  // The bytes of an EXTERNAL tensor: `length` bytes at `offset` of the `location` file, where a
  // missing offset is 0 and a missing length is `needed_bytes`. Throws remo::Error starting with
  // `label` (e.g. "tensor 'w'") that names the location and what is wrong.
  std::shared_ptr<const Buffer> load(const onnx::TensorProto& tensor, size_t needed_bytes,
                                     const std::string& label);
  // The canonical paths of every file mapped so far, sorted.
  std::vector<std::string> files() const;

 private:
  // The mapped file at `location`, after the containment checks.
  std::shared_ptr<const MappedFile> map(const std::string& location, const std::string& label);
  const std::string& real_folder(const std::string& label);

  std::string folder_;                     // the model's folder as given, for joining
  std::optional<std::string> real_folder_;  // its canonical path, resolved on first use
  std::map<std::string, std::shared_ptr<const MappedFile>> files_;  // by canonical path
};

}  // namespace remo::onnx_import
