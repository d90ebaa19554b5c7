#pragma once
// What the user asked to change about the model's boundary and inputs: the parsed values of
// --input, --output, --batch, --layout/--source_layout/--target_layout, --mean_values,
// --scale_values, --scale and --reverse_input_channels. engine/cli/mo_option_syntax.h parses them.
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/element_type.h"
#include "engine/graph/shape.h"

namespace remo {

// One item of --input: "name", "name:port" (an output port), "port:name" (an input port),
// then optionally a shape "[1,3,224,224]", a type "{i64}" and a frozen value "->[1 2]".
struct InputSpec {
  std::string name;
  std::optional<int64_t> output_port;  // "name:0": the tensor on output port 0 of node name
  std::optional<int64_t> input_port;   // "0:name": the tensor feeding input port 0 of node name
  std::optional<PartialShape> shape;
  std::optional<ElementType> type;
  std::optional<std::vector<double>> value;  // frozen: the input becomes this constant
  // How the user spelled it, for messages.
  std::string text;
};

// One item of --output: "name", "name:port" (output port), "port:name" (input port).
struct OutputSpec {
  std::string name;
  std::optional<int64_t> output_port;
  std::optional<int64_t> input_port;
  std::string text;
};

// One group of --mean_values / --scale_values: "data[123,117,104]" or, unnamed, "[123,117,104]".
struct InputValues {
  std::string input;  // empty when unnamed: matched to the inputs in order
  std::vector<double> values;
};

// One group of --layout / --source_layout / --target_layout: "name(nchw->nhwc)", "nchw",
// "[n,c,h,w]". Layouts are kept as upper-case dimension names, one per axis ("N","C","H","W"; "?"
// for an axis without a name).
struct LayoutSpec {
  std::string input;  // empty when unnamed: the only input, or the inputs in order
  std::vector<std::string> source;  // the layout the model's input has
  std::vector<std::string> target;  // the layout the user feeds; empty when not changed
};

struct ModelEditOptions {
  std::vector<InputSpec> inputs;
  std::vector<PartialShape> input_shapes;  // --input_shape, in --input order (or model order)
  std::optional<int64_t> batch;
  std::vector<OutputSpec> outputs;
  std::vector<LayoutSpec> layouts;
  std::vector<InputValues> mean_values;
  std::vector<InputValues> scale_values;
  std::optional<double> scale;
  bool reverse_input_channels = false;
  bool static_shape = false;
  // The command line turns it on unless --compress_to_fp16=False; a program calling convert_model
  // asks for it.
  bool compress_to_fp16 = false;
};

// "[N,C,H,W]": the spelling of a layout in the IR's rt_info and in messages.
std::string layout_to_string(const std::vector<std::string>& layout);

}  // namespace remo
