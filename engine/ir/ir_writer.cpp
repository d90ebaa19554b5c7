#include "engine/ir/ir_writer.h"

#include <exception>
#include <filesystem>
#include <system_error>

#include "engine/graph/error.h"
#include "engine/ir/ir_bin_writer.h"
#include "engine/ir/ir_layer_plan.h"
#include "engine/ir/ir_pending_file.h"
#include "engine/ir/ir_xml_document.h"

namespace remo {
namespace {

namespace fs = std::filesystem;

// pugixml's output sink. pugixml cannot report a failed write, so the first error is kept and
// rethrown once saving returns.
class PendingFileXmlWriter final : public pugi::xml_writer {
 public:
  explicit PendingFileXmlWriter(PendingFile& file) : file_(file) {}
  void write(const void* data, size_t size) override {
    if (error_) return;
    try {
      file_.write(data, size);
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  void rethrow_error() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  PendingFile& file_;
  std::exception_ptr error_;
};

void check_model_name(const std::string& name) {
  check(!name.empty() && name != "." && name != ".." &&
            name.find_first_of(std::string("/\0", 2)) == std::string::npos,
        "model name '" + name + "' is not a plain file name");
}

void create_output_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir.string() + ": cannot create the output directory: " + ec.message());
  check(fs::is_directory(dir, ec), dir.string() + ": the output path is not a directory");
}

}  // namespace

void write_ir(const Graph& graph, const std::string& output_dir, const IrWriteOptions& options) {
  check_model_name(options.model_name);
  // Plan first: a graph that cannot be written fails before any file is touched.
  IrLayerPlan plan = plan_ir_layers(graph, options.custom_ops);

  const fs::path dir = output_dir.empty() ? fs::path(".") : fs::path(output_dir);
  create_output_dir(dir);
  PendingFile bin(dir / (options.model_name + ".bin"));
  PendingFile xml(dir / (options.model_name + ".xml"));

  IrBinWriter bin_writer(bin);
  pugi::xml_document doc;
  build_ir_document(doc, graph, plan, options, bin_writer);
  PendingFileXmlWriter sink(xml);
  doc.save(sink, "  ", pugi::format_indent, pugi::encoding_utf8);
  sink.rethrow_error();

  bin.close();
  xml.close();
  // The .bin goes first: a runtime that sees the new .xml must find its weights.
  bin.commit();
  try {
    xml.commit();
  } catch (...) {
    std::error_code ignored;
    fs::remove(bin.final_path(), ignored);  // an unmatched .bin is worse than none
    throw;
  }
}

}  // namespace remo
