#include "engine/ir/ir_pending_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "engine/graph/error.h"

namespace remo {
namespace {

// Distinguishes temporary files of concurrent writes within one process.
std::atomic<unsigned> temp_counter{0};

std::string reason(int err) { return std::strerror(err); }

}  // namespace

PendingFile::PendingFile(std::filesystem::path final_path) : final_path_(std::move(final_path)) {
  temp_path_ = final_path_;
  temp_path_ += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter++);
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(temp_path_.string() + ": cannot create: " + reason(errno));
}

PendingFile::~PendingFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void PendingFile::write(const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    // Large mapped weights go out in bounded pieces; Linux caps one write() near 2 GiB anyway.
    ssize_t n = ::write(fd_, p, std::min<size_t>(size, size_t{1} << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(final_path_.string() + ": write failed: " + reason(n < 0 ? errno : EIO));
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void PendingFile::write_zeros(size_t count) {
  static const char kZeros[256] = {};
  while (count > 0) {
    size_t n = std::min(count, sizeof kZeros);
    write(kZeros, n);
    count -= n;
  }
}

void PendingFile::close() {
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw Error(final_path_.string() + ": write failed: " + reason(errno));
}

void PendingFile::commit() {
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0)
    throw Error(final_path_.string() + ": cannot rename " + temp_path_.string() + " into place: " +
                reason(errno));
  committed_ = true;
}

}  // namespace remo
