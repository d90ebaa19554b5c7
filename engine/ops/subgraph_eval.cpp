#include "engine/ops/subgraph_eval.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "engine/graph/error.h"
#include "engine/ops/body_ports.h"
#include "engine/passes/evaluate_graph.h"

namespace remo {
namespace {

// A loop still running after this many iterations at conversion time is not evaluated (the
// evaluator returns no outputs, which constant folding takes as "leave it to the runtime").
constexpr int64_t kMaxEvaluatedIterations = int64_t{1} << 16;

std::vector<Tensor> run_body(const Graph& body, const std::vector<Tensor>& params) {
  std::map<std::string, Tensor> inputs;
  for (size_t i = 0; i < params.size(); ++i) inputs[body.at(body.parameters()[i]).name] = params[i];
  return evaluate_graph(body, inputs);
}

// Sizes around `axis`: elements before it, its length, bytes of one step after it.
struct AxisSplit {
  size_t outer = 1, length = 0, inner_bytes = 0;
};

AxisSplit split_at(const Tensor& t, int64_t axis) {
  const Shape& s = t.shape();
  AxisSplit a;
  size_t inner = 1;
  for (size_t d = 0; d < s.size(); ++d) {
    if (static_cast<int64_t>(d) < axis) a.outer *= static_cast<size_t>(s[d]);
    else if (static_cast<int64_t>(d) == axis) a.length = static_cast<size_t>(s[d]);
    else inner *= static_cast<size_t>(s[d]);
  }
  a.inner_bytes = byte_size(t.type(), inner);
  return a;
}

int64_t normalized(int64_t axis, size_t rank) {
  int64_t r = static_cast<int64_t>(rank);
  check(axis >= -r && axis < r, "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(r));
  return axis < 0 ? axis + r : axis;
}

// The whole-axis walks remo writes: forward (start 0, end -1) or backward (start -1, end 0),
// one part of part_size elements per iteration.
void check_walk(const SliceTie& t) {
  bool forward = t.start == 0 && t.end == -1 && t.stride == t.part_size;
  bool backward = t.start == -1 && t.end == 0 && t.stride == -t.part_size;
  check(t.part_size > 0 && (forward || backward),
        "only whole-axis slices with |stride| = part_size can be evaluated at conversion time");
}

int64_t slice_count(const Tensor& t, const SliceTie& tie) {
  check_walk(tie);
  AxisSplit a = split_at(t, normalized(tie.axis, t.shape().size()));
  check(a.length % static_cast<size_t>(tie.part_size) == 0, "the sliced axis is not a whole number of parts");
  return static_cast<int64_t>(a.length) / tie.part_size;
}

Tensor slice_part(const Tensor& t, const SliceTie& tie, int64_t k) {
  int64_t axis = normalized(tie.axis, t.shape().size());
  AxisSplit a = split_at(t, axis);
  size_t parts = a.length / static_cast<size_t>(tie.part_size);
  size_t index = tie.stride > 0 ? static_cast<size_t>(k) : parts - 1 - static_cast<size_t>(k);
  size_t chunk = a.inner_bytes * static_cast<size_t>(tie.part_size);
  std::vector<uint8_t> bytes(a.outer * chunk);
  for (size_t o = 0; o < a.outer; ++o)
    std::memcpy(bytes.data() + o * chunk, t.bytes() + o * a.length * a.inner_bytes + index * chunk, chunk);
  Shape shape = t.shape();
  shape[axis] = tie.part_size;
  return Tensor::from_bytes(t.type(), shape, std::move(bytes));
}

// Joins per-iteration parts along the tie's axis (in reverse order for a backward walk).
Tensor concat_parts(std::vector<Tensor> parts, const SliceTie& tie, const OutputInfo& result) {
  check_walk(tie);
  if (tie.stride < 0) std::reverse(parts.begin(), parts.end());
  if (parts.empty()) {
    auto shape = result.shape.to_static();
    check(shape.has_value(), "a loop that runs no iteration needs static body result shapes");
    Shape s = *shape;
    s[normalized(tie.axis, s.size())] = 0;
    return Tensor::from_bytes(result.type, s, {});
  }
  int64_t axis = normalized(tie.axis, parts[0].shape().size());
  Shape shape = parts[0].shape();
  int64_t total = 0;
  for (const Tensor& p : parts) total += p.shape()[axis];
  shape[axis] = total;
  AxisSplit first = split_at(parts[0], axis);
  std::vector<uint8_t> bytes(byte_size(parts[0].type(), element_count(shape)));
  size_t row = static_cast<size_t>(total) * first.inner_bytes, offset = 0;
  for (const Tensor& p : parts) {
    AxisSplit a = split_at(p, axis);
    size_t chunk = a.length * a.inner_bytes;
    for (size_t o = 0; o < a.outer; ++o) std::memcpy(bytes.data() + o * row + offset, p.bytes() + o * chunk, chunk);
    offset += chunk;
  }
  return Tensor::from_bytes(parts[0].type(), shape, std::move(bytes));
}

Tensor iteration_number(const Graph& body, int64_t param, int64_t i) {
  const OutputInfo& info = body.at(body.parameters()[param]).outputs[0];
  Shape shape = info.shape.rank_known() && info.shape.rank() == 1 ? Shape{1} : Shape{};
  ElementType type = info.type == ElementType::i32 ? ElementType::i32 : ElementType::i64;
  std::vector<uint8_t> bytes(byte_size(type, 1));
  write_from_int64(type, bytes.data(), 0, i);
  return Tensor::from_bytes(type, shape, std::move(bytes));
}

bool truthy(const Tensor& t) {
  check(t.element_count() == 1, "a loop condition must hold one element");
  return t.bytes()[0] != 0;
}

std::vector<Tensor> run_loop(const Node& node, const std::vector<Tensor>& inputs, bool is_loop) {
  const Graph& body = *node.attr<GraphPtr>("body");
  const LoopPorts p = read_loop_ports(node.attrs);
  int64_t trip = -1;
  bool go = true;
  if (is_loop) {
    if (!inputs[0].empty()) trip = read_as_int64(inputs[0].type(), inputs[0].bytes(), 0);
    if (!inputs[1].empty()) go = truthy(inputs[1]);
  } else {
    for (const SliceTie& t : p.sliced_inputs) trip = slice_count(inputs.at(t.outer), t);
  }
  std::vector<Tensor> params(body.parameters().size());
  for (const PlainTie& t : p.invariant_inputs) params[t.inner] = inputs.at(t.outer);
  for (const MergedTie& t : p.merged_inputs) params[t.param] = inputs.at(t.outer);
  std::vector<std::vector<Tensor>> parts(p.concat_outputs.size());
  std::vector<Tensor> last;
  int64_t i = 0;
  for (; go && (trip < 0 || i < trip); ++i) {
    if (i == kMaxEvaluatedIterations) return {};  // declined: left to run at inference time
    for (const SliceTie& t : p.sliced_inputs) params[t.inner] = slice_part(inputs.at(t.outer), t, i);
    if (p.current_iteration >= 0) params[p.current_iteration] = iteration_number(body, p.current_iteration, i);
    last = run_body(body, params);
    for (size_t k = 0; k < p.concat_outputs.size(); ++k) parts[k].push_back(last.at(p.concat_outputs[k].inner));
    for (const MergedTie& t : p.merged_inputs) params[t.param] = last.at(t.result);
    if (is_loop) go = truthy(last.at(p.execution_condition));
  }
  std::vector<Tensor> out(node.outputs.size());
  for (const PlainTie& t : p.last_outputs) {
    if (i > 0) {
      out.at(t.outer) = last.at(t.inner);
      continue;
    }
    // No iteration ran: a fed-back result still holds its initial value.
    for (const MergedTie& m : p.merged_inputs)
      if (m.result == t.inner) out.at(t.outer) = inputs.at(m.outer);
    check(!out.at(t.outer).empty(), "output " + std::to_string(t.outer) + " has no value when no iteration runs");
  }
  for (size_t k = 0; k < p.concat_outputs.size(); ++k) {
    const SliceTie& t = p.concat_outputs[k];
    const OutputInfo& r = body.output_info(body.at(body.results()[t.inner]).input(0));
    out.at(t.outer) = concat_parts(std::move(parts[k]), t, r);
  }
  return out;
}

}  // namespace

std::vector<Tensor> evaluate_if(const Node& node, const std::vector<Tensor>& inputs) {
  const bool take_then = truthy(inputs.at(0));
  const Graph& body = *node.attr<GraphPtr>(take_then ? "then_body" : "else_body");
  const IfPorts p = read_if_ports(node.attrs);
  std::vector<Tensor> params(body.parameters().size());
  for (const PlainTie& t : take_then ? p.then_inputs : p.else_inputs) params[t.inner] = inputs.at(t.outer);
  std::vector<Tensor> results = run_body(body, params);
  std::vector<Tensor> out(node.outputs.size());
  for (const PlainTie& t : take_then ? p.then_outputs : p.else_outputs) out.at(t.outer) = results.at(t.inner);
  return out;
}

std::vector<Tensor> evaluate_loop(const Node& node, const std::vector<Tensor>& inputs) {
  return run_loop(node, inputs, true);
}

std::vector<Tensor> evaluate_tensor_iterator(const Node& node, const std::vector<Tensor>& inputs) {
  return run_loop(node, inputs, false);
}

}  // namespace remo
