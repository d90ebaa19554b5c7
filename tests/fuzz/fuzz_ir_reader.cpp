// libFuzzer target: the IR reader must read an .xml (with a fixed .bin beside it) or throw
// remo::Error, whatever the XML says about offsets, sizes, shapes and ops.
// fuzz-seeds: tests/fuzz/seeds/ir_reader/*.xml tests/data/**/*.xml
#include <vector>

#include "engine/graph/error.h"
#include "engine/ir/ir_reader.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool bin_written = [] {
    std::vector<uint8_t> weights(1 << 16);
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<uint8_t>(i * 37);
    remo::fuzz::write_input("model.bin", weights.data(), weights.size());
    return true;
  }();
  (void)bin_written;
  std::string path = remo::fuzz::write_input("model.xml", data, size);
  try {
    remo::read_ir(path);
  } catch (const remo::Error&) {
  }
  return 0;
}
