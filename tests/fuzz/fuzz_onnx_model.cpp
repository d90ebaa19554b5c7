// libFuzzer target: the ONNX reader must read a file or throw remo::Error, whatever its bytes.
// fuzz-seeds: tests/fuzz/seeds/onnx_model/*.onnx tests/data/**/*.onnx
#include "engine/graph/error.h"
#include "frontends/onnx/onnx_reader.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = remo::fuzz::write_input("model.onnx", data, size);
  try {
    remo::read_onnx_model(path);
  } catch (const remo::Error&) {
  }
  return 0;
}
