#include "engine/cli/options.h"

#include <charconv>
#include <filesystem>

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

CliRequest parse_command_line(const std::vector<std::string>& args) {
  CliRequest req;
  auto& c = req.convert;
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
      c.recorded_options.emplace_back("input_model", std::filesystem::path(c.input_model).filename().string());
    } else if (flag == "--output_dir" || flag == "-o") {
      c.output_dir = value();
    } else if (flag == "--model_name" || flag == "-n") {
      c.model_name = value();
      c.recorded_options.emplace_back("model_name", c.model_name);
    } else if (flag == "--input_shape") {
      std::string v = value();
      c.input_shapes = parse_shape_list(v);
      c.recorded_options.emplace_back("input_shape", v);
    } else if (flag == "--input") {
      std::string v = value();
      for (const auto& name : split(v, ','))
        if (!trim(name).empty()) c.input_names.push_back(trim(name));
      c.recorded_options.emplace_back("input", v);
    } else if (flag == "--extensions") {
      for (const auto& dir : split(value(), ','))
        if (!dir.empty()) c.extensions.push_back(dir);
    } else if (flag == "--transformations_config" || flag == "--tensorflow_use_custom_operations_config") {
      c.transformations_config = value();
      c.recorded_options.emplace_back("transformations_config",
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
      c.framework = value();
      if (c.framework != "onnx" && c.framework != "paddle")
        throw Error("--framework " + c.framework + ": supported are onnx and paddle");
    } else {
      throw Error("unknown option '" + args[i] + "' (see remo --help)");
    }
  }
  if (c.explain_rule.empty() != c.explain_node.empty())
    throw Error("--explain RULE and --at NODE go together (why RULE does not match at NODE)");
  if (!req.help && !req.version && c.input_model.empty()) throw Error("--input_model is required (see remo --help)");
  return req;
}

std::string usage_text() {
  return R"(usage: remo --input_model FILE [options]

Converts a trained model to OpenVINO IR (FILE.xml + FILE.bin).

  --input_model, -m FILE   model to convert (.onnx)
  --output_dir, -o DIR     where to write the IR (default: current folder)
  --model_name, -n NAME    base name of the .xml/.bin (default: the model file's stem)
  --input NAMES            comma-separated model inputs that --input_shape applies to
  --input_shape SHAPES     e.g. [1,3,224,224] or [1,3,224,224],[1,10]; -1 or ? keeps a dimension dynamic
  --extensions DIRS        comma-separated folders of extra rules (Lua, JSON), searched after the
                           built-in rules; a later translation of the same op wins
  --transformations_config FILE
                           mo's JSON sub-graph replacement config; each entry goes to the Lua
                           replacer registered under its id (docs/transformations-config.md);
                           a name not found is also looked up in the built-in configs/ folder
  --tensorflow_custom_operations_config_update FILE
                           rewrite FILE's scope entries with the inputs/outputs found in the
                           model (as mo does), then convert
  --framework NAME         source framework (onnx, paddle); taken from the file extension by default
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
