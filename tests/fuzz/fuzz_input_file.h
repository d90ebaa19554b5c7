#pragma once
// Fuzz inputs reach the readers the way users' files do: as a path. Each input is written to a
// file in a private RAM-backed folder, so the readers' mmap and path handling are exercised too.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace remo::fuzz {

// A folder created once per process under /dev/shm (or /tmp when that is missing).
inline const std::string& scratch_folder() {
  static const std::string folder = [] {
    std::string pattern = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/remo_fuzz_XXXXXX");
    if (!mkdtemp(pattern.data())) abort();
    return pattern;
  }();
  return folder;
}

// Writes the input to scratch_folder()/name and returns the path.
inline std::string write_input(const std::string& name, const uint8_t* data, size_t size) {
  std::string path = scratch_folder() + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) abort();
  if (size && std::fwrite(data, 1, size, f) != size) abort();
  std::fclose(f);
  return path;
}

}  // namespace remo::fuzz
