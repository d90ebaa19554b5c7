#include "engine/ops/body_ports.h"

#include "engine/graph/error.h"
#include "engine/ops/op_registry.h"

namespace remo {
namespace {

const std::vector<int64_t>& ints_of(const Attributes& attrs, const std::string& key, size_t record) {
  static const std::vector<int64_t> kEmpty;
  auto it = attrs.find(key);
  if (it == attrs.end()) return kEmpty;
  const auto* ints = std::get_if<std::vector<int64_t>>(&it->second);
  check(ints != nullptr, "attribute '" + key + "' must be a list of ints");
  check(ints->size() % record == 0, "attribute '" + key + "' holds " + std::to_string(ints->size()) +
                                        " ints, not a whole number of records of " + std::to_string(record));
  return *ints;
}

std::vector<SliceTie> read_slices(const Attributes& attrs, const std::string& key) {
  const auto& v = ints_of(attrs, key, 7);
  std::vector<SliceTie> out;
  for (size_t i = 0; i < v.size(); i += 7) out.push_back({v[i], v[i + 1], v[i + 2], v[i + 3], v[i + 4], v[i + 5], v[i + 6]});
  return out;
}

std::vector<PlainTie> read_plain(const Attributes& attrs, const std::string& key) {
  const auto& v = ints_of(attrs, key, 2);
  std::vector<PlainTie> out;
  for (size_t i = 0; i < v.size(); i += 2) out.push_back({v[i], v[i + 1]});
  return out;
}

std::vector<int64_t> flat(const std::vector<SliceTie>& ties) {
  std::vector<int64_t> v;
  for (const SliceTie& t : ties) v.insert(v.end(), {t.outer, t.inner, t.axis, t.start, t.stride, t.part_size, t.end});
  return v;
}

std::vector<int64_t> flat(const std::vector<PlainTie>& ties) {
  std::vector<int64_t> v;
  for (const PlainTie& t : ties) v.insert(v.end(), {t.outer, t.inner});
  return v;
}

int64_t int_or(const Attributes& attrs, const std::string& key, int64_t fallback) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return fallback;
  const auto* v = std::get_if<int64_t>(&it->second);
  check(v != nullptr, "attribute '" + key + "' must be an int");
  return *v;
}

}  // namespace

LoopPorts read_loop_ports(const Attributes& attrs) {
  LoopPorts p;
  p.sliced_inputs = read_slices(attrs, "sliced_inputs");
  p.invariant_inputs = read_plain(attrs, "invariant_inputs");
  const auto& merged = ints_of(attrs, "merged_inputs", 3);
  for (size_t i = 0; i < merged.size(); i += 3) p.merged_inputs.push_back({merged[i], merged[i + 1], merged[i + 2]});
  p.concat_outputs = read_slices(attrs, "concat_outputs");
  p.last_outputs = read_plain(attrs, "last_outputs");
  p.current_iteration = int_or(attrs, "current_iteration", -1);
  p.execution_condition = int_or(attrs, "execution_condition", -1);
  return p;
}

IfPorts read_if_ports(const Attributes& attrs) {
  return IfPorts{read_plain(attrs, "then_inputs"), read_plain(attrs, "else_inputs"),
                 read_plain(attrs, "then_outputs"), read_plain(attrs, "else_outputs")};
}

void write_loop_ports(const LoopPorts& p, Attributes& attrs, bool with_loop_specials) {
  attrs["sliced_inputs"] = flat(p.sliced_inputs);
  attrs["invariant_inputs"] = flat(p.invariant_inputs);
  std::vector<int64_t> merged;
  for (const MergedTie& t : p.merged_inputs) merged.insert(merged.end(), {t.outer, t.param, t.result});
  attrs["merged_inputs"] = merged;
  attrs["concat_outputs"] = flat(p.concat_outputs);
  attrs["last_outputs"] = flat(p.last_outputs);
  if (with_loop_specials) {
    attrs["current_iteration"] = p.current_iteration;
    attrs["execution_condition"] = p.execution_condition;
  }
}

void write_if_ports(const IfPorts& p, Attributes& attrs) {
  attrs["then_inputs"] = flat(p.then_inputs);
  attrs["else_inputs"] = flat(p.else_inputs);
  attrs["then_outputs"] = flat(p.then_outputs);
  attrs["else_outputs"] = flat(p.else_outputs);
}

void infer_body(Graph& body, const std::vector<std::optional<ParamBinding>>& bindings) {
  const auto& params = body.parameters();
  check(bindings.size() <= params.size(), "more bindings than body parameters");
  for (size_t i = 0; i < bindings.size(); ++i) {
    if (!bindings[i]) continue;
    Node& p = body.at(params[i]);
    p.attrs["element_type"] = bindings[i]->type;
    p.attrs["dynamic_rank"] = !bindings[i]->shape.rank_known();
    std::vector<int64_t> dims;
    if (bindings[i]->shape.rank_known())
      for (int64_t d : bindings[i]->shape.dims()) dims.push_back(d < 0 ? -1 : d);
    p.attrs["shape"] = dims;
  }
  for (NodeId id : body.topological_order()) infer_node(body, body.at(id));
}

PartialShape merge_shapes(const PartialShape& a, const PartialShape& b) {
  if (!a.rank_known() || !b.rank_known() || a.rank() != b.rank()) return PartialShape::dynamic_rank();
  std::vector<int64_t> dims(a.rank());
  for (size_t i = 0; i < a.rank(); ++i) dims[i] = a[i] == b[i] ? a[i] : kDynamicDim;
  return PartialShape(dims);
}

}  // namespace remo
