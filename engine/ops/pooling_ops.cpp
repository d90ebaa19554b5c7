// MaxPool-1, MaxPool-8/14 (values and indices) and AvgPool-1/14 over 1-D to 3-D spatial axes.
#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/window.h"

namespace remo {
namespace {

// Opset 14 adds ceil_torch: ceil, except that a last window starting in the end padding is dropped.
AttrSpec rounding_type_attr(bool with_torch = false) {
  if (with_torch)
    return default_attr("rounding_type", AttrKind::String, std::string("floor"), {"floor", "ceil", "ceil_torch"});
  return default_attr("rounding_type", AttrKind::String, std::string("floor"), {"floor", "ceil"});
}
AttrSpec auto_pad_attr() {
  return default_attr("auto_pad", AttrKind::String, std::string("explicit"),
                      {"explicit", "same_upper", "same_lower", "valid"});
}

// Data is [N, C, spatial...] with one kernel entry per spatial axis. Returns the output shape.
PartialShape infer_pooling_shape(InferContext& ctx) {
  const auto& kernel = ctx.attr<std::vector<int64_t>>("kernel");
  const PartialShape& data = ctx.input_shape(0);
  numeric_input_type(ctx, 0);
  if (kernel.empty() || kernel.size() > 3)
    ctx.fail("kernel must have 1 to 3 entries (one per spatial axis), got " + shape_to_string(kernel));
  const Window w = read_window(ctx.node(), kernel);
  check_window(w, kernel.size());
  if (!data.rank_known()) return PartialShape(std::vector<int64_t>(kernel.size() + 2, kDynamicDim));
  if (data.rank() < 3 || data.rank() != kernel.size() + 2)
    ctx.fail("data of shape " + shape_str(data) + " must have rank " + std::to_string(kernel.size() + 2) +
             " ([N, C] plus one axis per kernel entry)");
  std::vector<int64_t> dims{data[0], data[1]};
  for (int64_t d : window_output(std::vector<int64_t>(data.dims().begin() + 2, data.dims().end()), w).dims)
    dims.push_back(d);
  return PartialShape(dims);
}

// The pooling loop nest, with the spatial axes padded to 3 so one nest serves 1-D to 3-D.
struct PoolGeometry {
  int64_t planes;  // N * C
  std::vector<int64_t> in, out, kernel, stride, dilation, pad;  // 3 entries each
  bool padded;     // any non-zero padding, at either end
  Shape out_shape;
};

PoolGeometry pool_geometry(const Node& node, const Shape& data) {
  const Window w = read_window(node, node.attr<std::vector<int64_t>>("kernel"));
  const std::vector<int64_t> in(data.begin() + 2, data.end());
  const WindowOutput o = window_output(in, w);
  bool padded = false;
  for (size_t i = 0; i < in.size(); ++i) padded = padded || o.pads_begin[i] != 0 || o.pads_end[i] != 0;
  PoolGeometry g{data[0] * data[1], to_3d(in, 1), to_3d(o.dims, 1), to_3d(w.kernel, 1), to_3d(w.strides, 1),
                 to_3d(w.dilations, 1), to_3d(o.pads_begin, 0), padded, {data[0], data[1]}};
  g.out_shape.insert(g.out_shape.end(), o.dims.begin(), o.dims.end());
  return g;
}

// Calls visit(output_index, plane, window_positions) where window_positions are the spatial
// offsets (within the plane) of the window's elements that lie inside the data.
template <typename Visit>
void for_each_window(const PoolGeometry& g, Visit visit) {
  std::vector<int64_t> positions;
  size_t o = 0;
  for (int64_t p = 0; p < g.planes; ++p)
    for (int64_t oz = 0; oz < g.out[0]; ++oz)
      for (int64_t oy = 0; oy < g.out[1]; ++oy)
        for (int64_t ox = 0; ox < g.out[2]; ++ox, ++o) {
          positions.clear();
          for (int64_t kz = 0; kz < g.kernel[0]; ++kz) {
            const int64_t iz = oz * g.stride[0] - g.pad[0] + kz * g.dilation[0];
            if (iz < 0 || iz >= g.in[0]) continue;
            for (int64_t ky = 0; ky < g.kernel[1]; ++ky) {
              const int64_t iy = oy * g.stride[1] - g.pad[1] + ky * g.dilation[1];
              if (iy < 0 || iy >= g.in[1]) continue;
              for (int64_t kx = 0; kx < g.kernel[2]; ++kx) {
                const int64_t ix = ox * g.stride[2] - g.pad[2] + kx * g.dilation[2];
                if (ix >= 0 && ix < g.in[2]) positions.push_back((iz * g.in[1] + iy) * g.in[2] + ix);
              }
            }
          }
          visit(o, p, positions);
        }
}

// Max over each window (padding counts as -inf). Indices are flat positions in the data counted
// from dimension `axis` on, as MaxPool-8's second output reports them.
std::vector<Tensor> evaluate_max_pool(const Node& node, const std::vector<Tensor>& in, bool with_indices) {
  const PoolGeometry g = pool_geometry(node, in[0].shape());
  const std::vector<double> x = load_values<double>(in[0]);
  const int64_t plane = g.in[0] * g.in[1] * g.in[2];
  std::vector<double> values(element_count(g.out_shape));
  std::vector<int64_t> indices(values.size());
  const int64_t axis = with_indices ? normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(in[0].shape().size())) : 0;
  const int64_t index_bound = count_range(in[0].shape(), static_cast<size_t>(axis), in[0].shape().size());
  for_each_window(g, [&](size_t o, int64_t p, const std::vector<int64_t>& positions) {
    // A window entirely in the padding has no element to take; it yields 0.
    double best = 0;
    int64_t best_at = 0;
    for (size_t k = 0; k < positions.size(); ++k) {
      const int64_t at = p * plane + positions[k];
      if (k == 0 || x[static_cast<size_t>(at)] > best) {
        best = x[static_cast<size_t>(at)];
        best_at = at;
      }
    }
    values[o] = best;
    indices[o] = best_at % index_bound;
  });
  std::vector<Tensor> out{store_values(in[0].type(), g.out_shape, values)};
  if (with_indices) out.push_back(store_values(node.attr<ElementType>("index_element_type"), g.out_shape, indices));
  return out;
}

// Mean over each window. With exclude-pad = false and non-zero padding the divisor is the full
// kernel size (OpenVINO's reference); otherwise it is the number of data elements in the window.
std::vector<Tensor> evaluate_avg_pool(const Node& node, const std::vector<Tensor>& in) {
  const PoolGeometry g = pool_geometry(node, in[0].shape());
  const std::vector<double> x = load_values<double>(in[0]);
  const int64_t plane = g.in[0] * g.in[1] * g.in[2];
  const bool count_pads = g.padded && !node.attr<bool>("exclude-pad");
  const double kernel_size = static_cast<double>(g.kernel[0] * g.kernel[1] * g.kernel[2]);
  std::vector<double> values(element_count(g.out_shape));
  for_each_window(g, [&](size_t o, int64_t p, const std::vector<int64_t>& positions) {
    double sum = 0;
    for (int64_t pos : positions) sum += x[static_cast<size_t>(p * plane + pos)];
    const double count = count_pads ? kernel_size : static_cast<double>(positions.size());
    values[o] = count > 0 ? sum / count : 0.0;
  });
  return {store_values(in[0].type(), g.out_shape, values, IntRounding::nearest)};
}

void add_max_pools(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.MaxPool", .ir_type = "MaxPool", .ir_version = "opset1",
      .attrs = {required_attr("strides", AttrKind::Ints), required_attr("pads_begin", AttrKind::Ints),
                required_attr("pads_end", AttrKind::Ints), required_attr("kernel", AttrKind::Ints),
                rounding_type_attr(), auto_pad_attr()},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) { ctx.set_output(0, ctx.input_type(0), infer_pooling_shape(ctx)); },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) { return evaluate_max_pool(n, in, false); },
  });
  for (const std::string version : {"opset8", "opset14"}) {
    const bool torch = version == "opset14";
    add_op(r, OpDef{
        .name = version + ".MaxPool", .ir_type = "MaxPool", .ir_version = version,
        .attrs = {required_attr("strides", AttrKind::Ints), required_attr("dilations", AttrKind::Ints),
                  required_attr("pads_begin", AttrKind::Ints), required_attr("pads_end", AttrKind::Ints),
                  required_attr("kernel", AttrKind::Ints), rounding_type_attr(torch), auto_pad_attr(),
                  default_attr("index_element_type", AttrKind::Type, ElementType::i64),
                  default_attr("axis", AttrKind::Int, int64_t{0})},
        .min_inputs = 1, .max_inputs = 1,
        .output_count = [](const Attributes&) { return size_t{2}; },
        .infer = [](InferContext& ctx) {
          const ElementType index_type = ctx.attr<ElementType>("index_element_type");
          if (index_type != ElementType::i32 && index_type != ElementType::i64)
            ctx.fail("index_element_type must be i32 or i64, got " + std::string(type_name(index_type)));
          PartialShape shape = infer_pooling_shape(ctx);
          if (ctx.input_shape(0).rank_known())
            normalize_axis(ctx.attr<int64_t>("axis"), static_cast<int64_t>(ctx.input_shape(0).rank()));
          ctx.set_output(0, ctx.input_type(0), shape);
          ctx.set_output(1, index_type, shape);
        },
        .evaluate = [](const Node& n, const std::vector<Tensor>& in) { return evaluate_max_pool(n, in, true); },
    });
  }
}

}  // namespace

void register_pooling_ops(OpRegistry& r) {
  add_max_pools(r);
  for (const std::string version : {"opset1", "opset14"}) {
    add_op(r, OpDef{
        .name = version + ".AvgPool", .ir_type = "AvgPool", .ir_version = version,
        .attrs = {required_attr("kernel", AttrKind::Ints), required_attr("strides", AttrKind::Ints),
                  required_attr("pads_begin", AttrKind::Ints), required_attr("pads_end", AttrKind::Ints),
                  required_attr("exclude-pad", AttrKind::Bool), auto_pad_attr(),
                  rounding_type_attr(version == "opset14")},
        .min_inputs = 1, .max_inputs = 1,
        .infer = [](InferContext& ctx) { ctx.set_output(0, ctx.input_type(0), infer_pooling_shape(ctx)); },
        .evaluate = evaluate_avg_pool,
    });
  }
}

}  // namespace remo
