// Ops that change only the shape: Reshape, Squeeze, Unsqueeze; and ShapeOf-1/3. Their evaluators
// share the input's bytes instead of copying them.
#include <algorithm>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// Reshape's target: -1 takes the remaining element count, and with special_zero a 0 copies the
// input dimension at the same position. Copied dimensions cancel out of the element count, so
// Reshape(0, -1) of [?, 3, 4] still infers [?, 12].
PartialShape reshape_shape(const PartialShape& in, const std::vector<int64_t>& target, bool special_zero) {
  std::vector<int64_t> dims;
  std::vector<bool> copied(in.rank_known() ? in.rank() : 0, false);
  std::optional<size_t> inferred;
  int64_t out_rest = 1;  // product of the output dims that are neither copied nor inferred (-1: unknown)
  for (size_t i = 0; i < target.size(); ++i) {
    const int64_t v = target[i];
    if (v == 0 && special_zero) {
      if (in.rank_known() && i >= in.rank())
        throw OpError("shape[" + std::to_string(i) + "] = 0 copies input dimension " + std::to_string(i) +
                      ", but the input " + shape_str(in) + " has rank " + std::to_string(in.rank()));
      if (in.rank_known()) copied[i] = true;
      dims.push_back(in.rank_known() ? in[i] : kDynamicDim);
      if (!in.rank_known()) out_rest = kDynamicDim;
    } else if (v == -1) {
      if (inferred) throw OpError("shape " + shape_to_string(target) + " has more than one -1");
      inferred = i;
      dims.push_back(kDynamicDim);
    } else if (v < -1) {
      throw OpError("shape " + shape_to_string(target) + " has the invalid value " + std::to_string(v));
    } else {
      dims.push_back(v);
      out_rest = out_rest < 0 ? out_rest : out_rest * v;
    }
  }
  int64_t in_rest = in.rank_known() ? 1 : kDynamicDim;  // product of the input dims not copied
  for (size_t i = 0; i < copied.size(); ++i)
    if (!copied[i]) in_rest = in_rest < 0 || in[i] < 0 ? kDynamicDim : in_rest * in[i];
  const std::string counts = "cannot reshape " + shape_str(in) + " to " + shape_to_string(target);
  if (in_rest < 0 || out_rest < 0) return PartialShape(dims);
  if (inferred) {
    if (out_rest == 0) {
      if (in_rest != 0) throw OpError(counts + ": -1 cannot be resolved next to a zero dimension");
      dims[*inferred] = 0;
    } else {
      if (in_rest % out_rest != 0) throw OpError(counts + ": the element counts do not divide");
      dims[*inferred] = in_rest / out_rest;
    }
  } else if (in_rest != out_rest) {
    throw OpError(counts + ": the element counts differ");
  }
  return PartialShape(dims);
}

void infer_reshape(InferContext& ctx) {
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "shape", "an integer type");
  const PartialShape& target_shape = ctx.input_shape(1);
  if (target_shape.rank_known() && target_shape.rank() > 1)
    ctx.fail("shape must be 1-D, got a tensor of shape " + shape_str(target_shape));
  PartialShape out = PartialShape::dynamic_rank();
  if (auto target = constant_ints(ctx, 1))
    out = reshape_shape(ctx.input_shape(0), *target, ctx.attr<bool>("special_zero"));
  else if (auto length = static_length(ctx, 1))
    out = PartialShape(std::vector<int64_t>(static_cast<size_t>(*length), kDynamicDim));
  ctx.set_output(0, ctx.input_type(0), out);
}

// Squeeze removes the listed axes, or every size-1 axis when the axes are absent or empty (which
// axes those are is unknown while some dimension is dynamic). A listed axis must have size 1:
// OpenVINO before 2024.3 rejects anything else, newer versions keep the axis.
PartialShape squeeze_shape(const PartialShape& in, bool has_axes, const std::optional<std::vector<int64_t>>& axes) {
  if (!in.rank_known() || (has_axes && !axes)) return PartialShape::dynamic_rank();
  std::vector<int64_t> dims;
  if (!has_axes || axes->empty()) {
    for (int64_t d : in.dims()) {
      if (d < 0) return PartialShape::dynamic_rank();
      if (d != 1) dims.push_back(d);
    }
    return PartialShape(dims);
  }
  const auto normalized = normalize_axes(*axes, static_cast<int64_t>(in.rank()));
  for (size_t i = 0; i < in.rank(); ++i) {
    const bool listed = std::find(normalized.begin(), normalized.end(), static_cast<int64_t>(i)) != normalized.end();
    if (!listed) {
      dims.push_back(in[i]);
    } else if (in[i] > 1 || in[i] == 0) {
      throw OpError("cannot squeeze axis " + std::to_string(i) + " of " + shape_str(in) + ": its size is " +
                    std::to_string(in[i]) + ", not 1");
    }
  }
  return PartialShape(dims);
}

