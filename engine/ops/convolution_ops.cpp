// Convolution and GroupConvolution (1-D, 2-D and 3-D spatial).
#include <algorithm>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/window.h"

namespace remo {
namespace {

std::vector<AttrSpec> convolution_attrs() {
  return {required_attr("strides", AttrKind::Ints), required_attr("dilations", AttrKind::Ints),
          required_attr("pads_begin", AttrKind::Ints), required_attr("pads_end", AttrKind::Ints),
          default_attr("auto_pad", AttrKind::String, std::string("explicit"),
                       {"explicit", "same_upper", "same_lower", "valid"})};
}

// Data is [N, C, spatial...]; weights are [O, C, kernel...], or [G, O/G, C/G, kernel...] when grouped.
void infer_convolution(InferContext& ctx, bool grouped) {
  ElementType type = merge_types(numeric_input_type(ctx, 0), numeric_input_type(ctx, 1), "data and weights");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& weights = ctx.input_shape(1);
  const size_t lead = grouped ? 3 : 2;  // weights dims before the kernel
  std::optional<size_t> spatial;
  if (data.rank_known()) {
    if (data.rank() < 3 || data.rank() > 5)
      ctx.fail("data must have rank 3, 4 or 5 ([N, C, spatial...]), got " + shape_str(data));
    spatial = data.rank() - 2;
  }
  if (weights.rank_known()) {
    if (weights.rank() < lead + 1 || weights.rank() > lead + 3 || (spatial && weights.rank() != lead + *spatial))
      ctx.fail("weights of shape " + shape_str(weights) + " must have rank " +
               (spatial ? std::to_string(lead + *spatial)
                        : std::to_string(lead + 1) + ".." + std::to_string(lead + 3)) +
               (grouped ? " ([G, O/G, C/G, kernel...])" : " ([O, C, kernel...])") + " for data of shape " +
               shape_str(data));
    spatial = weights.rank() - lead;
  }
  if (!spatial) return ctx.set_output(0, type, PartialShape::dynamic_rank());

  std::vector<int64_t> kernel(*spatial, kDynamicDim), in(*spatial, kDynamicDim);
  if (weights.rank_known()) kernel.assign(weights.dims().begin() + lead, weights.dims().end());
  if (data.rank_known()) in.assign(data.dims().begin() + 2, data.dims().end());
  Window w = read_window(ctx.node(), kernel);
  check_window(w, *spatial);

  int64_t batch = data.rank_known() ? data[0] : kDynamicDim;
  int64_t channels = data.rank_known() ? data[1] : kDynamicDim;
  int64_t out_channels = kDynamicDim;
  if (weights.rank_known()) {
    const int64_t weight_channels = grouped ? multiply_dims({weights[0], weights[2]}) : weights[1];
    if (!merge_dim(channels, weight_channels))
      ctx.fail("data has " + std::to_string(channels) + " channels but the weights " + shape_str(weights) +
               " expect " + std::to_string(weight_channels));
    out_channels = grouped ? multiply_dims({weights[0], weights[1]}) : weights[0];
  }
  std::vector<int64_t> dims{batch, out_channels};
  for (int64_t d : window_output(in, w).dims) dims.push_back(d);
  ctx.set_output(0, type, PartialShape(dims));
}

// Direct convolution. T is float for f32/f16/bf16 data (as OpenVINO computes) and double otherwise.
template <typename T>
Tensor convolve(const Node& node, const Tensor& data, const Tensor& weights, bool grouped) {
  const Shape& xs = data.shape();
  const Shape& ws = weights.shape();
  const size_t lead = grouped ? 3 : 2;
  const std::vector<int64_t> kernel_dims(ws.begin() + static_cast<int64_t>(lead), ws.end());
  const Window w = read_window(node, kernel_dims);
  const WindowOutput geometry = window_output(std::vector<int64_t>(xs.begin() + 2, xs.end()), w);

  const int64_t batch = xs[0], groups = grouped ? ws[0] : 1;
  const int64_t out_per_group = grouped ? ws[1] : ws[0];
  const int64_t in_per_group = grouped ? ws[2] : ws[1];
  const auto in = to_3d(std::vector<int64_t>(xs.begin() + 2, xs.end()), 1);
  const auto out = to_3d(geometry.dims, 1);
  const auto k = to_3d(kernel_dims, 1);
  const auto stride = to_3d(w.strides, 1);
  const auto dilation = to_3d(w.dilations, 1);
  const auto pad = to_3d(geometry.pads_begin, 0);

  const std::vector<T> x = load_values<T>(data);
  const std::vector<T> wv = load_values<T>(weights);
  const int64_t in_plane = in[0] * in[1] * in[2], out_plane = out[0] * out[1] * out[2];
  const int64_t kernel_size = k[0] * k[1] * k[2];
  std::vector<T> y(static_cast<size_t>(batch * groups * out_per_group * out_plane), T(0));

  // For each kernel column, the output columns whose input column falls inside the data.
  std::vector<int64_t> col_begin(static_cast<size_t>(k[2])), col_end(static_cast<size_t>(k[2]));
  for (int64_t kx = 0; kx < k[2]; ++kx) {
    const int64_t shift = kx * dilation[2] - pad[2];  // input column = ox * stride + shift
    col_begin[kx] = std::max<int64_t>(0, floor_div(-shift + stride[2] - 1, stride[2]));
    col_end[kx] = std::min<int64_t>(out[2], floor_div(in[2] - 1 - shift, stride[2]) + 1);
  }

  for (int64_t n = 0; n < batch; ++n)
    for (int64_t g = 0; g < groups; ++g)
      for (int64_t oc = 0; oc < out_per_group; ++oc) {
        T* yc = y.data() + ((n * groups + g) * out_per_group + oc) * out_plane;
        for (int64_t ic = 0; ic < in_per_group; ++ic) {
          const T* xc = x.data() + (n * groups * in_per_group + g * in_per_group + ic) * in_plane;
          const T* wk = wv.data() + ((g * out_per_group + oc) * in_per_group + ic) * kernel_size;
          for (int64_t kz = 0; kz < k[0]; ++kz)
            for (int64_t ky = 0; ky < k[1]; ++ky)
              for (int64_t kx = 0; kx < k[2]; ++kx) {
                const T weight = wk[(kz * k[1] + ky) * k[2] + kx];
                const int64_t shift_x = kx * dilation[2] - pad[2];
                for (int64_t oz = 0; oz < out[0]; ++oz) {
                  const int64_t iz = oz * stride[0] + kz * dilation[0] - pad[0];
                  if (iz < 0 || iz >= in[0]) continue;
                  for (int64_t oy = 0; oy < out[1]; ++oy) {
                    const int64_t iy = oy * stride[1] + ky * dilation[1] - pad[1];
                    if (iy < 0 || iy >= in[1]) continue;
                    T* yr = yc + (oz * out[1] + oy) * out[2];
                    const T* xr = xc + (iz * in[1] + iy) * in[2];
                    for (int64_t ox = col_begin[kx]; ox < col_end[kx]; ++ox)
                      yr[ox] += weight * xr[ox * stride[2] + shift_x];
                  }
                }
              }
        }
      }
  Shape out_shape{batch, groups * out_per_group};
  out_shape.insert(out_shape.end(), geometry.dims.begin(), geometry.dims.end());
  return store_values(data.type(), out_shape, y);
}

Tensor evaluate_convolution(const Node& node, const std::vector<Tensor>& in, bool grouped) {
  const ElementType t = in[0].type();
  if (t == ElementType::f32 || t == ElementType::f16 || t == ElementType::bf16)
    return convolve<float>(node, in[0], in[1], grouped);
  return convolve<double>(node, in[0], in[1], grouped);
}

}  // namespace

void register_convolution_ops(OpRegistry& r) {
  for (bool grouped : {false, true}) {
    const std::string type = grouped ? "GroupConvolution" : "Convolution";
    add_op(r, OpDef{
        .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
        .attrs = convolution_attrs(),
        .min_inputs = 2, .max_inputs = 2,
        .infer = [grouped](InferContext& ctx) { infer_convolution(ctx, grouped); },
        .evaluate = [grouped](const Node& n, const std::vector<Tensor>& in) {
          return std::vector<Tensor>{evaluate_convolution(n, in, grouped)};
        },
    });
  }
}

}  // namespace remo
