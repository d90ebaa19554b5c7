// TensorFlow tensor-bundle checkpoints: the table format (blocks, shared key prefixes, masked
// CRCs), every numeric dtype as a view into the mapped shard, and the errors for what remo
// refuses or cannot read.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wrestrict"  // GCC bug 105329 in inlined std::string code
#endif
#include "frontends/tensorflow/tf_tensor_bundle.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_crc32c.h"
#include "frontends/tensorflow/tf_table.h"
#include "tests/unit/test_support.h"
#include "tests/unit/tf_bundle_writer.h"

namespace remo::tf_import {
namespace {

using testing_support::BundleWriter;
using testing_support::ScratchDir;
namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string bytes_of(const void* p, size_t n) { return std::string(static_cast<const char*>(p), n); }

TEST(TfCrc32c, MatchesTheStandardCheckValue) {
  const std::string text = "123456789";
  EXPECT_EQ(crc32c(reinterpret_cast<const uint8_t*>(text.data()), text.size()), 0xE3069283u);
  // Extending in two parts gives the same CRC.
  uint32_t part = crc32c(reinterpret_cast<const uint8_t*>(text.data()), 4);
  EXPECT_EQ(crc32c(reinterpret_cast<const uint8_t*>(text.data() + 4), 5, part), 0xE3069283u);
}

TEST(TfTable, ReadsEntriesAcrossBlocksWithSharedPrefixes) {
  std::map<std::string, std::string> pairs{{"", "h"}, {"layer/bias", "1"}, {"layer/kernel", "22"},
                                           {"layer/kernel/slot", "333"}, {"z", ""}};
  const std::string file = testing_support::table_bytes(pairs, 2);
  auto read = read_table(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "t.index");
  ASSERT_EQ(read.size(), pairs.size());
  size_t i = 0;
  for (const auto& [key, value] : pairs) {
    EXPECT_EQ(read[i].first, key);
    EXPECT_EQ(read[i].second, value);
    ++i;
  }
}

TEST(TfTable, DamageIsAnErrorNamingTheFile) {
  const std::string file = testing_support::table_bytes({{"", "h"}, {"a", "1"}, {"b", "2"}}, 1);
  auto read = [](const std::string& bytes) {
    return error_of([&] { read_table(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "t.index"); });
  };
  EXPECT_NE(read(file.substr(0, 20)).find("t.index: 20 bytes, too short for a checkpoint index"), std::string::npos);
  EXPECT_NE(read(file.substr(0, file.size() - 1)).find("t.index: not a checkpoint index (no table magic"), std::string::npos);
  std::string flipped = file;
  flipped[2] ^= 0x40;
  EXPECT_NE(read(flipped).find("t.index: data block 0 at byte 0: checksum mismatch"), std::string::npos) << read(flipped);
  // A footer whose index handle points past the end of the file.
  std::string far = file;
  std::string footer;
  testing_support::put_varint(footer, 0);  // meta-index handle
  testing_support::put_varint(footer, 0);
  testing_support::put_varint(footer, 1000000);  // index handle
  testing_support::put_varint(footer, 10);
  footer.resize(40, '\0');
  far.replace(far.size() - 48, 40, footer);
  EXPECT_NE(read(far).find("t.index: the index block [1000000, +10] lies outside the file's"), std::string::npos)
      << read(far);
}

TEST(TfTensorBundle, ReadsEveryNumericDtypeAsAViewIntoTheMappedShard) {
  ScratchDir dir;
  const std::string prefix = (dir.path() / "model.ckpt").string();
  BundleWriter w;
  w.add_floats("dense/kernel", {2, 3}, {1, 2, 3, 4, 5, 6});
  const int64_t i64[] = {-5, 7};
  w.add("step", tensorflow::DT_INT64, {2}, bytes_of(i64, sizeof i64), 1);
  const uint16_t half[] = {0x3c00};
  w.add("h", tensorflow::DT_HALF, {1}, bytes_of(half, 2));
  w.add("bf", tensorflow::DT_BFLOAT16, {1}, bytes_of(half, 2));
  const uint8_t flags[] = {1, 0, 1};
  w.add("flags", tensorflow::DT_BOOL, {3}, bytes_of(flags, 3));
  w.add("q", tensorflow::DT_QINT8, {3}, bytes_of(flags, 3));
  const double d = 2.5;
  w.add("scalar", tensorflow::DT_DOUBLE, {}, bytes_of(&d, 8), 1);
  w.add_string("_CHECKPOINTABLE_OBJECT_GRAPH", "object graph bytes");
  w.write(prefix);

  auto bundle = TensorBundle::open(prefix);
  EXPECT_EQ(bundle->keys().size(), 8u);
  Tensor kernel = bundle->tensor("dense/kernel");
  EXPECT_EQ(kernel.type(), ElementType::f32);
  EXPECT_EQ(kernel.shape(), (Shape{2, 3}));
  EXPECT_TRUE(kernel.buffer()->is_mapped());
  EXPECT_EQ(kernel.at<float>(5), 6.0f);
  Tensor step = bundle->tensor("step");
  EXPECT_EQ(step.type(), ElementType::i64);
  EXPECT_EQ(step.at<int64_t>(0), -5);
  EXPECT_EQ(bundle->tensor("h").type(), ElementType::f16);
  EXPECT_EQ(bundle->tensor("bf").type(), ElementType::bf16);
  EXPECT_EQ(bundle->tensor("flags").type(), ElementType::boolean);
  EXPECT_EQ(bundle->tensor("q").type(), ElementType::i8);
  EXPECT_EQ(bundle->tensor("scalar").at<double>(0), 2.5);
  EXPECT_EQ(bundle->string_scalar("_CHECKPOINTABLE_OBJECT_GRAPH"), "object graph bytes");
  EXPECT_EQ(bundle->files().size(), 3u);  // the index and two shards
}

TEST(TfTensorBundle, RefusesWhatItCannotReadNamingTheFileAndVariable) {
  ScratchDir dir;
  const std::string prefix = (dir.path() / "m").string();
  BundleWriter w;
  w.add_floats("ok", {2}, {1, 2});
  w.add_string("text", "hello");
  tensorflow::BundleEntryProto sliced;
  sliced.set_dtype(tensorflow::DT_FLOAT);
  sliced.mutable_shape()->add_dim()->set_size(4);
  sliced.add_slices();
  w.add_entry("sliced", sliced);
  tensorflow::BundleEntryProto complex;
  complex.set_dtype(tensorflow::DT_COMPLEX64);
  w.add_entry("complex", complex);
  tensorflow::BundleEntryProto big;
  big.set_dtype(tensorflow::DT_FLOAT);
  big.mutable_shape()->add_dim()->set_size(1000);
  big.set_size(4000);
  w.add_entry("beyond", big);
  w.write(prefix);
  auto bundle = TensorBundle::open(prefix);
  const std::string where = prefix + ".index: variable '";
  EXPECT_NE(error_of([&] { bundle->tensor("text"); }).find(where + "text' is a string tensor"), std::string::npos);
  EXPECT_NE(error_of([&] { bundle->tensor("sliced"); }).find(where + "sliced' is a sliced (partitioned) variable"),
            std::string::npos);
  EXPECT_NE(error_of([&] { bundle->tensor("complex"); }).find("has dtype DT_COMPLEX64, which remo cannot represent"),
            std::string::npos);
  EXPECT_NE(error_of([&] { bundle->tensor("beyond"); }).find("lie outside " + prefix + ".data-00000-of-00001"),
            std::string::npos);
  EXPECT_NE(error_of([&] { bundle->tensor("absent"); }).find(prefix + ".index: the checkpoint has no variable 'absent'"),
            std::string::npos);

  // A flipped data byte fails the tensor's checksum.
  const std::string shard = bundle_shard_path(prefix, 0, 1);
  std::string data = testing_support::slurp(shard);
  data[0] ^= 1;
  std::ofstream(shard, std::ios::binary) << data;
  EXPECT_NE(error_of([&] { TensorBundle::open(prefix)->tensor("ok"); }).find("checksum mismatch on its bytes"),
            std::string::npos);
}

TEST(TfTensorBundle, MissingFilesAreNamed) {
  ScratchDir dir;
  const std::string prefix = (dir.path() / "m").string();
  EXPECT_NE(error_of([&] { TensorBundle::open(prefix); }).find(prefix + ".index: no such file"), std::string::npos);
  std::ofstream(prefix) << "a V1 checkpoint";
  EXPECT_NE(error_of([&] { TensorBundle::open(prefix); }).find("TensorFlow's V1 format, which remo does not read"),
            std::string::npos);
  fs::remove(prefix);
  BundleWriter w;
  w.add_floats("a", {1}, {1}, 0);
  w.add_floats("b", {1}, {2}, 1);
  w.write(prefix);
  fs::remove(bundle_shard_path(prefix, 1, 2));
  EXPECT_NE(error_of([&] { TensorBundle::open(prefix); })
                .find(prefix + ".data-00001-of-00002: missing data shard 1 of 2 named by " + prefix + ".index"),
            std::string::npos);
}

}  // namespace
}  // namespace remo::tf_import