// Unsqueeze inserts size-1 axes at the listed positions of the output (repeats count once).
PartialShape unsqueeze_shape(const PartialShape& in, const std::optional<std::vector<int64_t>>& axes) {
  if (!in.rank_known() || !axes) return PartialShape::dynamic_rank();
  std::vector<int64_t> unique = *axes;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  const auto rank = static_cast<int64_t>(in.rank() + unique.size());
  auto normalized = normalize_axes(unique, rank);
  std::sort(normalized.begin(), normalized.end());
  if (std::adjacent_find(normalized.begin(), normalized.end()) != normalized.end())
    throw OpError("axes " + shape_to_string(*axes) + " name the same output axis twice");
  std::vector<int64_t> dims;
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i)
    dims.push_back(std::binary_search(normalized.begin(), normalized.end(), i) ? 1 : in[next++]);
  return PartialShape(dims);
}

// The input's bytes under a new static shape.
std::vector<Tensor> relabel(const Tensor& t, const PartialShape& shape) {
  return {Tensor(t.type(), *shape.to_static(), t.buffer())};
}

void check_axes_input(const InferContext& ctx, size_t i) {
  check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), "axes", "an integer type");
  const PartialShape& s = ctx.input_shape(i);
  if (s.rank_known() && s.rank() > 1) throw OpError("axes must be a scalar or 1-D, got " + shape_str(s));
}

void add_shape_of(OpRegistry& r) {
  auto evaluate = [](ElementType type, const Tensor& t) { return std::vector<Tensor>{int_tensor(type, t.shape())}; };
  auto shape_of = [](const PartialShape& s) {
    return PartialShape(std::vector<int64_t>{s.rank_known() ? static_cast<int64_t>(s.rank()) : kDynamicDim});
  };
  add_op(r, OpDef{
      .name = "opset1.ShapeOf", .ir_type = "ShapeOf", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [shape_of](InferContext& ctx) { ctx.set_output(0, ElementType::i64, shape_of(ctx.input_shape(0))); },
      .evaluate = [evaluate](const Node&, const std::vector<Tensor>& in) { return evaluate(ElementType::i64, in[0]); },
  });
  add_op(r, OpDef{
      .name = "opset3.ShapeOf", .ir_type = "ShapeOf", .ir_version = "opset3",
      .attrs = {default_attr("output_type", AttrKind::Type, ElementType::i64)},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [shape_of](InferContext& ctx) {
        const ElementType type = ctx.attr<ElementType>("output_type");
        if (type != ElementType::i32 && type != ElementType::i64)
          ctx.fail("output_type must be i32 or i64, got " + std::string(type_name(type)));
        ctx.set_output(0, type, shape_of(ctx.input_shape(0)));
      },
      .evaluate = [evaluate](const Node& n, const std::vector<Tensor>& in) {
        return evaluate(n.attr<ElementType>("output_type"), in[0]);
      },
  });
}

}  // namespace

void register_reshape_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Reshape", .ir_type = "Reshape", .ir_version = "opset1",
      .attrs = {required_attr("special_zero", AttrKind::Bool)},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_reshape,
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        return relabel(in[0], reshape_shape(in[0].shape(), in[1].to_int64(), n.attr<bool>("special_zero")));
      },
  });
  add_op(r, OpDef{
      .name = "opset1.Squeeze", .ir_type = "Squeeze", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 1, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        const bool has_axes = ctx.input_count() > 1 && ctx.has_input(1);
        if (has_axes) check_axes_input(ctx, 1);
        ctx.set_output(0, ctx.input_type(0),
                       squeeze_shape(ctx.input_shape(0), has_axes, has_axes ? constant_ints(ctx, 1) : std::nullopt));
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        const bool has_axes = in.size() > 1 && !in[1].empty();
        return relabel(in[0], squeeze_shape(in[0].shape(), has_axes,
                                            has_axes ? std::optional(in[1].to_int64()) : std::nullopt));
      },
  });
  add_op(r, OpDef{
      .name = "opset1.Unsqueeze", .ir_type = "Unsqueeze", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        check_axes_input(ctx, 1);
        ctx.set_output(0, ctx.input_type(0), unsqueeze_shape(ctx.input_shape(0), constant_ints(ctx, 1)));
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        return relabel(in[0], unsqueeze_shape(in[0].shape(), in[1].to_int64()));
      },
  });
  add_shape_of(r);
}

}  // namespace remo
