// Element- and slice-wise gathers and scatters: GatherElements-6, GatherND-8,
// ScatterElementsUpdate-12 and ScatterNDUpdate-15.
#include <algorithm>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

void check_indices(const InferContext& ctx, size_t i) {
  check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), "indices", "an integer type");
}

// GatherElements: the output has the indices' shape; data and indices have the same rank.
void infer_gather_elements(InferContext& ctx) {
  check_indices(ctx, 1);
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& indices = ctx.input_shape(1);
  if (data.rank_known() && indices.rank_known()) {
    if (data.rank() != indices.rank())
      ctx.fail("data " + shape_str(data) + " and indices " + shape_str(indices) + " must have the same rank");
    normalize_axis(ctx.attr<int64_t>("axis"), static_cast<int64_t>(data.rank()));
  }
  ctx.set_output(0, ctx.input_type(0), indices);
}

// GatherND-8: indices[:-1] + data[batch_dims + K:], where K = indices[-1] indexes into data.
void infer_gather_nd(InferContext& ctx) {
  check_indices(ctx, 1);
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& indices = ctx.input_shape(1);
  const int64_t b = ctx.attr<int64_t>("batch_dims");
  if (b < 0) ctx.fail("batch_dims must not be negative, got " + std::to_string(b));
  if (!data.rank_known() || !indices.rank_known()) return ctx.set_output(0, ctx.input_type(0), PartialShape::dynamic_rank());
  if (indices.rank() < 1 || static_cast<int64_t>(indices.rank()) <= b || static_cast<int64_t>(data.rank()) <= b)
    ctx.fail("indices " + shape_str(indices) + " and data " + shape_str(data) + " must have more than batch_dims " +
             std::to_string(b) + " dimensions");
  const int64_t k = indices[indices.rank() - 1];
  std::vector<int64_t> dims(indices.dims().begin(), indices.dims().end() - 1);
  for (int64_t i = 0; i < b; ++i) {
    auto merged = merge_dim(data[static_cast<size_t>(i)], indices[static_cast<size_t>(i)]);
    if (!merged) ctx.fail("the batch dimensions of data " + shape_str(data) + " and indices " + shape_str(indices) + " differ");
    dims[static_cast<size_t>(i)] = *merged;
  }
  if (k < 0) return ctx.set_output(0, ctx.input_type(0), PartialShape::dynamic_rank());
  if (b + k > static_cast<int64_t>(data.rank()))
    ctx.fail("indices " + shape_str(indices) + " index " + std::to_string(k) + " dimensions past batch_dims, data " +
             shape_str(data) + " has fewer");
  dims.insert(dims.end(), data.dims().begin() + b + k, data.dims().end());
  ctx.set_output(0, ctx.input_type(0), PartialShape(dims));
}

// Scatters keep data's shape and type; updates must have data's type.
void infer_scatter(InferContext& ctx) {
  check_indices(ctx, 1);
  const ElementType type = merge_types(ctx.input_type(0), ctx.input_type(2), "data and updates");
  ctx.set_output(0, type, ctx.input_shape(0));
}

void infer_scatter_elements(InferContext& ctx) {
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& indices = ctx.input_shape(1);
  if (data.rank_known() && indices.rank_known() && data.rank() != indices.rank())
    ctx.fail("data " + shape_str(data) + " and indices " + shape_str(indices) + " must have the same rank");
  check_type(ctx.input_type(3), is_integral(ctx.input_type(3)), "axis", "an integer type");
  if (auto axis = constant_ints(ctx, 3); axis && !axis->empty() && data.rank_known())
    normalize_axis(axis->front(), static_cast<int64_t>(data.rank()));
  infer_scatter(ctx);
}

// A coordinate along an axis of length `dim`, negative ones counting from the end.
int64_t checked_index(int64_t index, int64_t dim) {
  if (index < 0) index += dim;
  if (index < 0 || index >= dim)
    throw OpError("index " + std::to_string(index) + " is out of range for a dimension of " + std::to_string(dim));
  return index;
}

