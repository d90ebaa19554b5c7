// Slice-8 (start/stop/step per listed axis) and StridedSlice-1 (with begin/end/new-axis/shrink/
// ellipsis masks). Both evaluate as one strided copy.
#include <numeric>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/slicing.h"
#include "engine/ops/strided_copy.h"

namespace remo {
namespace {

// One output axis of a slice: which input axis it walks (-1 for an inserted axis), from where,
// how many elements and with which step.
struct OutputAxis {
  int64_t in_axis;
  int64_t first;
  int64_t count;
  int64_t step;
};

struct SlicePlan {
  std::vector<OutputAxis> axes;
  std::vector<std::pair<int64_t, int64_t>> fixed;  // (input axis, coordinate) removed by a shrink

  PartialShape shape() const {
    std::vector<int64_t> dims;
    for (const auto& a : axes) dims.push_back(a.count);
    return PartialShape(dims);
  }
};

Tensor apply(const SlicePlan& plan, const Tensor& data) {
  const auto strides = row_major_strides(data.shape());
  Shape shape;
  std::vector<int64_t> view_strides;
  int64_t base = 0;
  for (const auto& a : plan.axes) {
    shape.push_back(a.count);
    if (a.in_axis < 0) {
      view_strides.push_back(0);
    } else {
      view_strides.push_back(a.step * strides[static_cast<size_t>(a.in_axis)]);
      if (a.count > 0) base += a.first * strides[static_cast<size_t>(a.in_axis)];
    }
  }
  for (const auto& [axis, coordinate] : plan.fixed) base += coordinate * strides[static_cast<size_t>(axis)];
  return copy_strided(data, shape, view_strides, base);
}

OutputAxis whole_axis(const PartialShape& data, size_t axis) {
  return {static_cast<int64_t>(axis), 0, data[axis], 1};
}

// ---- Slice-8 ----

struct SliceInputs {
  std::optional<std::vector<int64_t>> start, stop, step, axes;
};

SlicePlan plan_slice(const PartialShape& data, const SliceInputs& in) {
  SlicePlan plan;
  for (size_t i = 0; i < data.rank(); ++i) plan.axes.push_back(whole_axis(data, i));
  const auto rank = static_cast<int64_t>(data.rank());
  std::optional<std::vector<int64_t>> axes = in.axes;
  if (axes) axes = normalize_axes(*axes, rank, "axes", false);
  if (!in.start || !in.stop || !in.step) {  // values unknown: the listed axes (or all) become dynamic
    if (axes)
      for (int64_t a : *axes) plan.axes[static_cast<size_t>(a)].count = kDynamicDim;
    else
      for (auto& a : plan.axes) a.count = kDynamicDim;
    return plan;
  }
  const size_t n = in.start->size();
  if (in.stop->size() != n || in.step->size() != n || (axes && axes->size() != n))
    throw OpError("start, stop, step and axes must have the same length, got " + std::to_string(n) + ", " +
                  std::to_string(in.stop->size()) + ", " + std::to_string(in.step->size()) +
                  (axes ? ", " + std::to_string(axes->size()) : std::string()));
  if (!axes) {
    if (static_cast<int64_t>(n) > rank)
      throw OpError(std::to_string(n) + " slices given for the " + std::to_string(rank) + "-D data");
    axes = std::vector<int64_t>(n);
    std::iota(axes->begin(), axes->end(), 0);
  }
  for (size_t i = 0; i < n; ++i) {
    const int64_t step = (*in.step)[i];
    if (step == 0) throw OpError("step must not be zero");
    OutputAxis& a = plan.axes[static_cast<size_t>((*axes)[i])];
    const AxisSlice s = slice_axis(a.count, (*in.start)[i], (*in.stop)[i], step);
    a = {a.in_axis, s.first, s.count, step};
  }
  return plan;
}

void infer_slice(InferContext& ctx) {
  static const char* const kNames[] = {"data", "start", "stop", "step", "axes"};
  for (size_t i = 1; i < ctx.input_count(); ++i) {
    check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), kNames[i], "an integer type");
    const PartialShape& s = ctx.input_shape(i);
    if (s.rank_known() && s.rank() != 1) ctx.fail(std::string(kNames[i]) + " must be 1-D, got " + shape_str(s));
  }
  const PartialShape& data = ctx.input_shape(0);
  if (!data.rank_known()) return ctx.set_output(0, ctx.input_type(0), PartialShape::dynamic_rank());
  SliceInputs in{constant_ints(ctx, 1), constant_ints(ctx, 2), constant_ints(ctx, 3), std::nullopt};
  if (ctx.input_count() > 4) {
    in.axes = constant_ints(ctx, 4);
    if (!in.axes) return ctx.set_output(0, ctx.input_type(0), PartialShape(std::vector<int64_t>(data.rank(), kDynamicDim)));
  }
  ctx.set_output(0, ctx.input_type(0), plan_slice(data, in).shape());
}

