// Ops whose output size depends on the data: TopK-11, NonZero-3, Unique-10.
#include <algorithm>
#include <map>
#include <numeric>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// TopK: data with the axis cut to k; values keep the data type, indices take index_element_type.
void infer_topk(InferContext& ctx) {
  const PartialShape& data = ctx.input_shape(0);
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "k", "an integer type");
  const PartialShape& k_shape = ctx.input_shape(1);
  if (k_shape.rank_known() && (k_shape.rank() > 1 || (k_shape.rank() == 1 && k_shape[0] > 1)))
    ctx.fail("k must be a scalar, got shape " + shape_str(k_shape));
  const ElementType index_type = ctx.attr<ElementType>("index_element_type");
  if (index_type != ElementType::i32 && index_type != ElementType::i64)
    ctx.fail("index_element_type must be i32 or i64");
  if (ctx.attr<bool>("stable") && ctx.attr<std::string>("sort") == "none")
    ctx.fail("stable needs sort 'value' or 'index', not 'none'");
  PartialShape out = PartialShape::dynamic_rank();
  if (data.rank_known()) {
    const auto axis = static_cast<size_t>(normalize_axis(ctx.attr<int64_t>("axis"), static_cast<int64_t>(data.rank())));
    std::vector<int64_t> dims = data.dims();
    int64_t k = kDynamicDim;
    if (auto values = constant_ints(ctx, 1); values && !values->empty()) {
      k = values->front();
      if (k < 0) ctx.fail("k must not be negative, got " + std::to_string(k));
      // k past the axis length yields the whole axis.
      if (dims[axis] >= 0 && k > dims[axis]) k = dims[axis];
    }
    dims[axis] = k;
    out = PartialShape(dims);
  }
  ctx.set_output(0, ctx.input_type(0), out);
  ctx.set_output(1, index_type, out);
}

// Each line along the axis sorted (stably) by value, the first k kept, then ordered by value or index.
std::vector<Tensor> evaluate_topk(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(shape.size())));
  const int64_t n = shape[axis];
  const int64_t k = std::min(in[1].to_int64().at(0), n);
  const bool largest = node.attr<std::string>("mode") == "max";
  const bool by_index = node.attr<std::string>("sort") == "index";
  const auto x = load_values<double>(in[0]);
  const int64_t outer = count_range(shape, 0, axis), inner = count_range(shape, axis + 1, shape.size());
  std::vector<double> values(static_cast<size_t>(outer * k * inner));
  std::vector<int64_t> indices(values.size());
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t j) { return x[static_cast<size_t>((o * n + j) * inner + i)]; };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return largest ? at(a) > at(b) : at(a) < at(b); });
      if (by_index) std::sort(order.begin(), order.begin() + k);
      for (int64_t j = 0; j < k; ++j) {
        const auto to = static_cast<size_t>((o * k + j) * inner + i);
        values[to] = at(order[static_cast<size_t>(j)]);
        indices[to] = order[static_cast<size_t>(j)];
      }
    }
  Shape out = shape;
  out[axis] = k;
  return {store_values(in[0].type(), out, values), store_values(node.attr<ElementType>("index_element_type"), out, indices)};
}

// NonZero: one row per data axis, one column per non-zero element (known only at run time).
void infer_nonzero(InferContext& ctx) {
  const ElementType type = ctx.attr<ElementType>("output_type");
  if (type != ElementType::i32 && type != ElementType::i64) ctx.fail("output_type must be i32 or i64");
  const PartialShape& data = ctx.input_shape(0);
  const int64_t rows = data.rank_known() ? static_cast<int64_t>(data.rank()) : kDynamicDim;
  int64_t columns = kDynamicDim;
  if (auto value = ctx.input_constant(0)) {
    const auto x = load_values<double>(*value);
    columns = static_cast<int64_t>(std::count_if(x.begin(), x.end(), [](double v) { return v != 0; }));
  }
  ctx.set_output(0, type, PartialShape({rows, columns}));
}

// The coordinates of the non-zero elements, one row per axis, in row-major order.
std::vector<Tensor> evaluate_nonzero(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto x = load_values<double>(in[0]);
  std::vector<size_t> hits;
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i] != 0) hits.push_back(i);
  std::vector<int64_t> out(shape.size() * hits.size());
  for (size_t h = 0; h < hits.size(); ++h) {
    size_t rest = hits[h];
    for (size_t a = shape.size(); a-- > 0;) {
      const auto d = static_cast<size_t>(shape[a]);
      out[a * hits.size() + h] = static_cast<int64_t>(rest % d);
      rest /= d;
    }
  }
  return {store_values(node.attr<ElementType>("output_type"), Shape{static_cast<int64_t>(shape.size()),
                                                                     static_cast<int64_t>(hits.size())}, out)};
}

std::vector<Tensor> evaluate_unique(const Node& node, const std::vector<Tensor>& in);

