#pragma once
// A file written under a temporary name next to its final path, so that a reader never sees a
// half-written IR: commit() renames it into place, and the destructor removes the temporary file
// if commit() was never reached (an exception on the way out leaves nothing behind).
#include <cstddef>
#include <filesystem>
#include <string>

namespace remo {

class PendingFile {
 public:
  // Creates (truncates) "<final_path>.tmp-<pid>-<n>". Throws remo::Error naming the path.
  explicit PendingFile(std::filesystem::path final_path);
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  // Writes all `size` bytes (straight from `data`, which may be a mapped file). Throws
  // remo::Error naming the final path on any failure, e.g. a full disk.
  void write(const void* data, size_t size);
  // Writes `count` zero bytes.
  void write_zeros(size_t count);
  // Closes the file, reporting a late write error. Must precede commit().
  void close();
  // Renames the temporary file to the final path. Throws remo::Error naming both paths.
  void commit();

  const std::filesystem::path& final_path() const { return final_path_; }

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace remo
