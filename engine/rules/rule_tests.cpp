#include "engine/rules/rule_tests.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "engine/ops/custom_ops.h"
#include "engine/passes/constant_folding.h"
#include "engine/passes/evaluate_graph.h"
#include "engine/rules/json_depth.h"
#include "engine/rules/phase_driver.h"
#include "engine/rules/translate.h"

namespace remo {
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* kSuffix = ".test.json";

// A JSON value with the path that leads to it, so that every error names where it is.
struct At {
  const Json& j;
  std::string path;
  At operator[](const std::string& key) const { return At{j.at(key), path + "." + key}; }
  At operator[](size_t i) const { return At{j.at(i), path + "[" + std::to_string(i) + "]"}; }
  bool has(const std::string& key) const { return j.is_object() && j.contains(key); }
  [[noreturn]] void fail(const std::string& message) const { throw Error(path + ": " + message); }
  const Json& want(bool ok, const char* what) const {
    if (!ok) fail(std::string("expected ") + what + ", got " + j.dump());
    return j;
  }
  std::string str() const { return want(j.is_string(), "a string").get<std::string>(); }
  const Json& list() const { return want(j.is_array(), "a list"); }
  const Json& object() const { return want(j.is_object(), "an object"); }
};

ElementType element_type(const At& a) {
  auto t = parse_element_type(a.str());
  if (!t) a.fail("'" + a.str() + "' is not an element type (f32, i64, boolean, ...)");
  return *t;
}

std::vector<int64_t> int_list(const At& a) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < a.list().size(); ++i) out.push_back(a[i].want(a.j[i].is_number_integer(), "an integer").get<int64_t>());
  return out;
}

std::vector<double> number_list(const At& a) {
  std::vector<double> out;
  for (size_t i = 0; i < a.list().size(); ++i) {
    const Json& v = a.j[i];
    if (v.is_boolean()) out.push_back(v.get<bool>() ? 1.0 : 0.0);
    // JSON has no NaN or infinities; tests spell them as strings.
    else if (v.is_string() && v.get<std::string>() == "nan") out.push_back(std::nan(""));
    else if (v.is_string() && v.get<std::string>() == "inf") out.push_back(INFINITY);
    else if (v.is_string() && v.get<std::string>() == "-inf") out.push_back(-INFINITY);
    else out.push_back(a[i].want(v.is_number(), "a number").get<double>());
  }
  return out;
}

Tensor make_tensor(ElementType type, const Shape& shape, const std::vector<double>& values, const At& where) {
  size_t count = element_count(shape);
  if (values.size() != count)
    where.fail(std::to_string(values.size()) + " values do not fill shape " + shape_to_string(shape));
  std::vector<uint8_t> bytes(byte_size(type, count));
  for (size_t i = 0; i < count; ++i) {
    if (is_floating(type)) write_from_double(type, bytes.data(), i, values[i]);
    else write_from_int64(type, bytes.data(), i, static_cast<int64_t>(std::llround(values[i])));
  }
  return Tensor::from_bytes(type, shape, std::move(bytes));
}

// {"type": "f32", "shape": [2], "values": [1, 2]} or {..., "fill": 0.5}
Tensor tensor_spec(const At& a) {
  a.object();
  ElementType type = element_type(a["type"]);
  Shape shape = a.has("shape") ? int_list(a["shape"]) : Shape{};
  std::vector<double> values;
  if (a.has("fill")) values.assign(element_count(shape), a["fill"].want(a.j["fill"].is_number(), "a number").get<double>());
  else if (a.has("values")) values = number_list(a["values"]);
  else a.fail("a tensor needs \"values\" or \"fill\"");
  return make_tensor(type, shape, values, a);
}

