// libFuzzer target: the TensorFlow reader must read a GraphDef or throw remo::Error, whatever its
// bytes. Each input is tried as a binary GraphDef and as a text one.
// fuzz-seeds: tests/fuzz/seeds/tf_graphdef/*
#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_reader.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  for (bool text : {false, true}) {
    std::string path = remo::fuzz::write_input(text ? "model.pbtxt" : "model.pb", data, size);
    remo::TfReadOptions options;
    options.text = text;
    try {
      remo::read_tf_model(path, options);
    } catch (const remo::Error&) {
    }
  }
  return 0;
}
