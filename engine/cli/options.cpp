#include "engine/cli/options.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "engine/cli/mo_option_syntax.h"
#include "engine/graph/error.h"

namespace remo {
namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    out.push_back(text.substr(start, pos - start));
    if (pos == std::string::npos) return out;
    start = pos + 1;
  }
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  size_t b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

int64_t parse_dim(const std::string& text, const std::string& whole) {
  std::string t = trim(text);
  if (t == "?" || t == "-1") return kDynamicDim;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size() || value < 0)
    throw Error("--input_shape '" + whole + "': '" + t + "' is not a dimension (a number, -1 or ?)");
  return value;
}

}  // namespace

std::vector<PartialShape> parse_shape_list(const std::string& text) {
  std::vector<PartialShape> shapes;
  size_t i = 0;
  auto skip_space = [&] { while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i; };
  skip_space();
  if (i < text.size() && text[i] != '[' && text[i] != '(') {
    // A single shape written without brackets: "1,3,224,224".
    std::vector<int64_t> dims;
    for (const auto& d : split(text, ',')) dims.push_back(parse_dim(d, text));
    return {PartialShape(dims)};
  }
  while (i < text.size()) {
    char open = text[i];
    char close = open == '[' ? ']' : open == '(' ? ')' : 0;
    if (!close) throw Error("--input_shape '" + text + "': expected '[' or '(' at position " + std::to_string(i));
    size_t end = text.find(close, i);
    if (end == std::string::npos) throw Error("--input_shape '" + text + "': missing '" + std::string(1, close) + "'");
    std::string body = trim(text.substr(i + 1, end - i - 1));
    std::vector<int64_t> dims;
    if (!body.empty())
      for (const auto& d : split(body, ',')) dims.push_back(parse_dim(d, text));
    shapes.emplace_back(dims);
    i = end + 1;
    skip_space();
  }
  return shapes;
}

// What the IR records of an option: a repeated option keeps its last value, as it does in effect
// (the IR writer refuses a key given twice).
void record(ConvertOptions& c, const std::string& key, const std::string& value) {
  for (auto& [k, v] : c.recorded_options)
    if (k == key) {
      v = value;
      return;
    }
  c.recorded_options.emplace_back(key, value);
}

bool is_bool_word(const std::string& word) {
  for (const char* w : {"True", "False", "true", "false"})
    if (word == w) return true;
  return false;
}

LogLevel parse_log_level(const std::string& text) {
  static const std::pair<const char*, LogLevel> levels[] = {
      {"CRITICAL", LogLevel::critical}, {"ERROR", LogLevel::error},  {"WARN", LogLevel::warning},
      {"WARNING", LogLevel::warning},   {"INFO", LogLevel::info},    {"DEBUG", LogLevel::debug},
      {"NOTSET", LogLevel::notset}};
  for (const auto& [name, level] : levels)
    if (text == name) return level;
  throw Error("--log_level '" + text + "': expected one of CRITICAL, ERROR, WARN, WARNING, INFO, DEBUG, NOTSET");
}

