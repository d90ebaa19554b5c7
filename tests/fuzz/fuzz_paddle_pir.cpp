// libFuzzer target: the Paddle PIR reader must read a program (.json) and its parameters or throw
// remo::Error, whatever their bytes. An input is a little-endian uint32 N, then N bytes of the
// .json program, then the .pdiparams (an N past the end takes everything as the program).
// fuzz-seeds: tests/fuzz/seeds/paddle_pir/*
#include <algorithm>
#include <cstring>

#include "engine/graph/error.h"
#include "frontends/paddle/pir_reader.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint32_t program_size = 0;
  if (size >= 4) std::memcpy(&program_size, data, 4);
  const size_t header = std::min<size_t>(size, 4);
  const size_t program = std::min<size_t>(program_size, size - header);
  std::string path = remo::fuzz::write_input("model.json", data + header, program);
  remo::fuzz::write_input("model.pdiparams", data + header + program, size - header - program);
  try {
    remo::read_paddle_pir_model(path);
  } catch (const remo::Error&) {
  }
  return 0;
}
