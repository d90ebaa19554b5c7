#include "frontends/tensorflow/tf_function_library.h"

#include <charconv>
#include <deque>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "engine/graph/error.h"

namespace remo::tf_import {
namespace {

using tensorflow::FunctionDef;
using tensorflow::FunctionDefLibrary;
using tensorflow::NodeDef;

// One output arg of an op: its name, and where its size comes from when it is a list.
struct ArgLayout {
  std::string name;
  std::string number_attr;     // size = attr(number_attr).i
  std::string type_list_attr;  // size = length of attr(type_list_attr).list.type
};

struct TableEntry {
  const char* op;
  const char* args;
};

constexpr TableEntry kMultiOutputOps[] = {
#include "frontends/tensorflow/tf_output_args.inc"
};

std::vector<ArgLayout> parse_table_entry(std::string_view spec) {
  std::vector<ArgLayout> args;
  while (!spec.empty()) {
    size_t comma = spec.find(',');
    std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    ArgLayout arg;
    if (size_t at = item.find('#'); at != std::string_view::npos) {
      arg.name = item.substr(0, at);
      arg.number_attr = item.substr(at + 1);
    } else if (size_t at2 = item.find('@'); at2 != std::string_view::npos) {
      arg.name = item.substr(0, at2);
      arg.type_list_attr = item.substr(at2 + 1);
    } else {
      arg.name = item;
    }
    args.push_back(std::move(arg));
  }
  return args;
}

const std::unordered_map<std::string, std::vector<ArgLayout>>& builtin_layouts() {
  static const auto* table = [] {
    auto* map = new std::unordered_map<std::string, std::vector<ArgLayout>>();
    for (const TableEntry& e : kMultiOutputOps) (*map)[e.op] = parse_table_entry(e.args);
    return map;
  }();
  return *table;
}

std::vector<ArgLayout> layout_of(const tensorflow::OpDef& op) {
  std::vector<ArgLayout> args;
  for (const auto& a : op.output_arg()) args.push_back({a.name(), a.number_attr(), a.type_list_attr()});
  return args;
}

// The library's functions by name (the first of a name wins, as a linear search would).
class FunctionIndex {
 public:
  explicit FunctionIndex(const FunctionDefLibrary& library) {
    for (const FunctionDef& f : library.function()) by_name_.emplace(f.signature().name(), &f);
  }
  const FunctionDef* find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
  }

 private:
  std::unordered_map<std::string, const FunctionDef*> by_name_;
};

uint32_t arg_size(const NodeDef& node, const ArgLayout& arg) {
  if (!arg.number_attr.empty()) {
    auto it = node.attr().find(arg.number_attr);
    if (it == node.attr().end() || it->second.value_case() != tensorflow::AttrValue::kI || it->second.i() < 0)
      throw Error("node '" + node.name() + "' (tf." + node.op() + "): output arg '" + arg.name +
                  "' is a list whose length attribute '" + arg.number_attr + "' is missing or not a count");
    return static_cast<uint32_t>(it->second.i());
  }
  if (!arg.type_list_attr.empty()) {
    auto it = node.attr().find(arg.type_list_attr);
    if (it == node.attr().end() || it->second.value_case() != tensorflow::AttrValue::kList)
      throw Error("node '" + node.name() + "' (tf." + node.op() + "): output arg '" + arg.name +
                  "' is a list whose type attribute '" + arg.type_list_attr + "' is missing");
    return static_cast<uint32_t>(it->second.list().type_size());
  }
  return 1;
}

uint32_t port_in(const NodeDef& node, const std::vector<ArgLayout>& layout, const std::string& arg, uint32_t index) {
  uint32_t port = 0;
  for (const ArgLayout& a : layout) {
    if (a.name == arg) return port + index;
    port += arg_size(node, a);
  }
  std::string names;
  for (const ArgLayout& a : layout) names += (names.empty() ? "" : ", ") + a.name;
  throw Error("node '" + node.name() + "' (tf." + node.op() + ") has no output arg '" + arg + "' (its output args: " +
              names + ")");
}

uint32_t parse_index(std::string_view digits, const std::string& text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || value > 65535)
    throw Error("input '" + text + "' has no valid output index");
  return value;
}

// The function a call node runs and the attributes its placeholders read.
struct CallTarget {
  const FunctionDef* function = nullptr;
  const google::protobuf::Map<std::string, tensorflow::AttrValue>* attrs = nullptr;
};

