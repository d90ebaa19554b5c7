// The .bin side of the IR writer: alignment, deduplication, and weights streamed from a mapped
// file.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <csignal>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "engine/graph/buffer.h"
#include "engine/graph/error.h"
#include "engine/ir/ir_writer.h"
#include "engine/ops/op_registry.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

using namespace testing_support;

namespace fs = std::filesystem;

struct ConstPlacement {
  std::string name;
  size_t offset;
  size_t size;
};

// Writes `g` and returns the Const layers' placements, in layer order, and the .bin bytes.
std::vector<ConstPlacement> write_and_place(const Graph& g, const fs::path& dir, std::string& bin) {
  write_ir(g, dir.string(), IrWriteOptions{"m", {}});
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_file((dir / "m.xml").c_str()));
  std::vector<ConstPlacement> out;
  for (pugi::xml_node l : doc.child("net").child("layers").children("layer"))
    if (std::string(l.attribute("type").value()) == "Const")
      out.push_back({l.attribute("name").value(), l.child("data").attribute("offset").as_ullong(),
                     l.child("data").attribute("size").as_ullong()});
  bin = slurp(dir / "m.bin");
  return out;
}

// A Constant kept alive by a Result of its own, so that the writer places it.
Node& result_constant(Graph& g, const std::string& name, Tensor value) {
  Node& c = constant(g, name, std::move(value));
  result(g, c.output(), name + "_out");
  return c;
}

std::string bytes_of(const Tensor& t) {
  return std::string(reinterpret_cast<const char*>(t.bytes()), t.byte_count());
}

TEST(IrBin, BlobsAreAlignedPaddedWithZerosAndDeduplicated) {
  Graph g;
  Tensor a = Tensor::from_values<float>(ElementType::f32, {3}, {1.f, 2.f, 3.f});
  Tensor b = Tensor::from_values<int8_t>(ElementType::i8, {5}, {1, 2, 3, 4, 5});
  Tensor a_again = Tensor::from_values<float>(ElementType::f32, {3}, {1.f, 2.f, 3.f});
  Tensor c = Tensor::from_values<uint16_t>(ElementType::f16, {2, 2}, {1, 2, 3, 4});
  result_constant(g, "a", a);
  result_constant(g, "b", b);
  result_constant(g, "a_again", a_again);
  result_constant(g, "c", c);
  ScratchDir dir;
  std::string bin;
  auto placed = write_and_place(g, dir.path(), bin);
  ASSERT_EQ(placed.size(), 4u);
  EXPECT_EQ(placed[0].offset, 0u);
  EXPECT_EQ(placed[0].size, 12u);
  EXPECT_EQ(placed[1].offset, 64u);
  EXPECT_EQ(placed[1].size, 5u);
  EXPECT_EQ(placed[2].offset, placed[0].offset);  // same bytes stored once
  EXPECT_EQ(placed[3].offset, 128u);
  EXPECT_EQ(placed[3].size, 8u);
  EXPECT_EQ(bin.size(), 136u);  // no padding after the last blob
  EXPECT_EQ(bin.substr(0, 12), bytes_of(a));
  EXPECT_EQ(bin.substr(12, 52), std::string(52, '\0'));
  EXPECT_EQ(bin.substr(64, 5), bytes_of(b));
  EXPECT_EQ(bin.substr(128, 8), bytes_of(c));
}

TEST(IrBin, SameBytesWithAnotherTypeShareTheBlobAndEmptyOnesTakeNoSpace) {
  Graph g;
  result_constant(g, "f", Tensor::from_values<float>(ElementType::f32, {1}, {0.f}));
  result_constant(g, "i", Tensor::from_values<int32_t>(ElementType::i32, {1}, {0}));
  result_constant(g, "empty", Tensor::from_values<int64_t>(ElementType::i64, {0}, {}));
  ScratchDir dir;
  std::string bin;
  auto placed = write_and_place(g, dir.path(), bin);
  ASSERT_EQ(placed.size(), 3u);
  EXPECT_EQ(placed[1].offset, placed[0].offset);
  EXPECT_EQ(placed[2].size, 0u);
  EXPECT_EQ(placed[2].offset, 0u);
  EXPECT_EQ(bin.size(), 4u);
}

TEST(IrBin, MappedWeightsAreWrittenFromTheMapping) {
  ScratchDir dir;
  // A "weights file" with a header, so the tensor starts at an unaligned offset inside the map.
  std::vector<float> values(1000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f;
  const size_t header = 3;
  {
    std::ofstream out(dir.path() / "weights.raw", std::ios::binary);
    out.write("hdr", header);
    out.write(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  }
  auto mapped = MappedFile::open((dir.path() / "weights.raw").string());
  Tensor w(ElementType::f32, {10, 100},
           std::make_shared<BufferView>(mapped, header, values.size() * sizeof(float)));
  ASSERT_TRUE(w.is_mapped());
  ASSERT_EQ(w.bytes(), mapped->data() + header);  // the tensor is the mapping, not a copy

  Graph g;
  result_constant(g, "w", w);
  std::string bin;
  auto placed = write_and_place(g, dir.path() / "ir", bin);
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].size, 4000u);
  ASSERT_EQ(bin.size(), 4000u);
  EXPECT_EQ(std::memcmp(bin.data(), values.data(), bin.size()), 0);
}

// Caps the size of files this process may write, the way a full disk would stop a write, and
// restores the limit when it goes out of scope.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    saved_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG from write() instead of a signal
    rlimit limited = saved_;
    limited.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &limited);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, saved_handler_);
  }

 private:
  rlimit saved_{};
  void (*saved_handler_)(int) = nullptr;
};

TEST(IrBin, AFailedWriteIsReportedAndLeavesNothingBehind) {
  Graph g;
  result_constant(g, "big", Tensor::from_values<float>(ElementType::f32, {4096}, std::vector<float>(4096, 1.f)));
  ScratchDir dir;
  try {
    FileSizeLimit limit(1024);
    write_ir(g, dir.path().string(), IrWriteOptions{"m", {}});
    FAIL() << "the write did not fail";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find((dir.path() / "m.bin").string() + ": write failed"), std::string::npos) << message;
  }
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

}  // namespace
}  // namespace remo
