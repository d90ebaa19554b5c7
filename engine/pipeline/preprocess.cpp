#include "engine/pipeline/preprocess.h"

#include <algorithm>
#include <map>
#include <optional>

#include "engine/graph/error.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

struct InputPlan {
  std::vector<std::string> source;  // model layout
  std::vector<std::string> target;  // layout the user feeds
  std::vector<double> mean, scale;
  bool reverse = false;
};

bool names_input(const Node& p, const std::string& name) {
  const auto& names = p.outputs[0].names;
  return p.name == name || std::find(names.begin(), names.end(), name) != names.end();
}

NodeId find_input(const Graph& g, const std::string& option, const std::string& name) {
  for (NodeId id : g.parameters())
    if (names_input(g.at(id), name)) return id;
  std::string known;
  for (NodeId id : g.parameters()) known += (known.empty() ? "" : ", ") + g.at(id).name;
  throw Error(option + " names '" + name + "', which is not a model input (inputs: " + known + ")");
}

// Inputs that unnamed groups go to: those named by --input (in its order), else all inputs.
std::vector<NodeId> default_inputs(const Graph& g, const ModelEditOptions& edits) {
  std::vector<NodeId> out;
  for (const InputSpec& s : edits.inputs)
    for (NodeId id : g.parameters())
      if (!s.value && names_input(g.at(id), s.name) && std::find(out.begin(), out.end(), id) == out.end())
        out.push_back(id);
  return out.empty() ? g.parameters() : out;
}

// Which input each group is for: named groups by name, unnamed ones in input order.
template <typename Group>
std::vector<NodeId> assign(const Graph& g, const ModelEditOptions& edits, const std::string& option,
                           const std::vector<Group>& groups, std::string Group::*name) {
  std::vector<NodeId> order = default_inputs(g, edits);
  size_t unnamed = std::count_if(groups.begin(), groups.end(), [&](const Group& x) { return (x.*name).empty(); });
  if (unnamed > 0 && unnamed != order.size())
    throw Error(option + " gives " + std::to_string(unnamed) + " unnamed group(s) for " + std::to_string(order.size()) +
                " input(s); name the input of each, e.g. data[1,2,3]");
  std::vector<NodeId> out;
  size_t next = 0;
  for (const Group& x : groups) out.push_back((x.*name).empty() ? order[next++] : find_input(g, option, x.*name));
  return out;
}

bool is_input_name(const Graph& g, const std::string& name) {
  return std::any_of(g.parameters().begin(), g.parameters().end(),
                     [&](NodeId id) { return names_input(g.at(id), name); });
}

// The value model output `name` reads (by tensor name or producer name), if there is one.
std::optional<Value> find_output(const Graph& g, const std::string& name) {
  for (NodeId id : g.results()) {
    Value v = g.at(id).input(0);
    const auto& names = g.output_info(v).names;
    if (g.at(v.node).name == name || std::find(names.begin(), names.end(), name) != names.end()) return v;
  }
  return std::nullopt;
}

// Layout groups for model outputs are applied at the end (apply_output_layouts).
bool for_output(const Graph& g, const LayoutSpec& l) {
  return !l.input.empty() && !is_input_name(g, l.input) && find_output(g, l.input);
}

std::map<NodeId, InputPlan> plan_inputs(const Graph& g, const ModelEditOptions& e) {
  std::map<NodeId, InputPlan> plans;
  std::vector<LayoutSpec> input_layouts;
  for (const LayoutSpec& l : e.layouts)
    if (!for_output(g, l)) input_layouts.push_back(l);
  auto layouts = assign(g, e, "--layout", input_layouts, &LayoutSpec::input);
  for (size_t i = 0; i < layouts.size(); ++i) {
    InputPlan& p = plans[layouts[i]];
    if (!input_layouts[i].source.empty()) p.source = input_layouts[i].source;
    if (!input_layouts[i].target.empty()) p.target = input_layouts[i].target;
  }
  auto means = assign(g, e, "--mean_values", e.mean_values, &InputValues::input);
  for (size_t i = 0; i < means.size(); ++i) plans[means[i]].mean = e.mean_values[i].values;
  auto scales = assign(g, e, "--scale_values", e.scale_values, &InputValues::input);
  for (size_t i = 0; i < scales.size(); ++i) plans[scales[i]].scale = e.scale_values[i].values;
  if (e.scale)  // every model input, as mo does
    for (NodeId id : g.parameters())
      if (plans[id].scale.empty()) plans[id].scale = {*e.scale};
  if (e.reverse_input_channels)
    for (NodeId id : g.parameters()) plans[id].reverse = true;
  return plans;
}

std::string label(const Node& p) { return "input '" + p.name + "'"; }

// The channel axis: C of the layout, else guessed from the shape (dimension 1, then the last)
// by the channel count `k`; -1 when it cannot be told.
int64_t channel_axis(const std::vector<std::string>& layout, const PartialShape& shape, int64_t k) {
  if (!layout.empty()) {
    auto it = std::find(layout.begin(), layout.end(), "C");
    return it == layout.end() ? -1 : it - layout.begin();
  }
  if (!shape.rank_known() || shape.rank() < 3) return -1;
  if (shape[1] == k) return 1;
  if (shape[shape.rank() - 1] == k) return static_cast<int64_t>(shape.rank()) - 1;
  return -1;
}