AttrValue attr_value(const At& a) {
  const Json& j = a.j;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.contains("tensor")) return tensor_spec(a["tensor"]);
  if (j.is_array()) {
    if (std::all_of(j.begin(), j.end(), [](const Json& v) { return v.is_number_integer(); })) return int_list(a);
    if (std::all_of(j.begin(), j.end(), [](const Json& v) { return v.is_number(); })) return number_list(a);
    if (std::all_of(j.begin(), j.end(), [](const Json& v) { return v.is_string(); }))
      return j.get<std::vector<std::string>>();
  }
  a.fail("cannot be an attribute (a number, string, bool, list of one of these, or {\"tensor\": {...}})");
}

Json attr_to_json(const AttrValue& v) {
  return std::visit(
      [](const auto& x) -> Json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ElementType>) return std::string(type_name(x));
        else if constexpr (std::is_same_v<T, Tensor> || std::is_same_v<T, GraphPtr> ||
                           std::is_same_v<T, std::vector<GraphPtr>>) return "<" + std::string("tensor or graph") + ">";
        else return Json(x);
      },
      v);
}

bool is_graph_op(const std::string& op, const RuleSet& rules) { return find_op(op, &rules.custom_ops()) != nullptr; }

struct Built {
  std::unique_ptr<Graph> graph = std::make_unique<Graph>();
  std::vector<std::string> input_names;
  std::vector<std::string> output_names;
  bool has_framework_ops = false;
};


// An option's value: a boolean, a number, a string, or a list of numbers or of strings.
AttrValue option_value(const At& a) {
  const Json& j = a.j;
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  if (j.is_array() && !j.empty() && j[0].is_string()) {
    std::vector<std::string> out;
    for (size_t i = 0; i < j.size(); ++i) out.push_back(a[i].str());
    return out;
  }
  std::vector<double> out;
  for (size_t i = 0; i < a.list().size(); ++i) out.push_back(a[i].want(j[i].is_number(), "a number").get<double>());
  return out;
}

Built build_graph(const At& t, RuleSet& rules) {
  Built b;
  Graph& g = *b.graph;
  std::map<std::string, Value> values;
  auto define = [&](const std::string& name, Value v, const At& where) {
    if (!values.emplace(name, v).second) where.fail("the name '" + name + "' is defined twice");
    g.at(v.node).outputs.at(v.port).names = {name};
  };
  if (t.has("inputs")) {
    At inputs = t["inputs"];
    for (const auto& [name, spec] : inputs.object().items()) {
      At s = inputs[name];
      Node& p = make_op(g, "opset1.Parameter", {},
                        {{"shape", int_list(s["shape"])}, {"element_type", element_type(s["type"])}}, name);
      define(name, p.output(), s);
      b.input_names.push_back(name);
    }
  }
  if (t.has("constants")) {
    At constants = t["constants"];
    for (const auto& [name, spec] : constants.object().items()) {
      Node& c = make_op(g, "opset1.Constant", {}, {{"value", tensor_spec(constants[name])}}, name);
      define(name, c.output(), constants[name]);
    }
  }
  if (t.has("nodes")) {
    At nodes = t["nodes"];
    for (size_t i = 0; i < nodes.list().size(); ++i) {
      At n = nodes[i];
      std::string op = n["op"].str();
      std::vector<std::string> outs;
      if (n.has("outputs")) outs = n["outputs"].list().get<std::vector<std::string>>();
      std::string name = n.has("name") ? n["name"].str() : !outs.empty() ? outs[0] : g.unique_name(op);
      if (outs.empty()) outs = {name};
      std::vector<Value> ins;
      if (n.has("inputs")) {
        At in = n["inputs"];
        for (size_t k = 0; k < in.list().size(); ++k) {
          std::string v = in[k].str();
          if (v.empty()) {
            ins.emplace_back();  // an omitted optional input
            continue;
          }
          auto it = values.find(v);
          if (it == values.end()) in[k].fail("no input, constant or earlier node output is named '" + v + "'");
          ins.push_back(it->second);
        }
      }
      Attributes attrs;
      if (n.has("attrs")) {
        At a = n["attrs"];
        for (const auto& [key, value] : a.object().items()) {
          // {"graph": {inputs, constants, nodes, outputs}}: a body (If branch, Loop/Scan body).
          if (a[key].has("graph")) attrs[key] = GraphPtr(build_graph(a[key]["graph"], rules).graph.release());
          else attrs[key] = attr_value(a[key]);
        }
      }
      Node* made;
      if (is_graph_op(op, rules)) {
        try {
          made = &make_op(g, op, std::move(ins), std::move(attrs), name, &rules.custom_ops());
        } catch (const Error& e) {
          n.fail(e.what());
        }
        if (outs.size() > made->outputs.size()) n["outputs"].fail("more names than the op has outputs");
      } else {
        made = &g.add_node(op, name, std::move(ins), std::move(attrs), outs.size());
        b.has_framework_ops = true;
      }
      for (size_t p = 0; p < outs.size(); ++p) define(outs[p], made->output(static_cast<uint32_t>(p)), n);
    }
  }
  At outputs = t["outputs"];
  for (size_t i = 0; i < outputs.list().size(); ++i) {
    std::string name = outputs[i].str();
    auto it = values.find(name);
    if (it == values.end()) outputs[i].fail("nothing is named '" + name + "'");
    make_op(g, "opset1.Result", {it->second}, {}, name + "/sink");
    b.output_names.push_back(name);
  }
  // Framework ops read the model's opset version; ONNX tests get 13 unless they say otherwise.
  if (b.has_framework_ops) g.meta["opset:ai.onnx"] = int64_t{13};
  if (t.has("opset")) {
    At o = t["opset"];
    for (const auto& [domain, version] : o.object().items())
      g.meta["opset:" + domain] = o[domain].want(version.is_number_integer(), "an integer").get<int64_t>();
  }
  // Conversion options that rules read with graph:option(name).
  if (t.has("options")) {
    At o = t["options"];
    for (const auto& [key, value] : o.object().items()) g.meta["option:" + key] = option_value(o[key]);
  }
  return b;
}