std::vector<Tensor> evaluate_slice(const Node&, const std::vector<Tensor>& in) {
  SliceInputs s{in[1].to_int64(), in[2].to_int64(), in[3].to_int64(), std::nullopt};
  if (in.size() > 4) s.axes = in[4].to_int64();
  return {apply(plan_slice(in[0].shape(), s), in[0])};
}

// ---- StridedSlice-1 ----

struct Masks {
  std::vector<int64_t> begin, end, new_axis, shrink, ellipsis;
  static bool set(const std::vector<int64_t>& mask, size_t i) { return i < mask.size() && mask[i] != 0; }
};

Masks read_masks(const Node& node) {
  return {node.attr<std::vector<int64_t>>("begin_mask"), node.attr<std::vector<int64_t>>("end_mask"),
          node.attr<std::vector<int64_t>>("new_axis_mask"), node.attr<std::vector<int64_t>>("shrink_axis_mask"),
          node.attr<std::vector<int64_t>>("ellipsis_mask")};
}

// `entries` is the length of begin/end; their values may be unknown (then sliced axes are dynamic).
// A set begin/end mask bit ignores that value (the whole extent is taken); new_axis inserts a
// size-1 axis; shrink takes the single coordinate `begin` and drops the axis; the ellipsis stands
// for every axis not otherwise mentioned. Axes after the last entry are taken whole.
SlicePlan plan_strided_slice(const PartialShape& data, size_t entries, const Masks& m,
                             const std::optional<std::vector<int64_t>>& begin,
                             const std::optional<std::vector<int64_t>>& end,
                             const std::optional<std::vector<int64_t>>& stride) {
  std::optional<size_t> ellipsis;
  size_t new_axes = 0;
  for (size_t i = 0; i < entries; ++i) {
    if (Masks::set(m.ellipsis, i)) {
      if (ellipsis) throw OpError("ellipsis_mask may mark only one axis");
      ellipsis = i;
    } else if (Masks::set(m.new_axis, i)) {
      ++new_axes;
    }
  }
  const size_t rank = data.rank();
  const size_t consumed = entries - new_axes - (ellipsis ? 1 : 0);
  if (consumed > rank)
    throw OpError(std::to_string(consumed) + " slice entries given for the " + std::to_string(rank) + "-D data " +
                  shape_str(data));
  SlicePlan plan;
  size_t axis = 0;
  for (size_t i = 0; i < entries; ++i) {
    if (ellipsis == i) {
      for (size_t k = 0; k < rank - consumed; ++k, ++axis) plan.axes.push_back(whole_axis(data, axis));
    } else if (Masks::set(m.new_axis, i)) {
      plan.axes.push_back({-1, 0, 1, 0});
    } else if (Masks::set(m.shrink, i)) {
      if (begin) {
        const int64_t n = data[axis];
        int64_t coordinate = (*begin)[i] < 0 && n >= 0 ? (*begin)[i] + n : (*begin)[i];
        if (n >= 0 && (coordinate < 0 || coordinate >= n))
          throw OpError("shrink index " + std::to_string((*begin)[i]) + " is out of range for axis " +
                        std::to_string(axis) + " of size " + std::to_string(n));
        plan.fixed.emplace_back(static_cast<int64_t>(axis), coordinate);
      }
      ++axis;
    } else {
      const int64_t step = stride ? (*stride)[i] : 1;
      if (step == 0) throw OpError("stride must not be zero");
      OutputAxis a{static_cast<int64_t>(axis), 0, kDynamicDim, step};
      if (begin && end) {
        const int64_t first = Masks::set(m.begin, i) ? (step > 0 ? 0 : INT64_MAX) : (*begin)[i];
        const int64_t last = Masks::set(m.end, i) ? (step > 0 ? INT64_MAX : INT64_MIN) : (*end)[i];
        const AxisSlice s = slice_axis(data[axis], first, last, step);
        a.first = s.first;
        a.count = s.count;
      }
      plan.axes.push_back(a);
      ++axis;
    }
  }
  for (; axis < rank; ++axis) plan.axes.push_back(whole_axis(data, axis));
  return plan;
}