CallTarget call_target(const NodeDef& node, const FunctionIndex& library) {
  if (node.op() == "PartitionedCall" || node.op() == "StatefulPartitionedCall") {
    auto f = node.attr().find("f");
    if (f == node.attr().end() || f->second.value_case() != tensorflow::AttrValue::kFunc)
      throw Error("node '" + node.name() + "' (tf." + node.op() + ") has no function attribute 'f'");
    const FunctionDef* function = library.find(f->second.func().name());
    if (!function)
      throw Error("node '" + node.name() + "' (tf." + node.op() + ") calls function '" + f->second.func().name() +
                  "', which the graph's function library does not define");
    return {function, &f->second.func().attr()};
  }
  if (const FunctionDef* function = library.find(node.op())) return {function, &node.attr()};
  return {};
}

uint32_t port_of(const NodeDef& node, const std::string& arg, uint32_t index, const FunctionIndex* library,
                 const tensorflow::OpList* op_list) {
  if (op_list)
    for (const tensorflow::OpDef& op : op_list->op())
      if (op.name() == node.op()) return port_in(node, layout_of(op), arg, index);
  if (library)
    if (const FunctionDef* called = library->find(node.op())) return port_in(node, layout_of(called->signature()), arg, index);
  const auto& table = builtin_layouts();
  if (auto it = table.find(node.op()); it != table.end()) return port_in(node, it->second, arg, index);
  return index;  // one output arg (PartitionedCall's "output" list included): its tensors are the ports
}

// Expands function bodies into GraphDef nodes, call by call.
class Inliner {
 public:
  Inliner(const FunctionDefLibrary& library, const InlineOptions& options) : library_(library), options_(options) {}
  const FunctionIndex& functions() const { return library_; }

  struct Pending {
    NodeDef node;
    std::vector<std::string> chain;  // functions this node's body lies in, outermost first
  };


  // Appends the body of `f`, its nodes named prefix + node name (prefix "" or "call/"), reading
  // `args` for its input args, to `out`; returns its results ("node:port") in output-arg order.
  std::vector<std::string> expand(const FunctionDef& f, const std::string& prefix, const std::vector<std::string>& args,
                                  const google::protobuf::Map<std::string, tensorflow::AttrValue>& call_attrs,
                                  const std::vector<std::string>& chain, std::deque<Pending>& out);

  // Runs the work list: calls are expanded (their bodies queued), other nodes go to `done`.
  void run(std::deque<Pending>& work, google::protobuf::RepeatedPtrField<NodeDef>& done, size_t& inlined);

  std::unordered_set<std::string> names;  // every node name in use

 private:
  std::string resolve(const FunctionDef& f, const std::unordered_map<std::string, const NodeDef*>& body,
                      const std::unordered_map<std::string, size_t>& arg_index, const std::string& prefix,
                      const std::vector<std::string>& args, const std::string& text, bool allow_control);

  const FunctionIndex library_;
  const InlineOptions& options_;
};

std::string chain_text(const std::vector<std::string>& chain, const std::string& last) {
  std::string text;
  for (const std::string& f : chain) text += f + " -> ";
  return text + last;
}

std::string Inliner::resolve(const FunctionDef& f, const std::unordered_map<std::string, const NodeDef*>& body,
                             const std::unordered_map<std::string, size_t>& arg_index, const std::string& prefix,
                             const std::vector<std::string>& args, const std::string& text, bool allow_control) {
  std::string_view s = text;
  const std::string where = "function '" + f.signature().name() + "': ";
  if (!s.empty() && s[0] == '^') {
    if (!allow_control) throw Error(where + "'" + text + "' is a control input where a tensor is expected");
    std::string target(s.substr(1));
    if (body.count(target)) return "^" + prefix + target;
    if (arg_index.count(target)) return "";  // ordering on an argument: nothing to keep
    throw Error(where + "control input '" + text + "' names no node of the function");
  }
  const size_t first = s.find(':');
  if (first == std::string_view::npos) {
    std::string name(s);
    if (auto a = arg_index.find(name); a != arg_index.end()) return args[a->second];
    if (body.count(name)) return prefix + name + ":0";
    throw Error(where + "input '" + text + "' names neither an input arg nor a node of the function");
  }
  std::string node_name(s.substr(0, first));
  std::string_view rest = s.substr(first + 1);
  auto node = body.find(node_name);
  if (node == body.end()) {
    // "arg:0" can name an input arg (a single tensor) too.
    if (auto a = arg_index.find(node_name); a != arg_index.end() && parse_index(rest, text) == 0)
      return args[a->second];
    throw Error(where + "input '" + text + "' names no node of the function");
  }
  const size_t second = rest.find(':');
  if (second == std::string_view::npos)  // "node:port", the GraphDef form
    return prefix + node_name + ":" + std::to_string(parse_index(rest, text));
  const std::string arg(rest.substr(0, second));
  const uint32_t index = parse_index(rest.substr(second + 1), text);
  try {
    return prefix + node_name + ":" +
           std::to_string(port_of(*node->second, arg, index, &library_, options_.op_list));
  } catch (const Error& e) {
    throw Error(where + e.what());
  }
}