// Input values: as given, else a fixed pseudo-random pattern (the same on every run).
std::map<std::string, Tensor> input_values(const Graph& g, const Built& b, const At* check) {
  std::map<std::string, Tensor> out;
  uint32_t state = 12345;
  for (const std::string& name : b.input_names) {
    const Node& p = *const_cast<Graph&>(g).find_node(name);
    auto shape = p.outputs[0].shape.to_static();
    if (!shape) throw Error("input '" + name + "' needs a static shape for the numeric check");
    ElementType type = p.outputs[0].type;
    std::vector<double> values;
    bool given = check && check->has("inputs") && check->j["inputs"].is_object() && check->j["inputs"].contains(name);
    std::string where = "check.inputs." + name;
    if (given) {
      At in = (*check)["inputs"][name];
      values = number_list(in);
      where = in.path;
    } else {
      for (size_t i = 0; i < element_count(*shape); ++i) values.push_back(next_test_value(state, type));
    }
    static const Json kNone;
    out[name] = make_tensor(type, *shape, values, At{kNone, where});
  }
  return out;
}

std::string compare(const Tensor& got, const std::vector<double>& want, const Shape* want_shape, double tol) {
  if (want_shape && got.shape() != *want_shape)
    return "shape " + shape_to_string(got.shape()) + ", expected " + shape_to_string(*want_shape);
  if (got.element_count() != want.size())
    return std::to_string(got.element_count()) + " values, expected " + std::to_string(want.size());
  std::vector<double> values = got.to_double();
  for (size_t i = 0; i < want.size(); ++i) {
    bool both_nan = std::isnan(values[i]) && std::isnan(want[i]);
    if (values[i] == want[i]) continue;  // equal infinities differ by NaN
    if (!both_nan && !(std::fabs(values[i] - want[i]) <= tol * std::max(1.0, std::fabs(want[i])))) {
      std::ostringstream s;
      s << "value [" << i << "] is " << values[i] << ", expected " << want[i] << " (tolerance " << tol << ")";
      return s.str();
    }
  }
  return "";
}