// Offset into `data_strides` of element `i` of a tensor of `shape`, with the coordinate on `axis`
// replaced by `index`.
int64_t offset_with(const Shape& shape, const std::vector<int64_t>& data_strides, size_t i, size_t axis, int64_t index) {
  int64_t offset = 0;
  for (size_t a = shape.size(); a-- > 0;) {
    const auto d = static_cast<size_t>(shape[a]);
    const int64_t c = a == axis ? index : static_cast<int64_t>(i % d);
    i /= d;
    offset += c * data_strides[a];
  }
  return offset;
}

std::vector<Tensor> evaluate_gather_elements(const Node& node, const std::vector<Tensor>& in) {
  const Shape& ds = in[0].shape();
  const Shape& is = in[1].shape();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(ds.size())));
  const auto data = load_values<double>(in[0]);
  const auto indices = in[1].to_int64();
  const auto strides = row_major_strides(ds);
  std::vector<double> out(indices.size());
  for (size_t i = 0; i < indices.size(); ++i)
    out[i] = data[static_cast<size_t>(offset_with(is, strides, i, axis, checked_index(indices[i], ds[axis])))];
  return {store_values(in[0].type(), is, out)};
}

// Combines a scattered update into the value already there.
double combine(const std::string& reduction, double old, double update) {
  if (reduction == "sum" || reduction == "mean") return old + update;
  if (reduction == "sub") return old - update;
  if (reduction == "prod") return old * update;
  if (reduction == "min") return std::min(old, update);
  if (reduction == "max") return std::max(old, update);
  return update;
}

std::vector<Tensor> evaluate_scatter_elements(const Node& node, const std::vector<Tensor>& in) {
  const Shape& ds = in[0].shape();
  const Shape& is = in[1].shape();
  const auto axis = static_cast<size_t>(normalize_axis(in[3].to_int64().at(0), static_cast<int64_t>(ds.size())));
  const std::string& reduction = node.attr<std::string>("reduction");
  const bool use_init = node.attr<bool>("use_init_val");
  std::vector<double> out = load_values<double>(in[0]);
  const auto updates = load_values<double>(in[2]);
  const auto indices = in[1].to_int64();
  const auto strides = row_major_strides(ds);
  // How many values each element averages over (mean), and whether it was written yet.
  std::vector<int64_t> count(out.size(), use_init ? 1 : 0);
  for (size_t i = 0; i < indices.size(); ++i) {
    const auto at = static_cast<size_t>(offset_with(is, strides, i, axis, checked_index(indices[i], ds[axis])));
    out[at] = count[at] == 0 ? updates[i] : combine(reduction, out[at], updates[i]);
    ++count[at];
  }
  if (reduction == "mean")
    for (size_t i = 0; i < out.size(); ++i)
      if (count[i] > 1) out[i] /= static_cast<double>(count[i]);
  return {store_values(in[0].type(), ds, out, is_integral(in[0].type()) ? IntRounding::truncate : IntRounding::nearest)};
}

// The data offset of each index tuple of `indices` (its last axis), per batch of `batch_dims`.
struct NdPlan {
  int64_t batches = 1, tuples = 1, k = 0, slice = 1, batch_stride = 1;
};

NdPlan plan_nd(const Shape& ds, const Shape& is, int64_t b) {
  NdPlan p;
  p.k = is.back();
  if (b + p.k > static_cast<int64_t>(ds.size())) throw OpError("index tuples are longer than data's rank");
  p.batches = count_range(ds, 0, static_cast<size_t>(b));
  p.tuples = count_range(is, static_cast<size_t>(b), is.size() - 1);
  p.slice = count_range(ds, static_cast<size_t>(b + p.k), ds.size());
  p.batch_stride = count_range(ds, static_cast<size_t>(b), ds.size());
  return p;
}