void infer_strided_slice(InferContext& ctx) {
  static const char* const kNames[] = {"data", "begin", "end", "stride"};
  std::optional<int64_t> entries;
  for (size_t i = 1; i < ctx.input_count(); ++i) {
    check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), kNames[i], "an integer type");
    const PartialShape& s = ctx.input_shape(i);
    if (s.rank_known() && s.rank() != 1) ctx.fail(std::string(kNames[i]) + " must be 1-D, got " + shape_str(s));
    if (s.rank_known() && s[0] >= 0) {
      if (entries && *entries != s[0]) ctx.fail("begin, end and stride must have the same length");
      entries = s[0];
    }
  }
  const PartialShape& data = ctx.input_shape(0);
  if (!data.rank_known() || !entries) return ctx.set_output(0, ctx.input_type(0), PartialShape::dynamic_rank());
  const auto stride = ctx.input_count() > 3 ? constant_ints(ctx, 3) : std::optional(std::vector<int64_t>(*entries, 1));
  const SlicePlan plan = plan_strided_slice(data, static_cast<size_t>(*entries), read_masks(ctx.node()),
                                            constant_ints(ctx, 1), constant_ints(ctx, 2), stride);
  ctx.set_output(0, ctx.input_type(0), plan.shape());
}

std::vector<Tensor> evaluate_strided_slice(const Node& node, const std::vector<Tensor>& in) {
  const auto begin = in[1].to_int64();
  const auto stride = in.size() > 3 ? in[3].to_int64() : std::vector<int64_t>(begin.size(), 1);
  return {apply(plan_strided_slice(in[0].shape(), begin.size(), read_masks(node), begin, in[2].to_int64(), stride),
                in[0])};
}

}  // namespace

void register_slice_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset8.Slice", .ir_type = "Slice", .ir_version = "opset8",
      .attrs = {},
      .min_inputs = 4, .max_inputs = 5,
      .infer = infer_slice,
      .evaluate = evaluate_slice,
  });
  add_op(r, OpDef{
      .name = "opset1.StridedSlice", .ir_type = "StridedSlice", .ir_version = "opset1",
      .attrs = {required_attr("begin_mask", AttrKind::Ints), required_attr("end_mask", AttrKind::Ints),
                default_attr("new_axis_mask", AttrKind::Ints, std::vector<int64_t>{}),
                default_attr("shrink_axis_mask", AttrKind::Ints, std::vector<int64_t>{}),
                default_attr("ellipsis_mask", AttrKind::Ints, std::vector<int64_t>{})},
      .min_inputs = 3, .max_inputs = 4,
      .infer = infer_strided_slice,
      .evaluate = evaluate_strided_slice,
  });
}

}  // namespace remo
