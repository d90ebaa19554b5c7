// Ops that rearrange or repeat elements: Transpose, Concat, Tile.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/strided_copy.h"

namespace remo {
namespace {

// An empty order reverses the axes; otherwise it must be a permutation of [0, rank).
std::vector<int64_t> transpose_order(std::vector<int64_t> order, size_t rank) {
  if (order.empty()) {
    order.resize(rank);
    std::iota(order.rbegin(), order.rend(), 0);
    return order;
  }
  std::vector<int64_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted.size() != rank || sorted[i] != static_cast<int64_t>(i))
      throw OpError("order " + shape_to_string(order) + " is not a permutation of the " + std::to_string(rank) +
                    " input axes");
  return order;
}

void add_transpose(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Transpose", .ir_type = "Transpose", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "order", "an integer type");
        const PartialShape& in = ctx.input_shape(0);
        auto order = constant_ints(ctx, 1);
        PartialShape out = PartialShape::dynamic_rank();
        if (in.rank_known() && order) {
          std::vector<int64_t> dims;
          for (int64_t axis : transpose_order(*order, in.rank())) dims.push_back(in[static_cast<size_t>(axis)]);
          out = PartialShape(dims);
        } else if (in.rank_known()) {
          out = PartialShape(std::vector<int64_t>(in.rank(), kDynamicDim));
        } else if (auto length = static_length(ctx, 1); length && *length > 0) {
          out = PartialShape(std::vector<int64_t>(static_cast<size_t>(*length), kDynamicDim));
        }
        ctx.set_output(0, ctx.input_type(0), out);
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        const Shape& shape = in[0].shape();
        const auto strides = row_major_strides(shape);
        Shape out;
        std::vector<int64_t> out_strides;
        for (int64_t axis : transpose_order(in[1].to_int64(), shape.size())) {
          out.push_back(shape[static_cast<size_t>(axis)]);
          out_strides.push_back(strides[static_cast<size_t>(axis)]);
        }
        return std::vector<Tensor>{copy_strided(in[0], out, out_strides)};
      },
  });
}

void infer_concat(InferContext& ctx) {
  ElementType type = ElementType::dynamic;
  std::optional<std::vector<int64_t>> dims;
  int64_t axis = ctx.attr<int64_t>("axis");
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    type = merge_types(type, ctx.input_type(i), "inputs");
    const PartialShape& s = ctx.input_shape(i);
    if (!s.rank_known()) continue;
    if (dims && dims->size() != s.rank())
      ctx.fail("inputs must have the same rank, got " + shape_to_string(*dims) + " and " + shape_str(s));
    if (s.rank() == 0) ctx.fail("inputs must not be scalars");
    axis = normalize_axis(ctx.attr<int64_t>("axis"), static_cast<int64_t>(s.rank()));
    if (!dims) {
      dims = s.dims();
      (*dims)[static_cast<size_t>(axis)] = 0;
    }
    for (size_t d = 0; d < s.rank(); ++d) {
      if (static_cast<int64_t>(d) == axis) continue;
      auto merged = merge_dim((*dims)[d], s[d]);
      if (!merged)
        ctx.fail("input " + std::to_string(i) + " of shape " + shape_str(s) + " differs from the others on axis " +
                 std::to_string(d) + " (only axis " + std::to_string(axis) + " may differ)");
      (*dims)[d] = *merged;
    }
  }
  if (!dims) return ctx.set_output(0, type, PartialShape::dynamic_rank());
  for (size_t i = 0; i < ctx.input_count(); ++i) {
    const PartialShape& s = ctx.input_shape(i);
    (*dims)[static_cast<size_t>(axis)] =
        add_dims((*dims)[static_cast<size_t>(axis)], s.rank_known() ? s[static_cast<size_t>(axis)] : kDynamicDim);
  }
  ctx.set_output(0, type, PartialShape(*dims));
}

