// Split-1 (equal parts) and VariadicSplit-1 (given lengths, one of them possibly -1).
#include <algorithm>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/strided_copy.h"

namespace remo {
namespace {

std::optional<int64_t> constant_axis(const InferContext& ctx) {
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axis", "an integer type");
  const PartialShape& s = ctx.input_shape(1);
  if (s.rank_known() && (s.rank() > 1 || (s.rank() == 1 && s[0] > 1)))
    throw OpError("axis must be a scalar, got shape " + shape_str(s));
  auto values = constant_ints(ctx, 1);
  if (!values || values->empty()) return std::nullopt;
  return values->front();
}

// Lengths of the parts along an axis of length `dim` (-1 = dynamic). A -1 length takes the rest.
std::vector<int64_t> resolve_lengths(std::vector<int64_t> lengths, int64_t dim) {
  int64_t known = 0;
  std::optional<size_t> rest;
  for (size_t i = 0; i < lengths.size(); ++i) {
    if (lengths[i] == -1) {
      if (rest) throw OpError("split_lengths " + shape_to_string(lengths) + " has more than one -1");
      rest = i;
    } else if (lengths[i] < 0) {
      throw OpError("split_lengths " + shape_to_string(lengths) + " has a negative length");
    } else {
      known += lengths[i];
    }
  }
  if (dim < 0) return lengths;
  if (rest ? known > dim : known != dim)
    throw OpError("split_lengths " + shape_to_string(lengths) + " do not add up to the axis length " + std::to_string(dim));
  if (rest) lengths[*rest] = dim - known;
  return lengths;
}

void set_parts(InferContext& ctx, const PartialShape& data, int64_t axis, const std::vector<int64_t>& lengths) {
  for (size_t i = 0; i < lengths.size(); ++i) {
    std::vector<int64_t> dims = data.dims();
    dims[static_cast<size_t>(axis)] = lengths[i];
    ctx.set_output(i, ctx.input_type(0), PartialShape(dims));
  }
}

void set_unknown_parts(InferContext& ctx, size_t parts) {
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape shape = data.rank_known() ? PartialShape(std::vector<int64_t>(data.rank(), kDynamicDim))
                                               : PartialShape::dynamic_rank();
  for (size_t i = 0; i < parts; ++i) ctx.set_output(i, ctx.input_type(0), shape);
}

std::vector<Tensor> split_evaluate(const Tensor& data, int64_t axis, const std::vector<int64_t>& lengths) {
  const auto strides = row_major_strides(data.shape());
  std::vector<Tensor> parts;
  int64_t offset = 0;
  for (int64_t length : lengths) {
    Shape shape = data.shape();
    shape[static_cast<size_t>(axis)] = length;
    parts.push_back(copy_strided(data, shape, strides, offset * strides[static_cast<size_t>(axis)]));
    offset += length;
  }
  return parts;
}

void infer_split(InferContext& ctx) {
  const int64_t parts = ctx.attr<int64_t>("num_splits");
  if (parts < 1) ctx.fail("num_splits must be positive, got " + std::to_string(parts));
  const PartialShape& data = ctx.input_shape(0);
  const auto axis = constant_axis(ctx);
  if (!axis || !data.rank_known()) return set_unknown_parts(ctx, static_cast<size_t>(parts));
  const int64_t a = normalize_axis(*axis, static_cast<int64_t>(data.rank()));
  const int64_t dim = data[static_cast<size_t>(a)];
  if (dim >= 0 && dim % parts != 0)
    ctx.fail("axis " + std::to_string(a) + " of " + shape_str(data) + " cannot be split into " + std::to_string(parts) +
             " equal parts");
  set_parts(ctx, data, a, std::vector<int64_t>(static_cast<size_t>(parts), dim < 0 ? kDynamicDim : dim / parts));
}

void infer_variadic_split(InferContext& ctx) {
  check_type(ctx.input_type(2), is_integral(ctx.input_type(2)), "split_lengths", "an integer type");
  const size_t parts = ctx.node().outputs.size();
  const PartialShape& data = ctx.input_shape(0);
  const auto axis = constant_axis(ctx);
  const auto lengths = constant_ints(ctx, 2);
  if (!axis || !data.rank_known()) return set_unknown_parts(ctx, parts);
  const int64_t a = normalize_axis(*axis, static_cast<int64_t>(data.rank()));
  if (!lengths) {
    std::vector<int64_t> dims = data.dims();
    dims[static_cast<size_t>(a)] = kDynamicDim;
    for (size_t i = 0; i < parts; ++i) ctx.set_output(i, ctx.input_type(0), PartialShape(dims));
    return;
  }
  if (lengths->size() != parts)
    ctx.fail("split_lengths has " + std::to_string(lengths->size()) + " entries but the node has " +
             std::to_string(parts) + " outputs");
  set_parts(ctx, data, a, resolve_lengths(*lengths, data[static_cast<size_t>(a)]));
}

// VariadicSplit has one output per entry of split_lengths, which must therefore have a static length.
size_t variadic_split_outputs(const Graph& graph, const std::vector<Value>& inputs, const Attributes&) {
  if (inputs.size() < 3 || !inputs[2].valid()) throw Error("takes 3 inputs (data, axis, split_lengths)");
  const PartialShape& s = graph.output_info(inputs[2]).shape;
  if (!s.rank_known() || s.rank() != 1 || s[0] < 0)
    throw Error("split_lengths must be a 1-D tensor of static length, got " + shape_str(s));
  return static_cast<size_t>(s[0]);
}

}  // namespace

void register_split_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Split", .ir_type = "Split", .ir_version = "opset1",
      .attrs = {required_attr("num_splits", AttrKind::Int)},
      .min_inputs = 2, .max_inputs = 2,
      .output_count = [](const Attributes& a) {
        return static_cast<size_t>(std::max<int64_t>(std::get<int64_t>(a.at("num_splits")), 1));
      },
      .infer = infer_split,
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const int64_t axis = normalize_axis(in[1].to_int64().at(0), static_cast<int64_t>(in[0].shape().size()));
        const int64_t parts = n.attr<int64_t>("num_splits");
        return split_evaluate(in[0], axis, std::vector<int64_t>(static_cast<size_t>(parts),
                                                                in[0].shape()[static_cast<size_t>(axis)] / parts));
      },
  });
  add_op(r, OpDef{
      .name = "opset1.VariadicSplit", .ir_type = "VariadicSplit", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 3, .max_inputs = 3,
      .output_count_from_inputs = variadic_split_outputs,
      .infer = infer_variadic_split,
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        const int64_t axis = normalize_axis(in[1].to_int64().at(0), static_cast<int64_t>(in[0].shape().size()));
        return split_evaluate(in[0], axis, resolve_lengths(in[2].to_int64(), in[0].shape()[static_cast<size_t>(axis)]));
      },
  });
}

}  // namespace remo
