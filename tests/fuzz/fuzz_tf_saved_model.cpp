// libFuzzer target: the SavedModel and MetaGraph readers must read a model or throw remo::Error,
// whatever the bytes of saved_model.pb / model.meta. Each input is tried as a SavedModel's
// saved_model.pb and as a MetaGraphDef, both beside a valid checkpoint (written once) that holds
// a variable "w", a TF2 object graph naming it, and nothing else.
// fuzz-seeds: tests/fuzz/seeds/tf_saved_model/* tests/data/bad_inputs/tf_saved_model_missing_shard/model/saved_model.pb
#include <filesystem>

#include "engine/graph/error.h"
#include "frontends/tensorflow/proto/trackable_object_graph.pb.h"
#include "frontends/tensorflow/tf_reader.h"
#include "tests/fuzz/fuzz_input_file.h"
#include "tests/unit/tf_bundle_writer.h"

namespace {

void write_checkpoint(const std::string& prefix) {
  tensorflow::TrackableObjectGraph objects;
  objects.add_nodes()->add_children()->set_node_id(1);
  auto* attr = objects.add_nodes()->add_attributes();
  attr->set_name("VARIABLE_VALUE");
  attr->set_checkpoint_key("w/.ATTRIBUTES/VARIABLE_VALUE");
  remo::testing_support::BundleWriter writer;
  writer.add_floats("w", {2, 2}, {1, 2, 3, 4});
  writer.add_floats("w/.ATTRIBUTES/VARIABLE_VALUE", {2, 2}, {1, 2, 3, 4});
  writer.add_string("_CHECKPOINTABLE_OBJECT_GRAPH", objects.SerializeAsString());
  writer.write(prefix);
}

const std::string& folder() {
  static const std::string dir = [] {
    const std::string sm = remo::fuzz::scratch_folder() + "/sm";
    std::filesystem::create_directories(sm + "/variables");
    write_checkpoint(sm + "/variables/variables");
    write_checkpoint(remo::fuzz::scratch_folder() + "/model");
    return sm;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& sm = folder();
  remo::fuzz::write_input("sm/saved_model.pb", data, size);
  remo::fuzz::write_input("model.meta", data, size);
  remo::TfReadOptions options;
  options.nhwc_to_nchw = size % 2 == 0;
  try {
    remo::read_tf_saved_model(sm, {"serve"}, options);
  } catch (const remo::Error&) {
  }
  try {
    remo::read_tf_meta_graph(remo::fuzz::scratch_folder() + "/model.meta", options);
  } catch (const remo::Error&) {
  }
  return 0;
}