void run_phases(Graph& g, RuleSet& rules, const std::vector<std::string>& phases) {
  for (const std::string& phase : phases) {
    if (phase == "front") {
      translate_graph(g, rules);
      run_phase(g, rules, "front", RewriteOptions{});
    } else if (phase == "fold") {
      fold_constants(g);
      g.remove_dead_nodes();
    } else {
      run_phase(g, rules, phase, RewriteOptions{});
    }
  }
}

// Empty when the test passes, else why not.
std::string run_one(const At& t, RuleSet& rules) {
  if (t.has("todo")) return "not written yet: " + t["todo"].str();
  Built b = build_graph(t, rules);
  Graph& g = *b.graph;
  const Json empty = Json::object();
  At expect = t.has("expect") ? t["expect"] : At{empty, t.path + ".expect"};
  std::optional<At> check;
  if (t.has("check")) check.emplace(t["check"]);
  double tol = check && check->has("tolerance") ? (*check)["tolerance"].want(check->j["tolerance"].is_number(), "a number").get<double>() : 1e-5;

  std::vector<Tensor> before;
  bool same_as_before = check && check->has("outputs") && check->j["outputs"] == "same_as_before";
  if (same_as_before) {
    if (b.has_framework_ops) return "check.outputs: \"same_as_before\" needs a before-graph of opset ops only (framework ops cannot be evaluated); give the expected values";
    before = evaluate_graph(g, input_values(g, b, &*check));
  }

  std::vector<std::string> phases;
  if (t.has("phases")) phases = t["phases"].list().get<std::vector<std::string>>();
  else phases = {b.has_framework_ops ? "front" : "middle"};
  try {
    run_phases(g, rules, phases);
  } catch (const Error& e) {
    if (!expect.has("error")) return e.what();
    std::string want = expect["error"].str();
    if (std::string(e.what()).find(want) == std::string::npos)
      return "failed with \"" + std::string(e.what()) + "\", expected a message containing \"" + want + "\"";
    return "";
  }
  if (expect.has("error")) return "the rules succeeded, expected an error containing \"" + expect["error"].str() + "\"";

  std::vector<std::string> ops;
  for (NodeId id : g.topological_order()) {
    const std::string& op = g.at(id).op();
    if (op != "opset1.Parameter" && op != "opset1.Constant" && op != "opset1.Result") ops.push_back(op);
  }
  auto joined = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return "[" + s + "]";
  };
  if (expect.has("ops")) {
    auto want = expect["ops"].list().get<std::vector<std::string>>();
    if (want != ops) return "ops are " + joined(ops) + ", expected " + joined(want);
  }
  if (expect.has("attrs")) {
    At attrs = expect["attrs"];
    for (const auto& [op, spec] : attrs.object().items()) {
      const Node* node = nullptr;
      for (NodeId id : g.topological_order())
        if (g.at(id).op() == op && !node) node = &g.at(id);
      if (!node) return "expect.attrs: no " + op + " node in " + joined(ops);
      for (const auto& [key, value] : attrs[op].object().items()) {
        auto it = node->attrs.find(key);
        if (it == node->attrs.end()) return op + " '" + node->name + "' has no attribute '" + key + "'";
        Json got = attr_to_json(it->second);
        if (got != value) return op + " '" + node->name + "' attribute " + key + " is " + got.dump() + ", expected " + value.dump();
      }
    }
  }
  if (expect.has("shapes")) {
    At shapes = expect["shapes"];
    for (const auto& [name, dims] : shapes.object().items()) {
      auto pos = std::find(b.output_names.begin(), b.output_names.end(), name);
      if (pos == b.output_names.end()) shapes.fail("'" + name + "' is not one of the test's outputs");
      const OutputInfo& info = g.output_info(g.at(g.results()[pos - b.output_names.begin()]).input(0));
      std::vector<int64_t> want = int_list(shapes[name]);
      if (!info.shape.rank_known() || info.shape.dims() != want)
        return "output " + name + " has shape " + (info.shape.rank_known() ? shape_to_string(info.shape.dims()) : "[...]") +
               ", expected " + shape_to_string(want);
    }
  }
  if (!check || !check->has("outputs")) return "";
  std::vector<Tensor> after = evaluate_graph(g, input_values(g, b, &*check));
  for (size_t i = 0; i < b.output_names.size(); ++i) {
    const std::string& name = b.output_names[i];
    std::string why;
    if (same_as_before) {
      Shape shape = before[i].shape();
      why = compare(after[i], before[i].to_double(), &shape, tol);
    } else {
      At outs = (*check)["outputs"];
      if (!outs.object().contains(name)) continue;
      At o = outs[name];
      if (o.j.is_array()) {
        why = compare(after[i], number_list(o), nullptr, tol);
      } else {
        Shape shape = int_list(o["shape"]);
        why = compare(after[i], number_list(o["values"]), &shape, tol);
      }
    }
    if (!why.empty()) return "output " + name + ": " + why;
  }
  return "";
}

