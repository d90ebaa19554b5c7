#include "frontends/onnx/onnx_external_data.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "engine/graph/error.h"

namespace remo::onnx_import {
namespace {

// realpath(3) as a string; nullopt with errno set if the path does not resolve.
std::optional<std::string> canonical_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return std::nullopt;
  std::string out(resolved);
  std::free(resolved);
  return out;
}

// A decimal size from an external_data entry, rejecting signs, junk and overflow.
size_t parse_size(const std::string& text, const std::string& key, const std::string& label) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > SIZE_MAX)
    throw Error(label + ": external data " + key + " '" + text + "' is not a valid byte count");
  return static_cast<size_t>(value);
}

}  // namespace

ExternalData::ExternalData(const std::string& model_path) {
  std::filesystem::path folder = std::filesystem::path(model_path).parent_path();
  folder_ = folder.empty() ? "." : folder.string();
}

const std::string& ExternalData::real_folder(const std::string& label) {
  if (!real_folder_) {
    std::optional<std::string> real = canonical_path(folder_);
    const int error = errno;
    if (!real)
      throw Error(label + ": cannot resolve the model's folder '" + folder_ + "': " + std::strerror(error));
    real_folder_ = *real;
  }
  return *real_folder_;
}

std::shared_ptr<const MappedFile> ExternalData::map(const std::string& location, const std::string& label) {
  const std::string where = label + ": external data location '" + location + "'";
  if (location.empty()) throw Error(label + ": external data has no location");
  // ONNX Runtime lets `offset` carry a raw pointer when the location is this marker; honouring it
  // from a file would be an arbitrary memory read.
  if (location.find("_ORT_MEM_ADDR_") != std::string::npos)
    throw Error(where + " is ONNX Runtime's in-memory address marker, which a model file may not use");
  if (location.find('\0') != std::string::npos) throw Error(where + " contains a NUL byte");
  if (location.front() == '/') throw Error(where + " is an absolute path; it must be relative to the model's folder");

  // `..` is refused before touching the file system, so the answer does not reveal whether a file
  // outside the folder exists.
  const std::filesystem::path normal = std::filesystem::path(location).lexically_normal();
  if (!normal.empty() && *normal.begin() == "..") throw Error(where + " escapes the model's folder");

  const std::string joined = folder_ + "/" + location;
  std::optional<std::string> resolved = canonical_path(joined);
  const int error = errno;
  if (!resolved) throw Error(where + " cannot be opened (" + joined + "): " + std::strerror(error));
  // Containment is checked again on canonical paths, which catches symlinks pointing outside.
  const std::string& root = real_folder(label);
  if (*resolved == root) throw Error(where + " is the model's folder itself, not a file");
  const std::string prefix = root == "/" ? root : root + "/";
  if (resolved->compare(0, prefix.size(), prefix) != 0)
    throw Error(where + " resolves to '" + *resolved + "', outside the model's folder '" + root + "'");

  auto it = files_.find(*resolved);
  if (it != files_.end()) return it->second;
  try {
    auto file = MappedFile::open(*resolved);
    files_.emplace(*resolved, file);
    return file;
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
}

std::shared_ptr<const Buffer> ExternalData::load(const onnx::TensorProto& tensor, size_t needed_bytes,
                                                 const std::string& label) {
  std::optional<std::string> location;
  size_t offset = 0;
  std::optional<size_t> length;
  for (const auto& entry : tensor.external_data()) {
    if (entry.key() == "location") location = entry.value();
    else if (entry.key() == "offset") offset = parse_size(entry.value(), "offset", label);
    else if (entry.key() == "length") length = parse_size(entry.value(), "length", label);
    // "checksum" and unknown keys carry nothing needed to read the bytes.
  }
  if (!location) throw Error(label + ": external data has no location");
  auto file = map(*location, label);
  const size_t size = length.value_or(needed_bytes);
  if (offset > file->size() || size > file->size() - offset)
    throw Error(label + ": external data [offset " + std::to_string(offset) + ", length " +
                std::to_string(size) + "] lies outside '" + *location + "' (" +
                std::to_string(file->size()) + " bytes)");
  return std::make_shared<BufferView>(file, offset, size);
}

std::vector<std::string> ExternalData::files() const {
  std::vector<std::string> out;
  for (const auto& entry : files_) out.push_back(entry.first);
  return out;
}

}  // namespace remo::onnx_import