std::vector<std::string> Inliner::expand(const FunctionDef& f, const std::string& prefix,
                                         const std::vector<std::string>& args,
                                         const google::protobuf::Map<std::string, tensorflow::AttrValue>& call_attrs,
                                         const std::vector<std::string>& chain, std::deque<Pending>& out) {
  const std::string& fname = f.signature().name();
  std::unordered_map<std::string, size_t> arg_index;
  for (int i = 0; i < f.signature().input_arg_size(); ++i) arg_index[f.signature().input_arg(i).name()] = static_cast<size_t>(i);
  std::unordered_map<std::string, const NodeDef*> body;
  for (const NodeDef& n : f.node_def()) {
    if (n.name().empty() || !body.emplace(n.name(), &n).second)
      throw Error("function '" + fname + "': two body nodes are named '" + n.name() + "'");
  }
  std::vector<std::string> inner_chain = chain;
  inner_chain.push_back(fname);
  for (const NodeDef& n : f.node_def()) {
    Pending p{n, inner_chain};
    p.node.set_name(prefix + n.name());
    if (!names.insert(p.node.name()).second)
      throw Error("function '" + fname + "': inlining names a node '" + p.node.name() +
                  "', but the graph already has a node of that name");
    p.node.clear_input();
    for (const std::string& in : n.input()) {
      std::string resolved = resolve(f, body, arg_index, prefix, args, in, true);
      if (!resolved.empty()) p.node.add_input(std::move(resolved));
    }
    for (auto& [key, value] : *p.node.mutable_attr()) {
      if (value.value_case() != tensorflow::AttrValue::kPlaceholder) continue;
      auto bound = call_attrs.find(value.placeholder());
      if (bound == call_attrs.end())
        throw Error("function '" + fname + "': node '" + n.name() + "' attribute '" + key + "' is the placeholder '$" +
                    value.placeholder() + "', which the call does not set");
      value = bound->second;
    }
    p.node.clear_device();
    out.push_back(std::move(p));
  }
  std::vector<std::string> results;
  for (const auto& out_arg : f.signature().output_arg()) {
    auto ret = f.ret().find(out_arg.name());
    if (ret == f.ret().end())
      throw Error("function '" + fname + "': output arg '" + out_arg.name() + "' has no ret entry");
    results.push_back(resolve(f, body, arg_index, prefix, args, ret->second, false));
  }
  return results;
}

