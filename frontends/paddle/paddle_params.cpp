#include "frontends/paddle/paddle_params.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>

#include "engine/graph/error.h"
#include "engine/graph/shape.h"
#include "frontends/paddle/paddle_types.h"
#include "frontends/paddle/proto/framework.pb.h"

namespace remo::paddle_import {
namespace fs = std::filesystem;
namespace {

// A cursor over the mapped file that names the variable being read in every error.
class ParamCursor {
 public:
  ParamCursor(const MappedFile& file, std::string path) : file_(file), path_(std::move(path)) {}

  void start(const std::string& name) { name_ = name; }
  size_t offset() const { return offset_; }
  size_t left() const { return file_.size() - offset_; }

  void need(size_t bytes, const std::string& what) const {
    if (bytes > left())
      throw Error(path_ + ": variable '" + name_ + "': truncated " + what + ": needs " + std::to_string(bytes) +
                  " bytes at offset " + std::to_string(offset_) + " but the file has " + std::to_string(left()) +
                  " left");
  }
  template <typename T>
  T read(const std::string& what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, file_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  const uint8_t* take(size_t bytes, const std::string& what) {
    need(bytes, what);
    const uint8_t* at = file_.data() + offset_;
    offset_ += bytes;
    return at;
  }
  // `at`: where the faulty item starts (default: the cursor).
  [[noreturn]] void fail(const std::string& what, std::optional<size_t> at = std::nullopt) const {
    throw Error(path_ + ": variable '" + name_ + "' (at offset " + std::to_string(at.value_or(offset_)) + "): " + what);
  }

 private:
  const MappedFile& file_;
  std::string path_;
  std::string name_;
  size_t offset_ = 0;
};

Tensor read_one(ParamCursor& in, const std::shared_ptr<const MappedFile>& file) {
  const size_t start = in.offset();
  const uint32_t version = in.read<uint32_t>("tensor version");
  if (version != 0) in.fail("unsupported tensor version " + std::to_string(version) + " (expected 0)", start);
  // Level-of-detail offsets describe sequence batches; inference weights carry none, but the bytes
  // are skipped whatever they say.
  const uint64_t levels = in.read<uint64_t>("LoD level count");
  if (levels > 64) in.fail("implausible LoD level count " + std::to_string(levels));
  for (uint64_t l = 0; l < levels; ++l) {
    const uint64_t bytes = in.read<uint64_t>("LoD level size");
    in.take(static_cast<size_t>(bytes), "LoD level");
  }
  const uint32_t tensor_version = in.read<uint32_t>("dense tensor version");
  if (tensor_version != 0)
    in.fail("unsupported dense tensor version " + std::to_string(tensor_version) + " (expected 0)");
  const int32_t desc_size = in.read<int32_t>("tensor description size");
  if (desc_size < 0) in.fail("negative tensor description size " + std::to_string(desc_size));
  const size_t desc_at = in.offset();
  const uint8_t* desc_bytes = in.take(static_cast<size_t>(desc_size), "tensor description");
  paddle_proto::VarType::TensorDesc desc;
  if (!desc.ParseFromArray(desc_bytes, desc_size) || !desc.IsInitialized())
    in.fail("the tensor description is not a valid TensorDesc", desc_at);
  std::optional<ElementType> type = element_type_from_paddle(desc.data_type());
  if (!type) in.fail("unsupported element type " + paddle_type_name(desc.data_type()), desc_at);
  Shape shape(desc.dims().begin(), desc.dims().end());
  size_t count = 0;
  try {
    count = element_count(shape);  // rejects negative dimensions and overflow
  } catch (const Error& e) {
    in.fail(std::string("shape ") + shape_to_string(shape) + ": " + e.what(), desc_at);
  }
  const size_t element_bytes = bit_width(*type) / 8;
  if (count > std::numeric_limits<size_t>::max() / element_bytes)
    in.fail("byte size of shape " + shape_to_string(shape) + " overflows", desc_at);
  const size_t bytes = count * element_bytes;
  const size_t offset = in.offset();
  in.take(bytes, "data of shape " + shape_to_string(shape) + " " + std::string(type_name(*type)));
  return Tensor(*type, std::move(shape), std::make_shared<BufferView>(file, offset, bytes));
}

}  // namespace

std::map<std::string, Tensor> read_combined_params(const std::shared_ptr<const MappedFile>& file,
                                                   const std::vector<std::string>& names) {
  ParamCursor in(*file, file->path());
  std::map<std::string, Tensor> tensors;
  for (const std::string& name : names) {
    in.start(name);
    tensors[name] = read_one(in, file);
  }
  if (in.left() != 0)
    throw Error(file->path() + ": " + std::to_string(in.left()) + " bytes are left after the last of the " +
                std::to_string(names.size()) +
                " persistable variables the program declares: the file does not belong to this program");
  return tensors;
}

std::optional<std::string> file_in_folder(const std::string& folder, const std::string& file_name) {
  if (file_name.empty() || file_name == "." || file_name == ".." || file_name.find('/') != std::string::npos ||
      file_name.find('\0') != std::string::npos)
    throw Error("'" + file_name + "' cannot be a file name in the model's folder");
  const fs::path path = fs::path(folder.empty() ? "." : folder) / file_name;
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  const fs::path real_folder = fs::canonical(folder.empty() ? "." : folder, ec);
  if (ec) throw Error(folder + ": cannot resolve the model's folder: " + ec.message());
  const fs::path real = fs::canonical(path, ec);
  if (ec) throw Error(path.string() + ": cannot resolve: " + ec.message());
  const std::string inside = real_folder.string() + (real_folder.string().back() == '/' ? "" : "/");
  if (real.string().rfind(inside, 0) != 0)
    throw Error(path.string() + ": resolves to '" + real.string() + "', outside the model's folder '" +
                real_folder.string() + "'");
  return path.string();
}

}  // namespace remo::paddle_import
