#include "engine/limits/limits.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

#include "engine/graph/error.h"

namespace remo {

uint64_t limit_value(const Limit& limit) {
  // Read on every use (cheap), so a test or an embedding program may change it at any time.
  const char* text = std::getenv(limit.variable);
  if (!text || !*text) return limit.default_value;
  uint64_t value = 0;
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end || value == 0)
    throw Error(std::string("the environment variable ") + limit.variable + "='" + text +
                "' is not a positive integer");
  return value;
}

std::string limit_message(const Limit& limit, const std::string& what_happened) {
  const uint64_t value = limit_value(limit);
  const std::string example = value <= UINT64_MAX / 2 ? std::to_string(value * 2) : std::to_string(value);
  return what_happened + " (limit " + limit.variable + "=" + std::to_string(value) +
         "; raise it by setting that environment variable, e.g. " + limit.variable + "=" + example + ")";
}

void check_limit(const Limit& limit, uint64_t value, const std::string& what) {
  const uint64_t max = limit_value(limit);
  if (value > max)
    throw Error(limit_message(limit, what + " has " + std::to_string(value) + " " + limit.unit + ", more than " +
                                         std::to_string(max)));
}

}  // namespace remo