std::vector<Tensor> evaluate_concat(const Node& node, const std::vector<Tensor>& in) {
  const size_t rank = in[0].shape().size();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(rank)));
  Shape shape = in[0].shape();
  shape[axis] = 0;
  for (const Tensor& t : in) shape[axis] += t.shape()[axis];
  const size_t size = element_size(in[0].type());
  const auto outer = static_cast<size_t>(count_range(shape, 0, axis));
  OutputBuffer out(in[0].type(), shape);
  uint8_t* dst = out.data();
  for (size_t o = 0; o < outer; ++o)
    for (const Tensor& t : in) {
      const size_t block = static_cast<size_t>(count_range(t.shape(), axis, rank)) * size;
      if (block) std::memcpy(dst, t.bytes() + o * block, block);
      dst += block;
    }
  return {std::move(out).finish()};
}

// Tile: data and repeats are aligned at their trailing axes (the shorter padded with 1s).
PartialShape tile_shape(const PartialShape& in, const std::vector<int64_t>& repeats) {
  for (int64_t r : repeats)
    if (r < 0) throw OpError("repeats must not be negative, got " + shape_to_string(repeats));
  if (!in.rank_known()) return PartialShape::dynamic_rank();
  const size_t rank = std::max(in.rank(), repeats.size());
  std::vector<int64_t> dims(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t d = i + in.rank() >= rank ? in[i + in.rank() - rank] : 1;
    const int64_t r = i + repeats.size() >= rank ? repeats[i + repeats.size() - rank] : 1;
    dims[i] = r == 0 ? 0 : (d < 0 ? kDynamicDim : d * r);
  }
  return PartialShape(dims);
}

// Tiling reads the data as the view [r0, d0, r1, d1, ...] with stride 0 on each repeat axis; the
// row-major layout of that view is exactly the tiled result.
std::vector<Tensor> evaluate_tile(const std::vector<Tensor>& in) {
  const auto repeats = in[1].to_int64();
  const Shape out = *tile_shape(in[0].shape(), repeats).to_static();
  auto aligned = [&out](const std::vector<int64_t>& v) {
    std::vector<int64_t> a(out.size() - v.size(), 1);
    a.insert(a.end(), v.begin(), v.end());
    return a;
  };
  const Shape data = aligned(in[0].shape());
  const std::vector<int64_t> reps = aligned(repeats);
  const auto strides = row_major_strides(data);
  Shape view;
  std::vector<int64_t> view_strides;
  for (size_t i = 0; i < out.size(); ++i) {
    view.insert(view.end(), {reps[i], data[i]});
    view_strides.insert(view_strides.end(), {0, strides[i]});
  }
  const Tensor tiled = copy_strided(in[0], view, view_strides);
  return {Tensor(tiled.type(), out, tiled.buffer())};
}

void add_tile(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Tile", .ir_type = "Tile", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "repeats", "an integer type");
        const PartialShape& in = ctx.input_shape(0);
        PartialShape out = PartialShape::dynamic_rank();
        if (auto repeats = constant_ints(ctx, 1)) {
          out = tile_shape(in, *repeats);
        } else if (auto length = static_length(ctx, 1); length && in.rank_known()) {
          out = PartialShape(std::vector<int64_t>(std::max<size_t>(in.rank(), static_cast<size_t>(*length)), kDynamicDim));
        }
        ctx.set_output(0, ctx.input_type(0), out);
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) { return evaluate_tile(in); },
  });
}

}  // namespace

void register_movement_ops(OpRegistry& r) {
  add_transpose(r);
  add_op(r, OpDef{
      .name = "opset1.Concat", .ir_type = "Concat", .ir_version = "opset1",
      .attrs = {required_attr("axis", AttrKind::Int)},
      .min_inputs = 1, .max_inputs = SIZE_MAX,
      .infer = infer_concat,
      .evaluate = evaluate_concat,
  });
  add_tile(r);
}

}  // namespace remo
