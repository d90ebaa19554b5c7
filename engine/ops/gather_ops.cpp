// Gather-1, Gather-7 and Gather-8 (batch_dims; Gather-8 also takes negative indices).
#include <cstring>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

struct GatherAxes {
  int64_t axis;
  int64_t batch_dims;
};

GatherAxes gather_axes(int64_t axis, int64_t batch_dims, size_t data_rank, size_t indices_rank) {
  GatherAxes g{normalize_axis(axis, static_cast<int64_t>(data_rank)), batch_dims};
  if (g.batch_dims < 0) g.batch_dims += static_cast<int64_t>(indices_rank);
  if (g.batch_dims < 0 || g.batch_dims > static_cast<int64_t>(indices_rank) || g.batch_dims > g.axis)
    throw OpError("batch_dims " + std::to_string(batch_dims) + " must be in [0, " + std::to_string(indices_rank) +
                  "] (the indices rank) and not exceed axis " + std::to_string(g.axis));
  return g;
}

// data[:axis] + indices[batch_dims:] + data[axis + 1:], with the batch dims of data and indices agreeing.
PartialShape gather_shape(const PartialShape& data, const PartialShape& indices,
                          const std::optional<int64_t>& axis, int64_t batch_dims) {
  if (!data.rank_known() || !indices.rank_known()) return PartialShape::dynamic_rank();
  if (!axis) {
    const int64_t b = batch_dims < 0 ? batch_dims + static_cast<int64_t>(indices.rank()) : batch_dims;
    return PartialShape(std::vector<int64_t>(data.rank() + indices.rank() - 1 - static_cast<size_t>(b), kDynamicDim));
  }
  const GatherAxes g = gather_axes(*axis, batch_dims, data.rank(), indices.rank());
  std::vector<int64_t> dims(data.dims().begin(), data.dims().begin() + g.axis);
  for (int64_t i = 0; i < g.batch_dims; ++i) {
    auto merged = merge_dim(data[static_cast<size_t>(i)], indices[static_cast<size_t>(i)]);
    if (!merged)
      throw OpError("the first " + std::to_string(g.batch_dims) + " (batch) dimensions of data " + shape_str(data) +
                    " and indices " + shape_str(indices) + " must match");
    dims[static_cast<size_t>(i)] = *merged;
  }
  dims.insert(dims.end(), indices.dims().begin() + g.batch_dims, indices.dims().end());
  dims.insert(dims.end(), data.dims().begin() + g.axis + 1, data.dims().end());
  return PartialShape(dims);
}

void infer_gather(InferContext& ctx) {
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "indices", "an integer type");
  check_type(ctx.input_type(2), is_integral(ctx.input_type(2)), "axis", "an integer type");
  const PartialShape& axis_shape = ctx.input_shape(2);
  if (axis_shape.rank_known() && (axis_shape.rank() > 1 || (axis_shape.rank() == 1 && axis_shape[0] > 1)))
    ctx.fail("axis must be a scalar, got shape " + shape_str(axis_shape));
  std::optional<int64_t> axis;
  if (auto values = constant_ints(ctx, 2); values && !values->empty()) axis = values->front();
  const int64_t batch_dims = ctx.node().attr_or<int64_t>("batch_dims", 0);
  ctx.set_output(0, ctx.input_type(0), gather_shape(ctx.input_shape(0), ctx.input_shape(1), axis, batch_dims));
}

// Indices out of [-axis_dim, axis_dim) produce zeros; negative ones count from the end.
std::vector<Tensor> evaluate_gather(const Node& node, const std::vector<Tensor>& in) {
  const Tensor& data = in[0];
  const Shape& ds = data.shape();
  const Shape& is = in[1].shape();
  const GatherAxes g = gather_axes(in[2].to_int64().at(0), node.attr_or<int64_t>("batch_dims", 0), ds.size(), is.size());
  const auto axis = static_cast<size_t>(g.axis), b = static_cast<size_t>(g.batch_dims);
  const int64_t batches = count_range(ds, 0, b), outer = count_range(ds, b, axis), axis_dim = ds[axis];
  const size_t block = static_cast<size_t>(count_range(ds, axis + 1, ds.size())) * element_size(data.type());
  const int64_t per_batch = count_range(is, b, is.size());
  const std::vector<int64_t> indices = in[1].to_int64();
  OutputBuffer out(data.type(), *gather_shape(ds, is, g.axis, g.batch_dims).to_static());
  uint8_t* dst = out.data();
  for (int64_t n = 0; n < batches; ++n)
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < per_batch; ++j, dst += block) {
        int64_t index = indices[static_cast<size_t>(n * per_batch + j)];
        if (index < 0) index += axis_dim;
        if (index < 0 || index >= axis_dim) continue;  // the buffer is already zero
        std::memcpy(dst, data.bytes() + static_cast<size_t>((n * outer + o) * axis_dim + index) * block, block);
      }
  return {std::move(out).finish()};
}

void add_gather(OpRegistry& r, const std::string& version, bool has_batch_dims) {
  std::vector<AttrSpec> attrs;
  if (has_batch_dims) attrs.push_back(default_attr("batch_dims", AttrKind::Int, int64_t{0}));
  add_op(r, OpDef{
      .name = version + ".Gather", .ir_type = "Gather", .ir_version = version,
      .attrs = attrs,
      .min_inputs = 3, .max_inputs = 3,
      .infer = infer_gather,
      .evaluate = evaluate_gather,
  });
}

}  // namespace

void register_gather_ops(OpRegistry& r) {
  add_gather(r, "opset1", false);
  add_gather(r, "opset7", true);
  add_gather(r, "opset8", true);
}

}  // namespace remo
