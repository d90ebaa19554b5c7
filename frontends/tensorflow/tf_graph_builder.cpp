#include "frontends/tensorflow/tf_graph_builder.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"
#include "frontends/tensorflow/tf_attributes.h"
#include "frontends/tensorflow/tf_control_flow_v1.h"
#include "frontends/tensorflow/tf_control_flow_v2.h"
#include "frontends/tensorflow/tf_types.h"

namespace remo::tf_import {
namespace {

// A node's input as written: "name", "name:port" or "^name".
struct InputRef {
  std::string node;
  uint32_t port = 0;
  bool control = false;
};

InputRef parse_input(const std::string& text) {
  InputRef ref;
  std::string_view s = text;
  if (!s.empty() && s[0] == '^') {
    ref.control = true;
    s.remove_prefix(1);
  }
  if (size_t colon = s.rfind(':'); colon != std::string_view::npos && !ref.control) {
    std::string_view digits = s.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ref.port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || ref.port > 65535)
      throw Error("input '" + text + "' has no valid output index after ':'");
    s = s.substr(0, colon);
  }
  if (s.empty()) throw Error("has an empty input name");
  ref.node = std::string(s);
  return ref;
}

std::string label(const tensorflow::NodeDef& node) {
  return "node '" + node.name() + "' (tf." + node.op() + ")";
}

Attributes placeholder_attrs(const Attributes& attrs) {
  auto dtype = attrs.find("dtype");
  if (dtype == attrs.end() || !std::holds_alternative<ElementType>(dtype->second))
    throw Error("has no dtype attribute");
  ElementType type = std::get<ElementType>(dtype->second);
  if (type == ElementType::string) throw Error("string inputs are not supported");
  auto shape = attrs.find("shape");
  if (shape == attrs.end()) return {{"element_type", type}, {"dynamic_rank", true}};
  // A list of ints arrives like a shape; anything else (an int, a string...) is not one.
  if (!std::holds_alternative<std::vector<int64_t>>(shape->second))
    throw Error(std::string("attribute 'shape' is not a shape (it holds: ") + attr_kind_name(shape->second) + ")");
  return {{"element_type", type}, {"shape", std::get<std::vector<int64_t>>(shape->second)}};
}

const BuildExtras kNoExtras;

class GraphBuilder {
 public:
  GraphBuilder(Graph& graph, const std::vector<WhileFrameBody>& frames, const BuildExtras& extras)
      : graph_(graph), frames_(frames), extras_(extras) {}

  void build(tensorflow::GraphDef& def) {
    std::vector<std::vector<InputRef>> inputs = parse_inputs(def);
    count_outputs(def, inputs);
    for (int i = 0; i < def.node_size(); ++i) add_node(*def.mutable_node(i), i);
    for (int i = 0; i < def.node_size(); ++i) wire(def.node(i), inputs[static_cast<size_t>(i)]);
    if (extras_.outputs.empty()) {
      for (int i = 0; i < def.node_size(); ++i) add_result(def.node(i));
    } else {
      for (const auto& [tensor, alias] : extras_.outputs) add_named_result(tensor, alias);
    }
  }

  // A loop body: Parameters from its Placeholders (in file order), Results only for `results`.
  void build_body(tensorflow::GraphDef& def, const std::vector<std::string>& results) {
    std::vector<std::vector<InputRef>> inputs = parse_inputs(def);
    count_outputs(def, inputs);
    for (int i = 0; i < def.node_size(); ++i) add_node(*def.mutable_node(i), i);
    for (int i = 0; i < def.node_size(); ++i) wire(def.node(i), inputs[static_cast<size_t>(i)]);
    for (const std::string& text : results) {
      InputRef ref = parse_input(text);
      auto it = index_.find(ref.node);
      if (it == index_.end() || ref.port >= graph_.at(ids_[it->second]).outputs.size())
        throw Error("loop body result '" + text + "' names no output of the body");
      make_op(graph_, "opset1.Result", {Value{ids_[it->second], ref.port}}, {},
              graph_.unique_name(ref.node + "/sink_port_" + std::to_string(ref.port)));
    }
  }