CliRequest parse_command_line(const std::vector<std::string>& args) {
  CliRequest req;
  auto& c = req.convert;
  c.edits.compress_to_fp16 = true;  // the command line's default
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) throw Error(flag + " needs a value");
      return args[++i];
    };
    if (flag == "-h" || flag == "--help") {
      req.help = true;
    } else if (flag == "--version") {
      req.version = true;
    } else if (flag == "--input_model" || flag == "-m" || flag == "-w") {
      c.input_model = value();
      record(c, "input_model", std::filesystem::path(c.input_model).filename().string());
    } else if (flag == "--output_dir" || flag == "-o") {
      c.output_dir = value();
    } else if (flag == "--model_name" || flag == "-n") {
      c.model_name = value();
      record(c, "model_name", c.model_name);
    } else if (flag == "--input_shape") {
      std::string v = value();
      c.edits.input_shapes = parse_shape_list(v);
      record(c, "input_shape", v);
    } else if (flag == "--input") {
      std::string v = value();
      c.edits.inputs = parse_input_option(v);
      record(c, "input", v);
    } else if (flag == "--output") {
      std::string v = value();
      c.edits.outputs = parse_output_option(v);
      record(c, "output", v);
    } else if (flag == "--batch" || flag == "-b") {
      std::string v = value();
      int64_t batch = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), batch);
      if (ec != std::errc() || end != v.data() + v.size() || batch <= 0)
        throw Error(flag + " '" + v + "': expected a positive whole number");
      c.edits.batch = batch;
      record(c, "batch", v);
    } else if (flag == "--layout" || flag == "--source_layout" || flag == "--target_layout") {
      std::string v = value();
      for (LayoutSpec& spec : parse_layout_option(flag, v)) {
        if (flag == "--target_layout") std::swap(spec.source, spec.target);
        c.edits.layouts.push_back(std::move(spec));
      }
      record(c, flag.substr(2), v);
    } else if (flag == "--mean_values" || flag == "-ms" || flag == "--scale_values") {
      std::string v = value();
      bool mean = flag != "--scale_values";
      auto& target = mean ? c.edits.mean_values : c.edits.scale_values;
      target = parse_input_values(mean ? "--mean_values" : "--scale_values", v);
      record(c, mean ? "mean_values" : "scale_values", v);
    } else if (flag == "--scale" || flag == "-s") {
      std::string v = value();
      char* end = nullptr;
      double scale = std::strtod(v.c_str(), &end);
      if (v.empty() || end != v.c_str() + v.size() || !(scale != 0) || !std::isfinite(scale))
        throw Error(flag + " '" + v + "': expected a non-zero number to divide the inputs by");
      c.edits.scale = scale;
      record(c, "scale", v);
    } else if (flag == "--reverse_input_channels" || flag == "--static_shape" || flag == "--compress_to_fp16" ||
               flag == "--silent" || flag == "--progress") {
      // mo's booleans: "--flag" alone means True; "--flag=False" or "--flag False" sets it.
      bool on = true;
      if (inline_value) on = parse_bool_option(flag, *inline_value);
      else if (i + 1 < args.size() && is_bool_word(args[i + 1])) on = parse_bool_option(flag, args[++i]);
      if (flag == "--reverse_input_channels") c.edits.reverse_input_channels = on;
      else if (flag == "--static_shape") c.edits.static_shape = on;
      else if (flag == "--compress_to_fp16") c.edits.compress_to_fp16 = on;
      else if (flag == "--silent") req.silent = on;
      else req.progress = on;
      if (flag != "--silent" && flag != "--progress")
        record(c, flag.substr(2), on ? "True" : "False");
    } else if (flag == "--log_level") {
      req.log_level = parse_log_level(value());
    } else if (flag == "--extensions") {
      for (const auto& dir : split(value(), ','))
        if (!dir.empty()) c.extensions.push_back(dir);
    } else if (flag == "--transformations_config" || flag == "--tensorflow_use_custom_operations_config") {
      c.transformations_config = value();
      record(c, "transformations_config",
                                      std::filesystem::path(c.transformations_config).filename().string());
    } else if (flag == "--tensorflow_custom_operations_config_update") {
      c.transformations_config_update = value();
    } else if (flag == "--trace-rules" || flag == "--trace_rules") {
      if (inline_value) throw Error(flag + " takes no value");
      c.trace_rules = true;
    } else if (flag == "--verify") {
      if (inline_value) throw Error(flag + " takes no value");
      c.verify = true;
    } else if (flag == "--explain") {
      c.explain_rule = value();
    } else if (flag == "--at") {
      c.explain_node = value();
    } else if (flag == "--framework") {
      std::string fw = value();
      if (fw == "tensorflow") fw = "tf";
      if (fw != "onnx" && fw != "tf" && fw != "paddle")
        throw Error("--framework " + fw + ": supported are onnx, tf (tensorflow) and paddle");
      c.framework = fw;
      c.recorded_options.emplace_back("framework", fw);
    } else if (flag == "--input_checkpoint") {
      c.input_checkpoint = value();
      record(c, "input_checkpoint", std::filesystem::path(c.input_checkpoint).filename().string());
    } else if (flag == "--input_meta_graph") {
      c.input_meta_graph = value();
      record(c, "input_meta_graph", std::filesystem::path(c.input_meta_graph).filename().string());
    } else if (flag == "--saved_model_dir") {
      c.saved_model_dir = value();
      record(c, "saved_model_dir", std::filesystem::path(c.saved_model_dir).lexically_normal().filename().string());
    } else if (flag == "--saved_model_tags") {
      std::string v = value();
      c.saved_model_tags.clear();
      for (std::string tag : split(v, ',')) {
        tag.erase(0, tag.find_first_not_of(" \t"));
        tag.erase(tag.find_last_not_of(" \t") + 1);
        if (!tag.empty()) c.saved_model_tags.push_back(tag);
      }
      if (c.saved_model_tags.empty()) throw Error("--saved_model_tags '" + v + "': expected comma-separated tags (e.g. serve)");
      record(c, "saved_model_tags", v);
    } else if (flag == "--input_model_is_text") {
      if (inline_value) throw Error(flag + " takes no value");
      c.input_model_is_text = true;
      c.recorded_options.emplace_back("input_model_is_text", "True");
    } else if (flag == "--tensorboard_logdir") {
      c.tensorboard_logdir = value();
      if (c.tensorboard_logdir.empty()) throw Error(flag + " needs a folder");
    } else if (flag == "--tensorflow_custom_layer_libraries") {
      c.tensorflow_custom_layer_libraries = value();
    } else if (flag == "--disable_nhwc_to_nchw") {
      if (inline_value) throw Error(flag + " takes no value");
      c.disable_nhwc_to_nchw = true;
      c.recorded_options.emplace_back("disable_nhwc_to_nchw", "True");
    } else {
      throw Error("unknown option '" + args[i] + "' (see remo --help)");
    }
  }
  if (c.explain_rule.empty() != c.explain_node.empty())
    throw Error("--explain RULE and --at NODE go together (why RULE does not match at NODE)");
  if (!req.help && !req.version && c.input_model.empty() && c.input_meta_graph.empty() && c.saved_model_dir.empty())
    throw Error("--input_model is required (or --input_meta_graph, --saved_model_dir; see remo --help)");
  return req;
}