// Unique: the unique elements (flattened, or slices along an axis), the index of each one's first
// occurrence, each input element's (or slice's) index into the unique ones, and their counts.
void infer_unique(InferContext& ctx) {
  const ElementType index_type = ctx.attr<ElementType>("index_element_type");
  const ElementType count_type = ctx.attr<ElementType>("count_element_type");
  for (ElementType t : {index_type, count_type})
    if (t != ElementType::i32 && t != ElementType::i64) ctx.fail("index and count element types must be i32 or i64");
  // A constant input gives exact lengths.
  if (auto value = ctx.input_constant(0)) {
    std::vector<Tensor> in{*value};
    auto axis = ctx.input_count() > 1 && ctx.has_input(1) ? ctx.input_constant(1) : std::nullopt;
    if (ctx.input_count() < 2 || !ctx.has_input(1) || axis) {
      if (axis) in.push_back(*axis);
      const auto out = evaluate_unique(ctx.node(), in);
      for (size_t i = 0; i < out.size(); ++i) ctx.set_output(i, out[i].type(), PartialShape(out[i].shape()));
      return;
    }
  }
  const PartialShape& data = ctx.input_shape(0);
  PartialShape unique({kDynamicDim});
  PartialShape reverse({kDynamicDim});
  if (ctx.input_count() > 1 && ctx.has_input(1)) {
    auto axis = constant_ints(ctx, 1);
    if (!axis || axis->size() != 1) ctx.fail("axis must be a constant scalar");
    if (data.rank_known()) {
      const auto a = static_cast<size_t>(normalize_axis(axis->front(), static_cast<int64_t>(data.rank())));
      std::vector<int64_t> dims = data.dims();
      reverse = PartialShape({dims[a]});
      dims[a] = kDynamicDim;
      unique = PartialShape(dims);
    } else {
      unique = PartialShape::dynamic_rank();
    }
  } else if (auto s = data.to_static()) {
    reverse = PartialShape({static_cast<int64_t>(element_count(*s))});
  }
  ctx.set_output(0, ctx.input_type(0), unique);
  ctx.set_output(1, index_type, PartialShape({kDynamicDim}));
  ctx.set_output(2, index_type, reverse);
  ctx.set_output(3, count_type, PartialShape({kDynamicDim}));
}

// Unique elements (or slices along the axis), by first occurrence or sorted ascending.
std::vector<Tensor> evaluate_unique(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const bool has_axis = in.size() > 1 && in[1].element_count() > 0;
  const auto axis = has_axis ? static_cast<size_t>(normalize_axis(in[1].to_int64().at(0), static_cast<int64_t>(shape.size()))) : 0;
  const auto x = load_values<double>(in[0]);
  const int64_t outer = has_axis ? count_range(shape, 0, axis) : 1;
  const int64_t n = has_axis ? shape[axis] : static_cast<int64_t>(x.size());
  const int64_t inner = has_axis ? count_range(shape, axis + 1, shape.size()) : 1;
  auto slice = [&](int64_t j) {
    std::vector<double> v;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) v.push_back(x[static_cast<size_t>((o * n + j) * inner + i)]);
    return v;
  };
  std::vector<std::vector<double>> uniques;
  std::vector<int64_t> first, counts, inverse(static_cast<size_t>(n));
  std::map<std::vector<double>, size_t> seen;
  for (int64_t j = 0; j < n; ++j) {
    auto v = slice(j);
    auto [it, added] = seen.emplace(v, uniques.size());
    if (added) {
      uniques.push_back(std::move(v));
      first.push_back(j);
      counts.push_back(0);
    }
    ++counts[it->second];
    inverse[static_cast<size_t>(j)] = static_cast<int64_t>(it->second);
  }
  std::vector<size_t> order(uniques.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (node.attr<bool>("sorted"))
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return uniques[a] < uniques[b]; });
  std::vector<size_t> rank(order.size());
  for (size_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  const auto m = static_cast<int64_t>(order.size());
  std::vector<double> values(static_cast<size_t>(outer * m * inner));
  std::vector<int64_t> first_sorted, counts_sorted;
  for (size_t r = 0; r < order.size(); ++r) {
    const auto& u = uniques[order[r]];
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i)
        values[static_cast<size_t>((o * m + static_cast<int64_t>(r)) * inner + i)] = u[static_cast<size_t>(o * inner + i)];
    first_sorted.push_back(first[order[r]]);
    counts_sorted.push_back(counts[order[r]]);
  }
  for (auto& v : inverse) v = static_cast<int64_t>(rank[static_cast<size_t>(v)]);
  Shape out_shape = has_axis ? shape : Shape{m};
  if (has_axis) out_shape[axis] = m;
  const ElementType index_type = node.attr<ElementType>("index_element_type");
  return {store_values(in[0].type(), out_shape, values), store_values(index_type, Shape{m}, first_sorted),
          store_values(index_type, Shape{n}, inverse),
          store_values(node.attr<ElementType>("count_element_type"), Shape{m}, counts_sorted)};
}

}  // namespace

void register_topk_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset11.TopK", .ir_type = "TopK", .ir_version = "opset11",
      .attrs = {required_attr("axis", AttrKind::Int),
                required_attr("mode", AttrKind::String, {"max", "min"}),
                required_attr("sort", AttrKind::String, {"value", "index", "none"}),
                default_attr("index_element_type", AttrKind::Type, ElementType::i32),
                default_attr("stable", AttrKind::Bool, false)},
      .min_inputs = 2, .max_inputs = 2,
      .output_count = [](const Attributes&) { return size_t{2}; },
      .infer = infer_topk,
      .evaluate = evaluate_topk,
  });
  add_op(r, OpDef{
      .name = "opset3.NonZero", .ir_type = "NonZero", .ir_version = "opset3",
      .attrs = {default_attr("output_type", AttrKind::Type, ElementType::i64)},
      .min_inputs = 1, .max_inputs = 1,
      .infer = infer_nonzero,
      .evaluate = evaluate_nonzero,
  });
  add_op(r, OpDef{
      .name = "opset10.Unique", .ir_type = "Unique", .ir_version = "opset10",
      .attrs = {default_attr("sorted", AttrKind::Bool, true),
                default_attr("index_element_type", AttrKind::Type, ElementType::i64),
                default_attr("count_element_type", AttrKind::Type, ElementType::i64)},
      .min_inputs = 1, .max_inputs = 2,
      .output_count = [](const Attributes&) { return size_t{4}; },
      .infer = infer_unique,
      .evaluate = evaluate_unique,
  });
}

}  // namespace remo