int64_t nd_offset(const Shape& ds, int64_t b, const NdPlan& p, const std::vector<int64_t>& indices, size_t tuple) {
  int64_t offset = 0;
  for (int64_t j = 0; j < p.k; ++j) {
    const int64_t dim = ds[static_cast<size_t>(b + j)];
    offset = offset * dim + checked_index(indices[tuple * static_cast<size_t>(p.k) + static_cast<size_t>(j)], dim);
  }
  return offset * p.slice;
}

std::vector<Tensor> evaluate_gather_nd(const Node& node, const std::vector<Tensor>& in) {
  const Shape& ds = in[0].shape();
  const Shape& is = in[1].shape();
  const int64_t b = node.attr<int64_t>("batch_dims");
  const NdPlan p = plan_nd(ds, is, b);
  const auto data = load_values<double>(in[0]);
  const auto indices = in[1].to_int64();
  std::vector<double> out;
  for (int64_t n = 0; n < p.batches; ++n)
    for (int64_t t = 0; t < p.tuples; ++t) {
      const int64_t from = n * p.batch_stride + nd_offset(ds, b, p, indices, static_cast<size_t>(n * p.tuples + t));
      out.insert(out.end(), data.begin() + from, data.begin() + from + p.slice);
    }
  Shape shape(is.begin(), is.end() - 1);
  shape.insert(shape.end(), ds.begin() + b + p.k, ds.end());
  return {store_values(in[0].type(), shape, out)};
}

std::vector<Tensor> evaluate_scatter_nd(const Node& node, const std::vector<Tensor>& in) {
  const Shape& ds = in[0].shape();
  const NdPlan p = plan_nd(ds, in[1].shape(), 0);
  const std::string& reduction = node.attr<std::string>("reduction");
  std::vector<double> out = load_values<double>(in[0]);
  const auto updates = load_values<double>(in[2]);
  const auto indices = in[1].to_int64();
  for (int64_t t = 0; t < p.tuples; ++t) {
    const int64_t to = nd_offset(ds, 0, p, indices, static_cast<size_t>(t));
    for (int64_t e = 0; e < p.slice; ++e) {
      double& v = out[static_cast<size_t>(to + e)];
      v = combine(reduction, v, updates[static_cast<size_t>(t * p.slice + e)]);
    }
  }
  return {store_values(in[0].type(), ds, out)};
}

}  // namespace

void register_scatter_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset6.GatherElements", .ir_type = "GatherElements", .ir_version = "opset6",
      .attrs = {required_attr("axis", AttrKind::Int)},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_gather_elements,
      .evaluate = evaluate_gather_elements,
  });
  add_op(r, OpDef{
      .name = "opset8.GatherND", .ir_type = "GatherND", .ir_version = "opset8",
      .attrs = {default_attr("batch_dims", AttrKind::Int, int64_t{0})},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_gather_nd,
      .evaluate = evaluate_gather_nd,
  });
  add_op(r, OpDef{
      .name = "opset12.ScatterElementsUpdate", .ir_type = "ScatterElementsUpdate", .ir_version = "opset12",
      .attrs = {default_attr("reduction", AttrKind::String, std::string("none"),
                             {"none", "sum", "prod", "min", "max", "mean"}),
                default_attr("use_init_val", AttrKind::Bool, true)},
      .min_inputs = 4, .max_inputs = 4,
      .infer = infer_scatter_elements,
      .evaluate = evaluate_scatter_elements,
  });
  add_op(r, OpDef{
      .name = "opset15.ScatterNDUpdate", .ir_type = "ScatterNDUpdate", .ir_version = "opset15",
      .attrs = {default_attr("reduction", AttrKind::String, std::string("none"),
                             {"none", "sum", "sub", "prod", "min", "max"})},
      .min_inputs = 3, .max_inputs = 3,
      .infer = infer_scatter,
      .evaluate = evaluate_scatter_nd,
  });
}

}  // namespace remo
