#include "frontends/tensorflow/tf_event_file.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "frontends/tensorflow/proto/event.pb.h"

namespace remo::tf_import {
namespace {

constexpr uint32_t kCastagnoliReflected = 0x82F63B78u;
constexpr uint32_t kMaskDelta = 0xa282ead8u;

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (kCastagnoliReflected ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

void append_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  std::string host(name.data());
  // The name becomes part of a file name.
  for (char& c : host)
    if (c == '/' || c == '\\') c = '_';
  return host;
}

std::string event_bytes(double wall_time, const auto& set_what) {
  tensorflow::Event event;
  event.set_wall_time(wall_time);
  set_what(event);
  return event.SerializeAsString();
}

}  // namespace

uint32_t crc32c(std::string_view data) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) crc = table[(crc ^ byte) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

uint32_t masked_crc32c(std::string_view data) {
  uint32_t crc = crc32c(data);
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}

void append_tfrecord(std::string& out, std::string_view data) {
  std::string length;
  append_le(length, data.size(), 8);
  out += length;
  append_le(out, masked_crc32c(length), 4);
  out.append(data);
  append_le(out, masked_crc32c(data), 4);
}

std::string graph_event_records(std::string_view graph_def, double wall_time) {
  std::string out;
  append_tfrecord(out, event_bytes(wall_time, [](tensorflow::Event& e) { e.set_file_version("brain.Event:2"); }));
  append_tfrecord(out, event_bytes(wall_time, [&](tensorflow::Event& e) {
    e.set_graph_def(std::string(graph_def));
  }));
  return out;
}

std::string write_graph_event_file(const std::string& logdir, std::string_view graph_def) {
  namespace fs = std::filesystem;
  const std::string what = "--tensorboard_logdir " + logdir + ": ";
  std::error_code ec;
  fs::create_directories(logdir, ec);
  if (ec || !fs::is_directory(logdir)) throw Error(what + "cannot create the folder (" + ec.message() + ")");
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string base = (fs::path(logdir) / ("events.out.tfevents." +
                                                std::to_string(static_cast<int64_t>(std::floor(now))) + "." +
                                                host_name())).string();
  // Another conversion in the same second keeps its file: TensorBoard lists both runs.
  std::string path = base;
  for (int n = 1; fs::exists(path, ec); ++n) path = base + "." + std::to_string(n);
  const std::string records = graph_event_records(graph_def, now);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(records.data(), static_cast<std::streamsize>(records.size()));
  out.close();
  if (!out) throw Error(what + "cannot write " + path);
  return path;
}

}  // namespace remo::tf_import