void apply_layout_change(Graph& g, Node& param, const InputPlan& plan, Value& x) {
  const auto& src = plan.source;
  const auto& dst = plan.target;
  if (src.empty())
    throw Error("--target_layout for " + label(param) + " needs its model layout too (--source_layout or --layout a->b)");
  std::vector<int64_t> perm;
  for (const std::string& axis : src) {
    auto it = std::find(dst.begin(), dst.end(), axis);
    if (axis == "?" || it == dst.end())
      throw Error("--target_layout " + layout_to_string(dst) + " of " + label(param) + " is no reordering of " +
                  layout_to_string(src));
    perm.push_back(it - dst.begin());
  }
  const PartialShape& shape = param.outputs[0].shape;
  std::vector<int64_t> dims(dst.size(), kDynamicDim);
  if (shape.rank_known())
    for (size_t j = 0; j < dst.size(); ++j)
      dims[j] = shape[std::find(src.begin(), src.end(), dst[j]) - src.begin()];
  param.attrs["shape"] = dims;
  param.attrs["dynamic_rank"] = false;
  infer_node(g, param);
  Value order = make_op(g, "opset1.Constant", {}, {{"value", int_tensor(ElementType::i64, perm)}},
                        g.unique_name(param.name + "/layout_order")).output();
  x = make_op(g, "opset1.Transpose", {x, order}, {}, g.unique_name(param.name + "/to_model_layout")).output();
}

}  // namespace

std::vector<std::string> apply_preprocessing(Graph& g, const ModelEditOptions& edits) {
  std::vector<std::string> warnings;
  std::map<NodeId, InputPlan> plans = plan_inputs(g, edits);
  std::vector<std::string> preprocessed;
  for (auto& [id, plan] : plans) {
    Node& param = g.at(id);
    const PartialShape& shape = param.outputs[0].shape;
    for (const auto* layout : {&plan.source, &plan.target})
      if (!layout->empty() && shape.rank_known() && layout->size() != shape.rank())
        throw Error("layout " + layout_to_string(*layout) + " of " + label(param) + " has rank " +
                    std::to_string(layout->size()) + " but the input has rank " + std::to_string(shape.rank()));
    if (!plan.target.empty()) {
      std::vector<Use> uses = param.uses(0);
      Value x = param.output();
      apply_layout_change(g, param, plan, x);
      for (const Use& u : uses) g.set_input(u.node, u.port, x);
    }
    // Preprocessing works on what the user feeds: the target layout when there is one.
    const std::vector<std::string>& layout = plan.target.empty() ? plan.source : plan.target;
    if (!layout.empty()) param.rt_info["layout"] = layout_to_string(layout);
    ElementType type = param.outputs[0].type;
    const PartialShape& fed = param.outputs[0].shape;
    // What the rule rules/options/preprocess.lua inserts, decided (and checked) here.
    const std::string key = ":" + param.name;
    bool any = false;
    if (plan.reverse) {
      int64_t axis = channel_axis(layout, fed, 3);
      if (axis < 0 || !fed.rank_known() || fed[axis] < 0) {
        warnings.push_back("--reverse_input_channels: " + label(param) +
                           " has no channel dimension of size 3 (give its layout with --layout); left as is");
      } else {
        g.meta["option:reverse_axis" + key] = axis;
        any = true;
      }
    }
    for (auto [values, option] : {std::pair{&plan.mean, "mean_values"}, std::pair{&plan.scale, "scale_values"}}) {
      if (values->empty()) continue;
      const std::string what = std::string("--") + option;
      if (!is_floating(type))
        throw Error(what + " for " + label(param) + ": the input is " + std::string(type_name(type)) +
                    ", not a floating-point tensor");
      if (values->size() > 1) {
        int64_t axis = channel_axis(layout, fed, static_cast<int64_t>(values->size()));
        if (axis < 0 || fed[axis] != static_cast<int64_t>(values->size()))
          throw Error(what + " gives " + std::to_string(values->size()) + " values for " + label(param) +
                      " of shape " + shape_to_string(fed.dims()) + ", which has no channel dimension of that size" +
                      " (give its layout with --layout)");
        g.meta[std::string("option:") + option + "_axis" + key] = axis;
      }
      g.meta[std::string("option:") + option + key] = *values;
      any = true;
    }
    if (any) preprocessed.push_back(param.name);
  }
  if (!preprocessed.empty()) g.meta["option:preprocess_inputs"] = preprocessed;
  return warnings;
}

void apply_output_layouts(Graph& g, const ModelEditOptions& edits) {
  for (const LayoutSpec& l : edits.layouts) {
    if (!for_output(g, l)) continue;
    const std::string label = "--layout for model output '" + l.input + "'";
    if (!l.target.empty() || l.source.empty())
      throw Error(label + ": an output takes one layout; changing it ('->' or --target_layout) is not supported");
    Value v = *find_output(g, l.input);
    const PartialShape& shape = g.output_info(v).shape;
    if (shape.rank_known() && shape.rank() != l.source.size())
      throw Error(label + ": layout " + layout_to_string(l.source) + " has rank " + std::to_string(l.source.size()) +
                  " but the output has rank " + std::to_string(shape.rank()));
    // OpenVINO keeps an output's layout on the output port that feeds the Result.
    g.at(v.node).rt_info[v.port == 0 ? std::string("layout") : "layout:" + std::to_string(v.port)] =
        layout_to_string(l.source);
  }
}

}  // namespace remo
