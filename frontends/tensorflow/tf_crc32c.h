#pragma once
// CRC-32C (Castagnoli), the checksum of TensorFlow's table files and tensor bundles, and the
// "masked" form stored next to data that may itself contain CRCs.
#include <cstddef>
#include <cstdint>

namespace remo::tf_import {

uint32_t crc32c(const uint8_t* data, size_t size, uint32_t init = 0);
// Rotated and offset so that a CRC of bytes that hold CRCs does not look like one.
inline uint32_t mask_crc32c(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

}  // namespace remo::tf_import
