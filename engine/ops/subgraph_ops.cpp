// If-8, Loop-5 and TensorIterator-1: ops that own body graphs. Their port maps are described in
// engine/ops/body_ports.h. Inference binds each body parameter to the type and shape of what
// feeds it, re-infers the body, and reads the op's outputs off the body results.
#include <optional>
#include <utility>
#include <vector>

#include "engine/graph/error.h"
#include "engine/ops/body_ports.h"
#include "engine/ops/op_families.h"
#include "engine/ops/op_registry.h"
#include "engine/ops/subgraph_eval.h"

namespace remo {
namespace {

constexpr int kMaxFixedPointRounds = 4;

Graph& body_of(const InferContext& ctx, const std::string& key) { return *ctx.attr<GraphPtr>(key); }

// Every parameter tied exactly once, every tie within range; outer outputs 0..n-1 each once.
void check_ties(const InferContext& ctx, const Graph& body, const std::string& what,
                const std::vector<std::pair<int64_t, int64_t>>& inputs,  // outer input, parameter
                const std::vector<std::pair<int64_t, int64_t>>& outputs, // outer output, result
                int64_t extra_param) {
  std::vector<int> seen(body.parameters().size(), 0);
  for (auto [outer, param] : inputs) {
    if (outer < 0 || static_cast<size_t>(outer) >= ctx.input_count() || !ctx.has_input(static_cast<size_t>(outer)))
      ctx.fail(what + ": input tie names outer input " + std::to_string(outer) + ", which the node lacks");
    if (param < 0 || static_cast<size_t>(param) >= seen.size())
      ctx.fail(what + ": input tie names body parameter " + std::to_string(param) + ", which the body lacks");
    ++seen[param];
  }
  if (extra_param >= 0) {
    if (static_cast<size_t>(extra_param) >= seen.size())
      ctx.fail(what + ": current_iteration names body parameter " + std::to_string(extra_param) + ", which the body lacks");
    ++seen[extra_param];
  }
  for (size_t i = 0; i < seen.size(); ++i)
    if (seen[i] != 1)
      ctx.fail(what + ": body parameter " + std::to_string(i) + " is tied " + std::to_string(seen[i]) +
               " times; each must be tied once");
  std::vector<int> out_seen(ctx.node().outputs.size(), 0);
  for (auto [outer, result] : outputs) {
    if (outer < 0 || static_cast<size_t>(outer) >= out_seen.size())
      ctx.fail(what + ": output tie names outer output " + std::to_string(outer) + ", which the node lacks");
    if (result < 0 || static_cast<size_t>(result) >= body.results().size())
      ctx.fail(what + ": output tie names body result " + std::to_string(result) + ", which the body lacks");
    ++out_seen[outer];
  }
  for (size_t i = 0; i < out_seen.size(); ++i)
    if (out_seen[i] != 1) ctx.fail(what + ": outer output " + std::to_string(i) + " must be tied exactly once");
}

const OutputInfo& result_info(const Graph& body, int64_t result) {
  return body.output_info(body.at(body.results()[result]).input(0));
}

ParamBinding binding_of(const InferContext& ctx, int64_t outer) {
  return ParamBinding{ctx.input_type(outer), ctx.input_shape(outer)};
}

int64_t normalize_axis(const InferContext& ctx, int64_t axis, const PartialShape& shape, const std::string& what) {
  if (!shape.rank_known()) return axis;
  int64_t rank = static_cast<int64_t>(shape.rank());
  if (axis < -rank || axis >= rank)
    ctx.fail(what + " axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

// Iterations a slice tie walks through, when its input's length is static and the slice covers
// the whole axis (forward 0..-1 or backward -1..0); -1 otherwise.
int64_t slice_iterations(const InferContext& ctx, const SliceTie& t) {
  const PartialShape& shape = ctx.input_shape(t.outer);
  if (!shape.rank_known()) return -1;
  int64_t axis = normalize_axis(ctx, t.axis, shape, "sliced input");
  int64_t len = shape[axis];
  bool whole = (t.start == 0 && t.end == -1 && t.stride > 0) || (t.start == -1 && t.end == 0 && t.stride < 0);
  if (len < 0 || !whole || t.part_size <= 0) return -1;
  int64_t step = t.part_size * (t.stride < 0 ? -t.stride : t.stride);
  return (len + step - 1) / step;
}

// Fills the op's outputs from the body results once the body is inferred.
void set_loop_outputs(InferContext& ctx, const Graph& body, const LoopPorts& p, int64_t iterations) {
  for (const PlainTie& t : p.last_outputs) {
    const OutputInfo& r = result_info(body, t.inner);
    ctx.set_output(t.outer, r.type, r.shape);
  }
  for (const SliceTie& t : p.concat_outputs) {
    const OutputInfo& r = result_info(body, t.inner);
    PartialShape shape = r.shape;
    if (shape.rank_known()) {
      int64_t axis = normalize_axis(ctx, t.axis, shape, "concatenated output");
      std::vector<int64_t> dims = shape.dims();
      dims[axis] = iterations >= 0 && dims[axis] >= 0 ? iterations * dims[axis] : kDynamicDim;
      shape = PartialShape(dims);
    }
    ctx.set_output(t.outer, r.type, shape);
  }
}

// Binds the parameters, infers the body, and widens merged parameters whose fed-back result has
// another shape (a loop-carried value that grows) until the shapes settle.
void infer_loop_body(InferContext& ctx, Graph& body, const LoopPorts& p) {
  std::vector<std::optional<ParamBinding>> bindings(body.parameters().size());
  for (const PlainTie& t : p.invariant_inputs) bindings[t.inner] = binding_of(ctx, t.outer);
  for (const SliceTie& t : p.sliced_inputs) {
    ParamBinding b = binding_of(ctx, t.outer);
    if (b.shape.rank_known()) {
      int64_t axis = normalize_axis(ctx, t.axis, b.shape, "sliced input");
      std::vector<int64_t> dims = b.shape.dims();
      dims[axis] = t.part_size;
      b.shape = PartialShape(dims);
    }
    bindings[t.inner] = b;
  }
  for (const MergedTie& t : p.merged_inputs) bindings[t.param] = binding_of(ctx, t.outer);
  for (int round = 0;; ++round) {
    infer_body(body, bindings);
    bool settled = true;
    for (const MergedTie& t : p.merged_inputs) {
      const OutputInfo& r = result_info(body, t.result);
      if (r.type != bindings[t.param]->type && r.type != ElementType::dynamic &&
          bindings[t.param]->type != ElementType::dynamic)
        ctx.fail("body result " + std::to_string(t.result) + " is " + std::string(type_name(r.type)) +
                 " but feeds back into parameter " + std::to_string(t.param) + " of type " +
                 std::string(type_name(bindings[t.param]->type)));
      PartialShape merged = merge_shapes(bindings[t.param]->shape, r.shape);
      if (merged != bindings[t.param]->shape) {
        bindings[t.param]->shape = merged;
        settled = false;
      }
    }
    if (settled) return;
    if (round == kMaxFixedPointRounds) {
      for (const MergedTie& t : p.merged_inputs) bindings[t.param]->shape = PartialShape::dynamic_rank();
      infer_body(body, bindings);
      return;
    }
  }
}

std::vector<std::pair<int64_t, int64_t>> input_pairs(const LoopPorts& p) {
  std::vector<std::pair<int64_t, int64_t>> v;
  for (const auto& t : p.sliced_inputs) v.emplace_back(t.outer, t.inner);
  for (const auto& t : p.invariant_inputs) v.emplace_back(t.outer, t.inner);
  for (const auto& t : p.merged_inputs) v.emplace_back(t.outer, t.param);
  return v;
}

std::vector<std::pair<int64_t, int64_t>> output_pairs(const LoopPorts& p) {
  std::vector<std::pair<int64_t, int64_t>> v;
  for (const auto& t : p.concat_outputs) v.emplace_back(t.outer, t.inner);
  for (const auto& t : p.last_outputs) v.emplace_back(t.outer, t.inner);
  return v;
}

LoopPorts checked_loop_ports(const InferContext& ctx, const Graph& body, int64_t current_iteration) {
  LoopPorts p;
  try {
    p = read_loop_ports(ctx.node().attrs);
  } catch (const Error& e) {
    ctx.fail(e.what());
  }
  check_ties(ctx, body, "body", input_pairs(p), output_pairs(p), current_iteration);
  for (const MergedTie& t : p.merged_inputs)
    if (t.result < 0 || static_cast<size_t>(t.result) >= body.results().size())
      ctx.fail("back edge from body result " + std::to_string(t.result) + ", which the body lacks");
  return p;
}

void infer_tensor_iterator(InferContext& ctx) {
  Graph& body = body_of(ctx, "body");
  LoopPorts p = checked_loop_ports(ctx, body, -1);
  if (p.sliced_inputs.empty()) ctx.fail("needs at least one sliced input to count its iterations");
  int64_t iterations = -1;
  for (const SliceTie& t : p.sliced_inputs) {
    if (t.part_size <= 0 || t.stride == 0) ctx.fail("a sliced input needs part_size > 0 and stride != 0");
    int64_t n = slice_iterations(ctx, t);
    if (n >= 0 && iterations >= 0 && n != iterations)
      ctx.fail("sliced inputs give " + std::to_string(iterations) + " and " + std::to_string(n) + " iterations");
    if (n >= 0) iterations = n;
  }
  infer_loop_body(ctx, body, p);
  set_loop_outputs(ctx, body, p, iterations);
}

bool is_all_true_constant(const Graph& g, Value v) {
  const Node& n = g.at(v.node);
  if (n.op() != "opset1.Constant") return false;
  const Tensor& t = n.attr<Tensor>("value");
  if (t.type() != ElementType::boolean) return false;
  for (size_t i = 0; i < t.element_count(); ++i)
    if (t.bytes()[i] == 0) return false;
  return true;
}

void infer_loop(InferContext& ctx) {
  Graph& body = body_of(ctx, "body");
  LoopPorts p = checked_loop_ports(ctx, body, ctx.attr<int64_t>("current_iteration"));
  const int64_t cond = p.execution_condition;
  if (cond < 0 || static_cast<size_t>(cond) >= body.results().size())
    ctx.fail("execution_condition names body result " + std::to_string(cond) + ", which the body lacks");
  for (const SliceTie& t : p.sliced_inputs)
    if (t.outer < 2) ctx.fail("inputs 0 (trip count) and 1 (execution condition) cannot be sliced");
  ElementType trip_type = ctx.input_type(0);
  if (trip_type != ElementType::dynamic && trip_type != ElementType::i64 && trip_type != ElementType::i32)
    ctx.fail("the trip count must be i64 or i32, got " + std::string(type_name(trip_type)));
  if (ctx.input_type(1) != ElementType::boolean && ctx.input_type(1) != ElementType::dynamic)
    ctx.fail("the execution condition must be boolean");
  if (p.current_iteration >= 0) {
    Node& param = body.at(body.parameters()[p.current_iteration]);
    ElementType t = param.outputs[0].type;
    if (t != ElementType::i64 && t != ElementType::i32 && t != ElementType::dynamic)
      ctx.fail("the current-iteration parameter must be i64 or i32");
  }
  infer_loop_body(ctx, body, p);
  if (ElementType t = result_info(body, cond).type; t != ElementType::boolean && t != ElementType::dynamic)
    ctx.fail("the body's execution-condition result must be boolean");
  // The iteration count is known when the loop can only stop at its trip count.
  int64_t iterations = -1;
  auto trip = ctx.input_constant(0);
  auto start = ctx.input_constant(1);
  if (trip && trip->element_count() == 1 && start && start->element_count() == 1 && start->bytes()[0] != 0 &&
      is_all_true_constant(body, body.at(body.results()[cond]).input(0)))
    iterations = read_as_int64(trip->type(), trip->bytes(), 0);
  set_loop_outputs(ctx, body, p, iterations < 0 ? -1 : iterations);
}

void infer_if(InferContext& ctx) {
  if (ctx.input_type(0) != ElementType::boolean && ctx.input_type(0) != ElementType::dynamic)
    ctx.fail("the condition must be boolean");
  IfPorts p;
  try {
    p = read_if_ports(ctx.node().attrs);
  } catch (const Error& e) {
    ctx.fail(e.what());
  }
  auto pairs = [](const std::vector<PlainTie>& ties) {
    std::vector<std::pair<int64_t, int64_t>> v;
    for (const PlainTie& t : ties) v.emplace_back(t.outer, t.inner);
    return v;
  };
  std::vector<const OutputInfo*> then_out(ctx.node().outputs.size()), else_out(ctx.node().outputs.size());
  for (int branch = 0; branch < 2; ++branch) {
    const std::string key = branch == 0 ? "then_body" : "else_body";
    const auto& inputs = branch == 0 ? p.then_inputs : p.else_inputs;
    const auto& outputs = branch == 0 ? p.then_outputs : p.else_outputs;
    Graph& body = body_of(ctx, key);
    check_ties(ctx, body, key, pairs(inputs), pairs(outputs), -1);
    for (const PlainTie& t : inputs)
      if (t.outer == 0) ctx.fail(key + ": input 0 is the condition and cannot feed a body");
    std::vector<std::optional<ParamBinding>> bindings(body.parameters().size());
    for (const PlainTie& t : inputs) bindings[t.inner] = binding_of(ctx, t.outer);
    infer_body(body, bindings);
    for (const PlainTie& t : outputs) (branch == 0 ? then_out : else_out)[t.outer] = &result_info(body, t.inner);
  }
  for (size_t k = 0; k < then_out.size(); ++k) {
    ElementType a = then_out[k]->type, b = else_out[k]->type;
    if (a != b && a != ElementType::dynamic && b != ElementType::dynamic)
      ctx.fail("output " + std::to_string(k) + " is " + std::string(type_name(a)) + " in then_body but " +
               std::string(type_name(b)) + " in else_body");
    ctx.set_output(k, a == ElementType::dynamic ? b : a, merge_shapes(then_out[k]->shape, else_out[k]->shape));
  }
}

size_t record_count(const Attributes& attrs, const std::string& key, size_t record) {
  auto it = attrs.find(key);
  if (it == attrs.end()) return 0;
  const auto* v = std::get_if<std::vector<int64_t>>(&it->second);
  return v ? v->size() / record : 0;
}

AttrSpec ints(const std::string& name) { return {name, AttrKind::Ints, std::vector<int64_t>{}, {}}; }

}  // namespace

void register_subgraph_ops(OpRegistry& r) {
  auto loop_outputs = [](const Attributes& a) {
    return record_count(a, "concat_outputs", 7) + record_count(a, "last_outputs", 2);
  };
  r.add(OpDef{
      .name = "opset1.TensorIterator", .ir_type = "TensorIterator", .ir_version = "opset1",
      .attrs = {{"body", AttrKind::Graph, std::nullopt, {}}, ints("sliced_inputs"), ints("invariant_inputs"),
                ints("merged_inputs"), ints("concat_outputs"), ints("last_outputs")},
      .min_inputs = 1, .max_inputs = SIZE_MAX,
      .output_count = loop_outputs,
      .infer = infer_tensor_iterator,
      .evaluate = evaluate_tensor_iterator,
      .has_bodies = true,
  });
  r.add(OpDef{
      .name = "opset5.Loop", .ir_type = "Loop", .ir_version = "opset5",
      .attrs = {{"body", AttrKind::Graph, std::nullopt, {}}, ints("sliced_inputs"), ints("invariant_inputs"),
                ints("merged_inputs"), ints("concat_outputs"), ints("last_outputs"),
                {"current_iteration", AttrKind::Int, int64_t{-1}, {}},
                {"execution_condition", AttrKind::Int, std::nullopt, {}}},
      .min_inputs = 2, .max_inputs = SIZE_MAX,
      .output_count = loop_outputs,
      .infer = infer_loop,
      .evaluate = evaluate_loop,
      .has_bodies = true,
  });
  r.add(OpDef{
      .name = "opset8.If", .ir_type = "If", .ir_version = "opset8",
      .attrs = {{"then_body", AttrKind::Graph, std::nullopt, {}}, {"else_body", AttrKind::Graph, std::nullopt, {}},
                ints("then_inputs"), ints("else_inputs"), ints("then_outputs"), ints("else_outputs")},
      .min_inputs = 1, .max_inputs = SIZE_MAX,
      .output_count = [](const Attributes& a) { return record_count(a, "then_outputs", 2); },
      .infer = infer_if,
      .evaluate = evaluate_if,
      .has_bodies = true,
  });
}

}  // namespace remo
