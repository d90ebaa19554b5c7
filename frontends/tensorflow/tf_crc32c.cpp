#include "frontends/tensorflow/tf_crc32c.h"

#include <array>

namespace remo::tf_import {
namespace {

// Slicing-by-4 tables of the reflected polynomial 0x82F63B78.
using Tables = std::array<std::array<uint32_t, 256>, 4>;

Tables make_tables() {
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    t[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (size_t s = 1; s < 4; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  return t;
}

}  // namespace

uint32_t crc32c(const uint8_t* data, size_t size, uint32_t init) {
  static const Tables t = make_tables();
  uint32_t c = ~init;
  while (size >= 4) {
    c ^= static_cast<uint32_t>(data[0]) | static_cast<uint32_t>(data[1]) << 8 | static_cast<uint32_t>(data[2]) << 16 |
         static_cast<uint32_t>(data[3]) << 24;
    c = t[3][c & 0xff] ^ t[2][(c >> 8) & 0xff] ^ t[1][(c >> 16) & 0xff] ^ t[0][c >> 24];
    data += 4;
    size -= 4;
  }
  while (size--) c = (c >> 8) ^ t[0][(c ^ *data++) & 0xff];
  return ~c;
}

}  // namespace remo::tf_import