void Inliner::run(std::deque<Pending>& work, google::protobuf::RepeatedPtrField<NodeDef>& done, size_t& inlined) {
  while (!work.empty()) {
    Pending p = std::move(work.front());
    work.pop_front();
    CallTarget target;
    try {
      target = call_target(p.node, library_);
    } catch (const Error& e) {
      throw Error((p.chain.empty() ? "" : "in function '" + p.chain.back() + "': ") + e.what());
    }
    if (!target.function) {
      *done.Add() = std::move(p.node);
      continue;
    }
    const tensorflow::OpDef& sig = target.function->signature();
    const std::string label = "node '" + p.node.name() + "' (tf." + p.node.op() + ") calling '" + sig.name() + "'";
    for (const std::string& f : p.chain)
      if (f == sig.name())
        throw Error(label + ": the function calls itself (" + chain_text(p.chain, sig.name()) +
                    "); recursive functions cannot be inlined");
    if (static_cast<int>(p.chain.size()) >= options_.max_depth)
      throw Error(label + ": calls are nested more than " + std::to_string(options_.max_depth) + " deep (" +
                  chain_text(p.chain, sig.name()) + ")");
    std::vector<std::string> args;
    std::vector<std::string> controls;
    for (const std::string& in : p.node.input()) (in.rfind('^', 0) == 0 ? controls : args).push_back(in);
    for (const auto& a : sig.input_arg())
      if (!a.number_attr().empty() || !a.type_list_attr().empty())
        throw Error(label + ": input arg '" + a.name() + "' is a list; only functions of single-tensor args are inlined");
    if (args.size() != static_cast<size_t>(sig.input_arg_size()))
      throw Error(label + ": the call passes " + std::to_string(args.size()) + " inputs, the function takes " +
                  std::to_string(sig.input_arg_size()));
    std::vector<std::string> results;
    try {
      results = expand(*target.function, p.node.name() + "/", args, *target.attrs, p.chain, work);
    } catch (const Error& e) {
      throw Error(label + ": " + e.what());
    }
    NodeDef replacement;
    replacement.set_name(p.node.name());
    replacement.set_op(results.empty() ? "NoOp" : "IdentityN");
    for (const std::string& r : results) replacement.add_input(r);
    for (const std::string& c : controls) replacement.add_input(c);
    if (!results.empty()) {
      auto* types = (*replacement.mutable_attr())["T"].mutable_list();
      for (const auto& a : sig.output_arg()) types->add_type(a.type());
    }
    *done.Add() = std::move(replacement);
    ++inlined;
  }
}

}  // namespace

uint32_t output_arg_port(const NodeDef& node, const std::string& arg, uint32_t index,
                         const FunctionDefLibrary* library, const tensorflow::OpList* op_list) {
  if (!library) return port_of(node, arg, index, nullptr, op_list);
  const FunctionIndex functions(*library);
  return port_of(node, arg, index, &functions, op_list);
}

std::string called_function(const NodeDef& node, const FunctionDefLibrary& library) {
  CallTarget target = call_target(node, FunctionIndex(library));
  return target.function ? target.function->signature().name() : std::string();
}

size_t inline_function_calls(tensorflow::GraphDef& def, const InlineOptions& options) {
  if (def.library().function_size() == 0) return 0;
  Inliner inliner(def.library(), options);
  std::deque<Inliner::Pending> work;
  for (NodeDef& n : *def.mutable_node()) {
    inliner.names.insert(n.name());
    work.push_back({std::move(n), {}});
  }
  def.clear_node();
  size_t inlined = 0;
  inliner.run(work, *def.mutable_node(), inlined);
  return inlined;
}

FunctionBody function_body(const FunctionDefLibrary& library, const std::string& name, const InlineOptions& options) {
  Inliner inliner(library, options);
  const FunctionDef* f = inliner.functions().find(name);
  if (!f) throw Error("the function library defines no function '" + name + "'");
  FunctionBody result;
  *result.graph.mutable_library() = library;
  std::vector<std::string> args;
  for (int i = 0; i < f->signature().input_arg_size(); ++i) {
    const auto& arg = f->signature().input_arg(i);
    if (!inliner.names.insert(arg.name()).second)
      throw Error("function '" + name + "': two input args are named '" + arg.name() + "'");
    NodeDef* ph = result.graph.add_node();
    ph->set_name(arg.name());
    ph->set_op("Placeholder");
    (*ph->mutable_attr())["dtype"].set_type(arg.type());
    if (auto attrs = f->arg_attr().find(static_cast<uint32_t>(i)); attrs != f->arg_attr().end()) {
      auto shapes = attrs->second.attr().find("_output_shapes");
      if (shapes != attrs->second.attr().end() && shapes->second.list().shape_size() == 1)
        *(*ph->mutable_attr())["shape"].mutable_shape() = shapes->second.list().shape(0);
    }
    result.inputs.push_back(arg.name());
    args.push_back(arg.name() + ":0");
  }
  std::deque<Inliner::Pending> work;
  const google::protobuf::Map<std::string, tensorflow::AttrValue> no_attrs;  // a body alone binds no placeholder
  result.outputs = inliner.expand(*f, "", args, no_attrs, {}, work);
  size_t inlined = 0;
  inliner.run(work, *result.graph.mutable_node(), inlined);
  return result;
}

}  // namespace remo::tf_import