 private:
  std::vector<std::vector<InputRef>> parse_inputs(const tensorflow::GraphDef& def) {
    std::vector<std::vector<InputRef>> all;
    for (const tensorflow::NodeDef& node : def.node()) {
      if (node.name().empty()) throw Error("a node of op '" + node.op() + "' has no name");
      if (node.op().empty()) throw Error("node '" + node.name() + "' has no op");
      if (node.name().find(':') != std::string::npos || node.name()[0] == '^')
        throw Error("node '" + node.name() + "': a node name may not contain ':' or start with '^'");
      if (!index_.emplace(node.name(), all.size()).second)
        throw Error("two nodes are named '" + node.name() + "'");
      std::vector<InputRef> refs;
      for (const std::string& text : node.input()) {
        try {
          refs.push_back(parse_input(text));
        } catch (const Error& e) {
          throw Error(label(node) + ": " + e.what());
        }
      }
      all.push_back(std::move(refs));
    }
    return all;
  }

  // Each node's output count, and which nodes feed a data input (those get no Result).
  void count_outputs(const tensorflow::GraphDef& def, const std::vector<std::vector<InputRef>>& inputs) {
    outputs_.assign(static_cast<size_t>(def.node_size()), 1);
    consumed_.assign(static_cast<size_t>(def.node_size()), false);
    for (int i = 0; i < def.node_size(); ++i) {
      for (const InputRef& ref : inputs[static_cast<size_t>(i)]) {
        auto it = index_.find(ref.node);
        if (it == index_.end())
          throw Error(label(def.node(i)) + ": input '" + (ref.control ? "^" : "") + ref.node +
                      "' names no node of the graph");
        // A node that only orders others (a control input) is not a graph output either.
        consumed_[it->second] = true;
        if (ref.control) continue;
        outputs_[it->second] = std::max<size_t>(outputs_[it->second], ref.port + 1);
      }
    }
    for (int i = 0; i < def.node_size(); ++i) {
      size_t frame_outputs = 0;
      if (const WhileFrameBody* frame = frame_of(def.node(i), kWhileFrameOp, kWhileFrameAttr)) frame_outputs = frame->variables;
      if (const WhileFrameBody* then = frame_of(def.node(i), kIfFrameOp, kIfThenAttr)) frame_outputs = then->results.size();
      outputs_[static_cast<size_t>(i)] = std::max(outputs_[static_cast<size_t>(i)], frame_outputs);
    }
    for (const auto& [tensor, alias] : extras_.outputs) {
      InputRef ref = parse_input(tensor);
      auto it = index_.find(ref.node);
      if (ref.control || it == index_.end()) throw Error("output '" + tensor + "' names no node of the graph");
      outputs_[it->second] = std::max<size_t>(outputs_[it->second], ref.port + 1);
    }
  }

  // The frame (a collapsed while loop, an If branch: tf_control_flow_v1.h) that attribute `key`
  // of a node of op `op` names, or nullptr for other nodes.
  const WhileFrameBody* frame_of(const tensorflow::NodeDef& def, const char* op, const char* key) const {
    if (def.op() != op) return nullptr;
    auto it = def.attr().find(key);
    if (it == def.attr().end() || it->second.i() < 0 || static_cast<size_t>(it->second.i()) >= frames_.size())
      throw Error(label(def) + ": names no lowered control-flow frame");
    return &frames_[static_cast<size_t>(it->second.i())];
  }

  // A frame as graph attribute `name`, with its invariants as the captured values
  // (docs/lua-api.md, "Bodies").
  void add_frame_body(const WhileFrameBody& frame, const std::string& name, Attributes& attrs) {
    tensorflow::GraphDef copy = frame.body;  // a frame cloned into a loop condition is built twice
    auto body = std::make_shared<Graph>();
    body->meta = graph_.meta;
    GraphBuilder(*body, frames_, kNoExtras).build_body(copy, frame.results);  // variables and outputs are the outer graph's
    attrs[name] = GraphPtr(body);
    attrs[name + ":captures"] = frame.invariants;
  }

  void add_frame_bodies(const tensorflow::NodeDef& def, Attributes& attrs) {
    if (const WhileFrameBody* frame = frame_of(def, kWhileFrameOp, kWhileFrameAttr)) {
      add_frame_body(*frame, "body", attrs);
      attrs.erase(kWhileFrameAttr);
    }
    const WhileFrameBody* then = frame_of(def, kIfFrameOp, kIfThenAttr);
    const WhileFrameBody* otherwise = frame_of(def, kIfFrameOp, kIfElseAttr);
    if (then && otherwise) {
      add_frame_body(*then, "then_body", attrs);
      add_frame_body(*otherwise, "else_body", attrs);
      attrs.erase(kIfThenAttr);
      attrs.erase(kIfElseAttr);
    }
  }

