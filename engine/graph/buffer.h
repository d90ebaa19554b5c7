#pragma once
// Immutable byte buffers shared between tensors. A buffer either owns its bytes or is a view into a
// memory-mapped file, so weights read from a model are never copied on their way to the .bin.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace remo {

class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual const uint8_t* data() const = 0;
  virtual size_t size() const = 0;
  // True when the bytes live in a memory-mapped file rather than on the heap.
  virtual bool is_mapped() const { return false; }
};

class OwnedBuffer final : public Buffer {
 public:
  explicit OwnedBuffer(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  const uint8_t* data() const override { return bytes_.data(); }
  size_t size() const override { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

// A whole file mapped read-only. Throws remo::Error naming the file if it cannot be opened or mapped.
class MappedFile final : public Buffer {
 public:
  static std::shared_ptr<const MappedFile> open(const std::string& path);
  ~MappedFile() override;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const override { return data_; }
  size_t size() const override { return size_; }
  bool is_mapped() const override { return true; }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  const uint8_t* data_;
  size_t size_;
};

// A byte range of another buffer, keeping that buffer alive.
class BufferView final : public Buffer {
 public:
  // Throws remo::Error if [offset, offset + size) is outside `base`.
  BufferView(std::shared_ptr<const Buffer> base, size_t offset, size_t size);
  const uint8_t* data() const override { return base_->data() + offset_; }
  size_t size() const override { return size_; }
  bool is_mapped() const override { return base_->is_mapped(); }

 private:
  std::shared_ptr<const Buffer> base_;
  size_t offset_;
  size_t size_;
};

}  // namespace remo
