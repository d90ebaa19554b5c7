#include "frontends/tensorflow/tf_reader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <climits>

#include "engine/graph/buffer.h"
#include "engine/graph/error.h"
#include "engine/pipeline/model_boundary.h"
#include "frontends/tensorflow/proto/graph.pb.h"
#include "frontends/tensorflow/tf_event_file.h"
#include "frontends/tensorflow/tf_function_library.h"
#include "frontends/tensorflow/tf_graph_builder.h"
#include "frontends/tensorflow/tf_inputs.h"
#include "frontends/tensorflow/tf_layout.h"

namespace remo {
namespace {

// Keeps the text parser's first error with its line and column (1-based, as editors count).
class FirstError final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& message) override {
    if (message_.empty()) message_ = std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

void parse_text(const MappedFile& file, tensorflow::GraphDef& def, const std::string& path) {
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  std::string text(reinterpret_cast<const char*>(file.data()), file.size());
  if (!parser.ParseFromString(text, &def))
    throw Error(path + ":" + (errors.message().empty() ? std::string(" not a valid text GraphDef") : errors.message()));
}

void parse_binary(const MappedFile& file, tensorflow::GraphDef& def, const std::string& path) {
  if (file.size() > static_cast<size_t>(INT_MAX))
    throw Error(path + ": a binary GraphDef larger than 2 GB cannot be read");
  if (!def.ParseFromArray(file.data(), static_cast<int>(file.size())))
    throw Error(path + ": not a valid binary GraphDef (truncated or not protobuf); for a text "
                "GraphDef use --input_model_is_text or the .pbtxt extension");
}

}  // namespace

std::unique_ptr<Graph> read_tf_model(const std::string& path, const TfReadOptions& options) {
  std::shared_ptr<const MappedFile> file = MappedFile::open(path);  // its errors name the path
  tensorflow::GraphDef def;
  if (options.text) parse_text(*file, def, path);
  else parse_binary(*file, def, path);
  file.reset();  // every byte needed was copied into `def`
  // The graph as read, before the builder takes its attributes apart.
  if (!options.tensorboard_logdir.empty())
    tf_import::write_graph_event_file(options.tensorboard_logdir, def.SerializeAsString());
  auto graph = std::make_unique<Graph>();
  try {
    graph->meta["framework"] = std::string("tf");
    graph->meta["tf:producer"] = static_cast<int64_t>(def.versions().producer());
    tf_import::inline_function_calls(def);
    // If/While branches and bodies are library functions, read as graphs when lowered.
    const tensorflow::FunctionDefLibrary& library = def.library();
    tf_import::FunctionLookup functions = [&library](const std::string& name) {
      tf_import::FunctionBody body = tf_import::function_body(library, name);
      return tf_import::FunctionGraph{std::move(body.graph), std::move(body.inputs), std::move(body.outputs)};
    };
    tf_import::build_graph(*graph, def, &functions);
    tf_import::feed_named_defaults(*graph, options.inputs);
    // Shapes are set on the NHWC inputs, before they turn NCHW: the user gives them in the
    // model's own layout.
    ModelEditOptions shapes;
    for (const InputSpec& in : options.inputs)
      if (in.shape && tf_import::names_a_placeholder(*graph, in))
        shapes.inputs.push_back(InputSpec{.name = in.name, .output_port = in.output_port, .shape = in.shape,
                                          .text = in.text});
    shapes.input_shapes = options.input_shapes;
    apply_input_edits(*graph, shapes, [](const std::string&) { return std::optional<OutputInfo>{}; });
    graph->meta["tf:nchw_inputs"] = options.nhwc_to_nchw && tf_import::make_inputs_nchw(*graph) > 0;
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  return graph;
}

}  // namespace remo