  void add_node(tensorflow::NodeDef& def, int index) {
    Attributes attrs;
    try {
      attrs = convert_attributes(def);
      if (auto value = extras_.constants.find(def.name()); value != extras_.constants.end()) {
        Node& constant = make_op(graph_, "opset1.Constant", {}, {{"value", value->second}}, def.name());
        name_outputs(constant, def.name());
        ids_.push_back(constant.id());
        return;
      }
      if (def.op() == "Placeholder") {
        Node& param = make_op(graph_, "opset1.Parameter", {}, placeholder_attrs(attrs), def.name());
        name_outputs(param, def.name());
        if (auto alias = extras_.input_aliases.find(def.name()); alias != extras_.input_aliases.end())
          param.outputs[0].names.push_back(alias->second);
        ids_.push_back(param.id());
        return;
      }
      add_frame_bodies(def, attrs);
    } catch (const Error& e) {
      throw Error(label(def) + ": " + e.what());
    }
    Node& node = graph_.add_node("tf." + def.op(), def.name(), {}, std::move(attrs),
                                 outputs_[static_cast<size_t>(index)]);
    name_outputs(node, def.name());
    ids_.push_back(node.id());
  }

  void name_outputs(Node& node, const std::string& name) {
    for (size_t p = 0; p < node.outputs.size(); ++p) {
      node.outputs[p].names = {name + ":" + std::to_string(p)};
      if (p == 0) node.outputs[p].names.insert(node.outputs[p].names.begin(), name);
    }
  }

  void wire(const tensorflow::NodeDef& def, const std::vector<InputRef>& refs) {
    const NodeId id = ids_[index_.at(def.name())];
    if (extras_.constants.count(def.name())) return;  // a variable's inputs (its initializer) are gone
    if (def.op() == "Placeholder") {
      for (const InputRef& ref : refs)
        if (!ref.control) throw Error(label(def) + ": a Placeholder takes no data inputs");
      return;
    }
    for (const InputRef& ref : refs) {
      if (ref.control) continue;
      const NodeId producer = ids_[index_.at(ref.node)];
      if (ref.port >= graph_.at(producer).outputs.size())
        throw Error(label(def) + ": input '" + ref.node + ":" + std::to_string(ref.port) +
                    "' reads an output that node does not have");
      graph_.add_input(id, Value{producer, ref.port});
    }
  }

  void add_result(const tensorflow::NodeDef& def) {
    const size_t index = index_.at(def.name());
    // NoOp, Assert and PrintV2 have no outputs to give.
    if (consumed_[index] || def.op() == "NoOp" || def.op() == "Assert" || def.op() == "PrintV2" ||
        def.op() == "Placeholder")
      return;
    make_op(graph_, "opset1.Result", {Value{ids_[index], 0}}, {}, graph_.unique_name(def.name() + "/sink_port_0"));
  }

  void add_named_result(const std::string& tensor, const std::string& alias) {
    InputRef ref = parse_input(tensor);
    auto it = index_.find(ref.node);
    if (ref.control || it == index_.end()) throw Error("output '" + tensor + "' names no tensor of the graph");
    const NodeId producer = ids_[it->second];
    if (ref.port >= graph_.at(producer).outputs.size())
      throw Error("output '" + tensor + "' reads an output that node does not have");
    auto& names = graph_.at(producer).outputs[ref.port].names;
    if (!alias.empty() && std::find(names.begin(), names.end(), alias) == names.end()) names.push_back(alias);
    make_op(graph_, "opset1.Result", {Value{producer, ref.port}}, {},
            graph_.unique_name(ref.node + "/sink_port_" + std::to_string(ref.port)));
  }

  Graph& graph_;
  const std::vector<WhileFrameBody>& frames_;
  const BuildExtras& extras_;
  std::unordered_map<std::string, size_t> index_;  // node name -> position in the file
  std::vector<size_t> outputs_;
  std::vector<bool> consumed_;
  std::vector<NodeId> ids_;
};

}  // namespace

void build_graph(Graph& graph, tensorflow::GraphDef& def, const BuildExtras& extras, const FunctionLookup* functions) {
  std::vector<WhileFrameBody> frames;
  if (functions && has_v2_control_flow(def)) lower_v2_control_flow(def, *functions, frames);
  lower_v1_control_flow(def, frames);
  GraphBuilder(graph, frames, extras).build(def);
}

}  // namespace remo::tf_import
