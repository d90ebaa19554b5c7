#include "engine/ir/ir_body_writer.h"

#include <string>

#include "engine/graph/error.h"
#include "engine/ir/ir_xml_document.h"
#include "engine/ops/body_ports.h"

namespace remo {
namespace {

void set_int(pugi::xml_node element, const char* name, int64_t value) {
  element.append_attribute(name).set_value(std::to_string(value).c_str());
}

// A planned body and the layer ids of its Parameters and Results, by position.
struct PlannedBody {
  const Graph* graph;
  IrLayerPlan plan;
  size_t param_layer(int64_t index) const { return plan.layer_of_node.at(graph->parameters().at(index)); }
  size_t result_layer(int64_t index) const { return plan.layer_of_node.at(graph->results().at(index)); }
};

PlannedBody plan_body(const Node& node, const std::string& key, const CustomOpRegistry* custom) {
  const Graph& body = *node.attr<GraphPtr>(key);
  try {
    return PlannedBody{&body, plan_ir_layers(body, custom)};
  } catch (const Error& e) {
    throw Error("node '" + node.name + "' (" + node.op() + ") " + key + ": " + e.what());
  }
}

void write_body(pugi::xml_node layer, const char* element, const PlannedBody& body, IrBinWriter& bin,
                const CustomOpRegistry* custom) {
  add_layers_and_edges(layer.append_child(element), *body.graph, body.plan, bin, custom);
}

void add_slice(pugi::xml_node port, const SliceTie& t) {
  set_int(port, "axis", t.axis);
  set_int(port, "start", t.start);
  set_int(port, "end", t.end);
  set_int(port, "stride", t.stride);
  set_int(port, "part_size", t.part_size);
}

pugi::xml_node add_tie(pugi::xml_node map, const char* kind, int64_t external, size_t internal) {
  pugi::xml_node port = map.append_child(kind);
  set_int(port, "external_port_id", external);
  set_int(port, "internal_layer_id", static_cast<int64_t>(internal));
  return port;
}

void add_loop_elements(pugi::xml_node layer, const IrLayer& entry, IrBinWriter& bin, const CustomOpRegistry* custom) {
  const Node& node = *entry.node;
  const LoopPorts p = read_loop_ports(node.attrs);
  const PlannedBody body = plan_body(node, "body", custom);
  const auto outer_output = [&](int64_t k) { return static_cast<int64_t>(entry.input_count) + k; };
  pugi::xml_node map = layer.append_child("port_map");
  for (const SliceTie& t : p.sliced_inputs) add_slice(add_tie(map, "input", t.outer, body.param_layer(t.inner)), t);
  for (const PlainTie& t : p.invariant_inputs) add_tie(map, "input", t.outer, body.param_layer(t.inner));
  for (const MergedTie& t : p.merged_inputs) add_tie(map, "input", t.outer, body.param_layer(t.param));
  if (p.current_iteration >= 0)
    add_tie(map, "input", -1, body.param_layer(p.current_iteration)).append_attribute("purpose").set_value("current_iteration");
  for (const SliceTie& t : p.concat_outputs)
    add_slice(add_tie(map, "output", outer_output(t.outer), body.result_layer(t.inner)), t);
  for (const PlainTie& t : p.last_outputs) add_tie(map, "output", outer_output(t.outer), body.result_layer(t.inner));
  if (node.op() == "opset5.Loop")
    add_tie(map, "output", -1, body.result_layer(p.execution_condition))
        .append_attribute("purpose")
        .set_value("execution_condition");
  pugi::xml_node back_edges = layer.append_child("back_edges");
  for (const MergedTie& t : p.merged_inputs) {
    pugi::xml_node edge = back_edges.append_child("edge");
    set_int(edge, "from-layer", static_cast<int64_t>(body.result_layer(t.result)));
    set_int(edge, "from-port", 0);
    set_int(edge, "to-layer", static_cast<int64_t>(body.param_layer(t.param)));
    set_int(edge, "to-port", 0);
  }
  write_body(layer, "body", body, bin, custom);
}

void add_if_elements(pugi::xml_node layer, const IrLayer& entry, IrBinWriter& bin, const CustomOpRegistry* custom) {
  const Node& node = *entry.node;
  const IfPorts p = read_if_ports(node.attrs);
  const PlannedBody then_body = plan_body(node, "then_body", custom);
  const PlannedBody else_body = plan_body(node, "else_body", custom);
  auto add_map = [&](const char* element, const PlannedBody& body, const std::vector<PlainTie>& inputs,
                     const std::vector<PlainTie>& outputs) {
    pugi::xml_node map = layer.append_child(element);
    for (const PlainTie& t : inputs) add_tie(map, "input", t.outer, body.param_layer(t.inner));
    for (const PlainTie& t : outputs)
      add_tie(map, "output", static_cast<int64_t>(entry.input_count) + t.outer, body.result_layer(t.inner));
  };
  add_map("then_port_map", then_body, p.then_inputs, p.then_outputs);
  add_map("else_port_map", else_body, p.else_inputs, p.else_outputs);
  write_body(layer, "then_body", then_body, bin, custom);
  write_body(layer, "else_body", else_body, bin, custom);
}

}  // namespace

void add_body_elements(pugi::xml_node layer, const IrLayer& entry, IrBinWriter& bin, const CustomOpRegistry* custom) {
  if (entry.node->op() == "opset8.If")
    add_if_elements(layer, entry, bin, custom);
  else
    add_loop_elements(layer, entry, bin, custom);
}

}  // namespace remo
