#pragma once
// mo's syntax for the options that edit a model's inputs and outputs. Every parser throws
// remo::Error naming the option, the text at fault and what was expected.
#include <string>
#include <vector>

#include "engine/pipeline/model_options.h"

namespace remo {

// --input: comma-separated "name", "name:port", "port:name", each optionally followed by a shape
// "[1,3,224,224]" (or "[1 3 224 224]", "?"/-1 dynamic), a type "{i64}" and a value "->[1 2]" or "->5".
std::vector<InputSpec> parse_input_option(const std::string& text);
// --output: comma-separated "name", "name:port" (output port), "port:name" (input port).
std::vector<OutputSpec> parse_output_option(const std::string& text);
// --mean_values / --scale_values: "data[123,117,104],info[1]" or unnamed "[123,117,104]".
std::vector<InputValues> parse_input_values(const std::string& option, const std::string& text);
// --layout "name(nchw->nhwc)", "nchw", "[n,c,h,w]"; --source_layout and --target_layout take one
// layout per group (no "->"); their result has it in `source`.
std::vector<LayoutSpec> parse_layout_option(const std::string& option, const std::string& text);
// A type name in mo's or OpenVINO's spelling: f32, FP32, float32, i64, int64, u8, boolean...
ElementType parse_type_option(const std::string& option, const std::string& text);
// True/False, true/false, 1/0, yes/no for --flag=VALUE.
bool parse_bool_option(const std::string& option, const std::string& text);
// Splits on commas that are not inside [], () or {}.
std::vector<std::string> split_top_level(const std::string& text);

}  // namespace remo
