// Broadcast-3: numpy, bidirectional and explicit (axes_mapping) broadcasting to a target shape.
#include <algorithm>

#include "engine/ops/broadcast.h"
#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/strided_copy.h"

namespace remo {
namespace {

// The data's dimensions placed on the output's axes (1 elsewhere), so that broadcasting is a
// stride-0 read: trailing alignment for numpy/bidirectional, axes_mapping for explicit.
std::vector<int64_t> align_data(const std::vector<int64_t>& data, size_t out_rank, const std::string& mode,
                                const std::vector<int64_t>& axes_mapping) {
  std::vector<int64_t> aligned(out_rank, 1);
  if (mode != "explicit") {
    std::copy(data.begin(), data.end(), aligned.end() - static_cast<int64_t>(data.size()));
    return aligned;
  }
  if (axes_mapping.size() != data.size())
    throw OpError("axes_mapping " + shape_to_string(axes_mapping) + " must have one entry per data axis (" +
                  std::to_string(data.size()) + ")");
  for (size_t i = 0; i < data.size(); ++i) {
    const int64_t axis = axes_mapping[i];
    if (axis < 0 || axis >= static_cast<int64_t>(out_rank) || (i > 0 && axis <= axes_mapping[i - 1]))
      throw OpError("axes_mapping " + shape_to_string(axes_mapping) + " must be increasing axes of the " +
                    std::to_string(out_rank) + "-D target");
    aligned[static_cast<size_t>(axis)] = data[i];
  }
  return aligned;
}

PartialShape broadcast_to(const PartialShape& data, const std::vector<int64_t>& target, const std::string& mode,
                          const std::vector<int64_t>& axes_mapping) {
  for (int64_t d : target)
    if (d < 0) throw OpError("target_shape " + shape_to_string(target) + " has a negative dimension");
  if (mode == "bidirectional") return broadcast_or_throw(data, PartialShape(target), BroadcastMode::numpy);
  if (!data.rank_known()) return PartialShape(target);
  if (data.rank() > target.size())
    throw OpError("data of shape " + shape_str(data) + " has more axes than target_shape " + shape_to_string(target));
  const auto aligned = align_data(data.dims(), target.size(), mode, axes_mapping);
  for (size_t i = 0; i < target.size(); ++i)
    if (aligned[i] != 1 && !merge_dim(aligned[i], target[i]))
      throw OpError("data of shape " + shape_str(data) + " cannot be broadcast to " + shape_to_string(target) +
                    " (mode " + mode + ")");
  return PartialShape(target);
}

void infer_broadcast(InferContext& ctx) {
  const std::string& mode = ctx.attr<std::string>("mode");
  const bool explicit_mode = mode == "explicit";
  if (explicit_mode && ctx.input_count() != 3) ctx.fail("mode explicit needs the axes_mapping input");
  if (!explicit_mode && ctx.input_count() != 2) ctx.fail("axes_mapping is only used with mode explicit");
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "target_shape", "an integer type");
  const PartialShape& data = ctx.input_shape(0);
  auto target = constant_ints(ctx, 1);
  std::optional<std::vector<int64_t>> axes = explicit_mode ? constant_ints(ctx, 2) : std::vector<int64_t>{};
  PartialShape out = PartialShape::dynamic_rank();
  if (target && axes) {
    out = broadcast_to(data, *target, mode, *axes);
  } else if (auto length = static_length(ctx, 1)) {
    const auto rank = static_cast<size_t>(*length);
    if (mode != "bidirectional") out = PartialShape(std::vector<int64_t>(rank, kDynamicDim));
    else if (data.rank_known()) out = PartialShape(std::vector<int64_t>(std::max(rank, data.rank()), kDynamicDim));
  }
  ctx.set_output(0, ctx.input_type(0), out);
}

std::vector<Tensor> evaluate_broadcast(const Node& node, const std::vector<Tensor>& in) {
  const std::string& mode = node.attr<std::string>("mode");
  const std::vector<int64_t> axes = mode == "explicit" ? in[2].to_int64() : std::vector<int64_t>{};
  const Shape out = *broadcast_to(in[0].shape(), in[1].to_int64(), mode, axes).to_static();
  const Shape aligned = align_data(in[0].shape(), out.size(), mode, axes);
  return {copy_strided(in[0], out, broadcast_strides(aligned, out))};
}

}  // namespace

void register_broadcast_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset3.Broadcast", .ir_type = "Broadcast", .ir_version = "opset3",
      .attrs = {default_attr("mode", AttrKind::String, std::string("numpy"), {"numpy", "explicit", "bidirectional"})},
      .min_inputs = 2, .max_inputs = 3,
      .infer = infer_broadcast,
      .evaluate = evaluate_broadcast,
  });
}

}  // namespace remo
