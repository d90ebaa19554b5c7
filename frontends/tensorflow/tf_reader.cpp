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
#include "frontends/tensorflow/tf_saved_model.h"

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

namespace {

// Inlines the function library, builds the graph, applies the shapes and the layout. Errors are
// prefixed with `path`.
std::unique_ptr<Graph> finish(tf_import::LoadedGraph& loaded, const std::string& path, const TfReadOptions& options) {
  // The graph as read, before inlining and before the builder takes its attributes apart.
  if (!options.tensorboard_logdir.empty())
    tf_import::write_graph_event_file(options.tensorboard_logdir, loaded.def.SerializeAsString());
  auto graph = std::make_unique<Graph>();
  try {
    graph->meta["framework"] = std::string("tf");
    graph->meta["tf:producer"] = static_cast<int64_t>(loaded.def.versions().producer());
    if (!loaded.source_files.empty()) graph->meta["source_files"] = loaded.source_files;
    tf_import::InlineOptions inline_options;
    if (loaded.op_list.op_size() > 0) inline_options.op_list = &loaded.op_list;
    // Body nodes no result reads (a function's side outputs, its saver ops) must not become
    // outputs: after inlining, the graph is cut to the signature's outputs, or else to the
    // outputs the graph had before inlining.
    const bool signature = !loaded.extras.outputs.empty();
    std::vector<std::string> outputs = signature ? std::vector<std::string>{} : tf_import::graph_sinks(loaded.def);
    if (tf_import::inline_function_calls(loaded.def, inline_options) > 0) {
      if (signature)
        for (const auto& [tensor, alias] : loaded.extras.outputs) outputs.push_back(tensor);
      tf_import::prune_to_outputs(loaded.def, outputs, !signature);
    }
    // If/While branches and bodies are library functions, read as graphs when lowered.
    const tensorflow::FunctionDefLibrary& library = loaded.def.library();
    tf_import::FunctionLookup functions = [&library](const std::string& name) {
      tf_import::FunctionBody body = tf_import::function_body(library, name);
      return tf_import::FunctionGraph{std::move(body.graph), std::move(body.inputs), std::move(body.outputs)};
    };
    tf_import::build_graph(*graph, loaded.def, loaded.extras, &functions);
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

}  // namespace

std::unique_ptr<Graph> read_tf_model(const std::string& path, const TfReadOptions& options) {
  std::shared_ptr<const MappedFile> file = MappedFile::open(path);  // its errors name the path
  tf_import::LoadedGraph loaded;
  if (options.text) parse_text(*file, loaded.def, path);
  else parse_binary(*file, loaded.def, path);
  file.reset();  // every byte needed was copied into `def`
  if (!options.checkpoint.empty()) tf_import::bind_checkpoint(loaded, options.checkpoint);  // errors name the checkpoint
  return finish(loaded, path, options);
}

std::unique_ptr<Graph> read_tf_meta_graph(const std::string& path, const TfReadOptions& options) {
  tf_import::LoadedGraph loaded = tf_import::load_meta_graph(path, options.text, options.checkpoint);
  return finish(loaded, path, options);
}

std::unique_ptr<Graph> read_tf_saved_model(const std::string& dir, const std::vector<std::string>& tags,
                                           const TfReadOptions& options) {
  tf_import::LoadedGraph loaded = tf_import::load_saved_model(dir, tags);
  return finish(loaded, dir, options);
}

}  // namespace remo
