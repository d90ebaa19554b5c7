#pragma once
// One error type for every user-facing failure. The message is what the user reads, so it names
// the file, node or rule and what was expected; callers add context as the error travels up.
#include <stdexcept>
#include <string>

namespace remo {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Throws Error(message) unless `condition` holds. Used for input validation, never for bugs.
inline void check(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

}  // namespace remo