std::string usage_text() {
  return R"(usage: remo --input_model FILE [options]

Converts a trained model to OpenVINO IR (FILE.xml + FILE.bin).

  --input_model, -m FILE   model to convert (.onnx; TensorFlow frozen graph .pb or .pbtxt)
  --output_dir, -o DIR     where to write the IR (default: current folder)
  --model_name, -n NAME    base name of the .xml/.bin (default: the model file's stem)
  --input INPUTS           comma-separated inputs: NAME, NAME:OUT_PORT or IN_PORT:NAME, each with
                           an optional shape [1,3,224,224], type {i64} and frozen value ->[1 2 3];
                           naming an inner tensor or node cuts the model there (a new input)
  --input_shape SHAPES     e.g. [1,3,224,224] or [1,3,224,224],[1,10]; -1 or ? keeps a dimension
                           dynamic; in --input order, else in model input order
  --batch, -b N            set dimension 0 of every input to N
  --output OUTPUTS         comma-separated NAME, NAME:OUT_PORT or IN_PORT:NAME: the model ends there
  --layout LAYOUTS         NAME(nchw), NAME(nchw->nhwc), nchw or [n,c,h,w]: an input's layout,
                           and the one it is fed in after '->'; or an output's layout
  --source_layout LAYOUTS  an input's layout, as --layout without '->'
  --target_layout LAYOUTS  the layout an input is fed in; a Transpose puts it back
  --mean_values VALUES     NAME[123,117,104] (or [..] for the inputs in order): subtracted per channel
  --scale_values VALUES    NAME[58,57,57]: the inputs are divided by them per channel, after the mean
  --scale, -s N            divide every input by N (unless it has --scale_values)
  --reverse_input_channels reverse the channels (RGB<->BGR) of 3-channel inputs, before mean/scale
  --static_shape           fold shape sub-graphs once the input shapes are static
  --compress_to_fp16[=True|False]
                           store f32 weights as f16 plus a decompressing Convert (default True);
                           a weight f16 cannot hold stays f32, with a warning
  --log_level LEVEL        CRITICAL, ERROR (default), WARNING, INFO or DEBUG; INFO and DEBUG print
                           each conversion stage with its time
  --silent                 print errors only
  --progress               print a progress line per conversion stage
  --extensions DIRS        comma-separated folders of extra rules (Lua, JSON), searched after the
                           built-in rules; a later translation of the same op wins
  --transformations_config FILE
                           mo's JSON sub-graph replacement config; each entry goes to the Lua
                           replacer registered under its id (docs/transformations-config.md);
                           a name not found is also looked up in the built-in configs/ folder
  --tensorflow_custom_operations_config_update FILE
                           rewrite FILE's scope entries with the inputs/outputs found in the
                           model (as mo does), then convert
  --framework NAME         source framework (onnx, tf, paddle); taken from the file extension by default
  --input_model_is_text    the TensorFlow model is a text GraphDef (implied by .pbtxt)
  --input_checkpoint PREFIX
                           TensorFlow: the variables of --input_model (a GraphDef) or
                           --input_meta_graph from the checkpoint PREFIX.index/.data-* (a
                           folder: its latest checkpoint)
  --input_meta_graph FILE  TensorFlow MetaGraphDef (.meta); variables from the checkpoint beside it
  --saved_model_dir DIR    TensorFlow SavedModel folder (TF1 or TF2)
  --saved_model_tags TAGS  comma-separated tags of the SavedModel's MetaGraph (default: serve)
  --disable_nhwc_to_nchw   keep a TensorFlow model's NHWC inputs (default: rank-4 inputs become
                           NCHW, docs/tensorflow.md)
  --tensorboard_logdir DIR write the TensorFlow graph read as a TensorBoard event file into DIR
                           (events.out.tfevents.<time>.<host>)
  --tensorflow_custom_layer_libraries LIBS
                           accepted but not loaded: remo converts custom TensorFlow ops with Lua
                           rules given with --extensions (docs/tensorflow.md)
  --trace-rules            print every rule application (phase, rule, node) to stderr, then a
                           table of applications, attempts and time per rule
  --explain RULE --at NODE after the phase of pattern rule RULE, print why it does not match at
                           node NODE: the deepest partial match and the first failed predicate,
                           with its JSON path (or the Lua line)
  --verify                 run the graph after translation and after the rewrites on the same
                           generated inputs with the reference evaluators; if the outputs
                           differ, name the first rule application (or pass, or folding) that
                           changed them and write nothing
  --version                print the version and exit
  --help, -h               print this help and exit

Exit status: 0 on success, 1 when the conversion fails, 2 on a command-line error.
)";
}

}  // namespace remo
