// --tensorboard_logdir: the TFRecord framing and Event records of the graph event file. That
// TensorFlow itself reads the file back is checked by tests/conformance/test_tf_options.py.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "engine/graph/error.h"
#include "frontends/tensorflow/proto/event.pb.h"
#include "frontends/tensorflow/tf_event_file.h"
#include "tests/unit/test_support.h"

namespace remo::tf_import {
namespace {

using remo::testing_support::ScratchDir;
using remo::testing_support::slurp;

uint64_t read_le(std::string_view bytes, size_t at, int count) {
  uint64_t v = 0;
  for (int i = count - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

// Splits a TFRecord stream, checking every length and CRC.
std::vector<std::string> records(std::string_view stream) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < stream.size()) {
    EXPECT_LE(at + 12, stream.size());
    uint64_t length = read_le(stream, at, 8);
    EXPECT_EQ(read_le(stream, at + 8, 4), masked_crc32c(stream.substr(at, 8)));
    std::string_view data = stream.substr(at + 12, length);
    EXPECT_EQ(read_le(stream, at + 12 + length, 4), masked_crc32c(data));
    out.emplace_back(data);
    at += 12 + length + 4;
  }
  EXPECT_EQ(at, stream.size());
  return out;
}

TEST(TfEventFileTest, Crc32cHasTheCastagnoliCheckValue) {
  // The standard check value of CRC-32C, and the empty input.
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  uint32_t crc = crc32c("123456789");
  EXPECT_EQ(masked_crc32c("123456789"), ((crc >> 15) | (crc << 17)) + 0xa282ead8u);
}

TEST(TfEventFileTest, RecordsAreAFileVersionThenTheGraph) {
  const std::string graph("\x0a\x05\x0a\x01x\x12\x00", 7);  // bytes of some GraphDef, a NUL included
  std::vector<std::string> recs = records(graph_event_records(graph, 1234.5));
  ASSERT_EQ(recs.size(), 2u);
  tensorflow::Event first, second;
  ASSERT_TRUE(first.ParseFromString(recs[0]));
  ASSERT_TRUE(second.ParseFromString(recs[1]));
  EXPECT_EQ(first.file_version(), "brain.Event:2");
  EXPECT_DOUBLE_EQ(first.wall_time(), 1234.5);
  EXPECT_EQ(second.graph_def(), graph);
  EXPECT_DOUBLE_EQ(second.wall_time(), 1234.5);
}

TEST(TfEventFileTest, FileIsNamedForTensorBoardInAFolderItCreates) {
  ScratchDir dir("tf_event_file");
  std::filesystem::path logdir = dir.path() / "logs" / "run1";
  std::string path = write_graph_event_file(logdir.string(), "graph-bytes");
  EXPECT_EQ(std::filesystem::path(path).parent_path(), logdir);
  EXPECT_EQ(std::filesystem::path(path).filename().string().rfind("events.out.tfevents.", 0), 0u);
  std::vector<std::string> recs = records(slurp(path));
  ASSERT_EQ(recs.size(), 2u);
  tensorflow::Event graph;
  ASSERT_TRUE(graph.ParseFromString(recs[1]));
  EXPECT_EQ(graph.graph_def(), "graph-bytes");
}

TEST(TfEventFileTest, ASecondFileInTheSameSecondGetsItsOwnName) {
  ScratchDir dir("tf_event_file");
  std::string first = write_graph_event_file(dir.path().string(), "one");
  std::string second = write_graph_event_file(dir.path().string(), "two");
  std::string third = write_graph_event_file(dir.path().string(), "three");
  EXPECT_NE(first, second);
  EXPECT_NE(second, third);
  EXPECT_NE(first, third);
  for (const std::string& path : {first, second, third}) EXPECT_EQ(records(slurp(path)).size(), 2u) << path;
}

TEST(TfEventFileTest, AFolderThatCannotBeMadeIsAnError) {
  ScratchDir dir("tf_event_file");
  std::filesystem::path blocker = dir.path() / "file";
  std::ofstream(blocker) << "not a folder";
  try {
    write_graph_event_file((blocker / "logs").string(), "g");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--tensorboard_logdir"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace remo::tf_import