std::string display_name(const fs::path& base, const fs::path& file) {
  fs::path b = base.lexically_normal();
  std::string top = (b.filename().empty() ? b.parent_path().filename() : b.filename()).string();
  return top + "/" + file.lexically_relative(b).string();
}

}  // namespace

std::vector<std::string> find_rule_test_files(const std::vector<std::string>& folders) {
  std::vector<std::string> out;
  for (const std::string& folder : folders) {
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::is_regular_file(folder, ec)) {
      out.push_back(folder);
      continue;
    }
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file() && it->path().filename().string().ends_with(kSuffix)) files.push_back(it->path().string());
    if (ec) throw Error(folder + ": cannot list rule tests: " + ec.message());
    std::sort(files.begin(), files.end());
    out.insert(out.end(), files.begin(), files.end());
  }
  return out;
}

std::vector<RuleTestResult> run_rule_test_file(const std::string& path, RuleSet& rules) {
  std::vector<RuleTestResult> results;
  Json doc;
  try {
    std::ifstream in(path);
    if (!in) throw Error("cannot read the file");
    doc = parse_json_depth_limited<Json>(in);
    At root{doc, "$"};
    root.object();
    At tests = root["tests"];
    tests.list();
  } catch (const std::exception& e) {
    results.push_back(RuleTestResult{path, "(file)", false, e.what()});
    return results;
  }
  At tests{doc.at("tests"), "tests"};
  for (size_t i = 0; i < tests.j.size(); ++i) {
    At t = tests[i];
    RuleTestResult r{path, "#" + std::to_string(i + 1), false, ""};
    try {
      if (t.j.is_object() && t.j.contains("name") && t.j["name"].is_string()) r.name = t.j["name"].get<std::string>();
      r.message = run_one(t, rules);
    } catch (const std::exception& e) {
      r.message = e.what();
    }
    r.passed = r.message.empty();
    results.push_back(std::move(r));
  }
  return results;
}

size_t run_rule_tests(const std::vector<std::string>& rule_folders, const std::vector<std::string>& test_folders,
                      std::ostream& out) {
  std::unique_ptr<RuleSet> rules;
  try {
    rules = std::make_unique<RuleSet>(rule_folders);
  } catch (const std::exception& e) {
    out << "FAIL rules do not load: " << e.what() << "\n0 passed, 1 failed\n";
    return 1;
  }
  size_t passed = 0, failed = 0;
  for (const std::string& folder : test_folders) {
    for (const std::string& file : find_rule_test_files({folder})) {
      std::string shown = fs::is_regular_file(folder) ? file : display_name(folder, file);
      for (const RuleTestResult& r : run_rule_test_file(file, *rules)) {
        if (r.passed) {
          ++passed;
          out << "PASS " << shown << ": " << r.name << "\n";
        } else {
          ++failed;
          std::string message = r.message.substr(0, r.message.find('\n'));  // no Lua traceback here
          out << "FAIL " << shown << ": " << r.name << ": " << message << "\n";
        }
      }
    }
  }
  out << passed << " passed, " << failed << " failed\n";
  return failed;
}

}  // namespace remo
