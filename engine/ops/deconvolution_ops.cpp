// ConvolutionBackpropData-1 and GroupConvolutionBackpropData-1 (transposed convolution, 1-D to 3-D).
#include <algorithm>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"
#include "engine/ops/window.h"

namespace remo {
namespace {

std::vector<AttrSpec> deconvolution_attrs() {
  return {required_attr("strides", AttrKind::Ints), required_attr("dilations", AttrKind::Ints),
          required_attr("pads_begin", AttrKind::Ints), required_attr("pads_end", AttrKind::Ints),
          default_attr("auto_pad", AttrKind::String, std::string("explicit"),
                       {"explicit", "same_upper", "same_lower", "valid"}),
          default_attr("output_padding", AttrKind::Ints, std::vector<int64_t>{})};
}

// The per-axis geometry: each input element i scatters to outputs i * stride + k * dilation - pad_begin.
struct DeconvGeometry {
  std::vector<int64_t> dims;        // output spatial dims, -1 when unknown
  std::vector<int64_t> pads_begin;  // resolved (auto_pad applied)
};

int64_t natural_length(int64_t in, int64_t kernel, int64_t stride, int64_t dilation) {
  return stride * (in - 1) + dilation * (kernel - 1) + 1;
}

// `in`/`kernel` are spatial dims (-1 = unknown); `target` the output_shape input when given.
DeconvGeometry deconv_geometry(const Node& node, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel,
                               const std::optional<std::vector<int64_t>>& target, bool has_target) {
  const size_t n = in.size();
  const auto strides = node.attr<std::vector<int64_t>>("strides");
  const auto dilations = node.attr<std::vector<int64_t>>("dilations");
  auto pads_begin = node.attr<std::vector<int64_t>>("pads_begin");
  auto pads_end = node.attr<std::vector<int64_t>>("pads_end");
  auto output_padding = node.attr<std::vector<int64_t>>("output_padding");
  const std::string auto_pad = node.attr<std::string>("auto_pad");
  if (output_padding.empty()) output_padding.assign(n, 0);
  if (auto_pad != "explicit") {
    pads_begin.assign(n, 0);
    pads_end.assign(n, 0);
  }
  auto check_size = [&](const std::vector<int64_t>& v, const char* name) {
    if (v.size() != n)
      throw OpError(std::string(name) + " has " + std::to_string(v.size()) + " values, expected " +
                    std::to_string(n) + " (one per spatial axis)");
  };
  check_size(strides, "strides");
  check_size(dilations, "dilations");
  check_size(pads_begin, "pads_begin");
  check_size(pads_end, "pads_end");
  check_size(output_padding, "output_padding");
  for (size_t i = 0; i < n; ++i) {
    if (strides[i] <= 0 || dilations[i] <= 0)
      throw OpError("strides and dilations must be positive, got " + shape_to_string(strides) + " and " +
                    shape_to_string(dilations));
    if (output_padding[i] < 0) throw OpError("output_padding must not be negative, got " + shape_to_string(output_padding));
  }
  if (target && target->size() != n)
    throw OpError("output_shape has " + std::to_string(target->size()) + " values, expected " + std::to_string(n) +
                  " (the spatial dims only)");

  DeconvGeometry g{std::vector<int64_t>(n, kDynamicDim), pads_begin};
  for (size_t i = 0; i < n; ++i) {
    const bool known = in[i] >= 0 && kernel[i] >= 0;
    const int64_t natural = known ? natural_length(in[i], kernel[i], strides[i], dilations[i]) + output_padding[i] : -1;
    if (has_target) {
      if (!target) continue;
      g.dims[i] = (*target)[i];
      if (g.dims[i] < 0) throw OpError("output_shape must not be negative, got " + shape_to_string(*target));
      if ((auto_pad == "same_upper" || auto_pad == "same_lower") && known) {
        const int64_t total = std::max<int64_t>(natural - g.dims[i], 0);
        // The op's same_upper puts the larger half of odd padding first (it crops the output's start).
        g.pads_begin[i] = auto_pad == "same_upper" ? total - total / 2 : total / 2;
      }
      continue;
    }
    if (!known) continue;
    g.dims[i] = natural - pads_begin[i] - pads_end[i];
    if (g.dims[i] <= 0)
      throw OpError("the pads (" + shape_to_string(pads_begin) + ", " + shape_to_string(pads_end) +
                    ") leave no output on spatial axis " + std::to_string(i));
  }
  return g;
}

// Data is [N, C_in, spatial...]; filters are [C_in, C_out, kernel...] or [G, C_in/G, C_out/G, kernel...].
void infer_deconvolution(InferContext& ctx, bool grouped) {
  const ElementType type = merge_types(numeric_input_type(ctx, 0), numeric_input_type(ctx, 1), "data and filters");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& filters = ctx.input_shape(1);
  const size_t lead = grouped ? 3 : 2;
  std::optional<size_t> spatial;
  if (data.rank_known()) {
    if (data.rank() < 3 || data.rank() > 5)
      ctx.fail("data must have rank 3, 4 or 5 ([N, C, spatial...]), got " + shape_str(data));
    spatial = data.rank() - 2;
  }
  if (filters.rank_known()) {
    if (filters.rank() < lead + 1 || filters.rank() > lead + 3 || (spatial && filters.rank() != lead + *spatial))
      ctx.fail("filters of shape " + shape_str(filters) + " do not fit data of shape " + shape_str(data) +
               (grouped ? " (expected [G, C_in/G, C_out/G, kernel...])" : " (expected [C_in, C_out, kernel...])"));
    spatial = filters.rank() - lead;
  }
  const bool has_target = ctx.has_input(2);
  if (has_target) {
    check_type(ctx.input_type(2), is_integral(ctx.input_type(2)), "output_shape", "an integer type");
    const PartialShape& s = ctx.input_shape(2);
    if (s.rank_known() && s.rank() != 1) ctx.fail("output_shape must be 1-D, got " + shape_str(s));
    if (!spatial && s.rank_known() && s[0] >= 0) spatial = static_cast<size_t>(s[0]);
  }
  if (!spatial) return ctx.set_output(0, type, PartialShape::dynamic_rank());

  std::vector<int64_t> kernel(*spatial, kDynamicDim), in(*spatial, kDynamicDim);
  if (filters.rank_known()) kernel.assign(filters.dims().begin() + static_cast<int64_t>(lead), filters.dims().end());
  if (data.rank_known()) in.assign(data.dims().begin() + 2, data.dims().end());
  const auto target = has_target ? constant_ints(ctx, 2) : std::nullopt;
  const DeconvGeometry g = deconv_geometry(ctx.node(), in, kernel, target, has_target);

  int64_t batch = data.rank_known() ? data[0] : kDynamicDim;
  int64_t channels = data.rank_known() ? data[1] : kDynamicDim;
  int64_t out_channels = kDynamicDim;
  if (filters.rank_known()) {
    const int64_t filter_channels = grouped ? multiply_dims({filters[0], filters[1]}) : filters[0];
    if (!merge_dim(channels, filter_channels))
      ctx.fail("data has " + std::to_string(channels) + " channels but the filters " + shape_str(filters) +
               " expect " + std::to_string(filter_channels));
    out_channels = grouped ? multiply_dims({filters[0], filters[2]}) : filters[1];
  }
  std::vector<int64_t> dims{batch, out_channels};
  dims.insert(dims.end(), g.dims.begin(), g.dims.end());
  ctx.set_output(0, type, PartialShape(dims));
}

// Scatters every input element through the kernel into the output. T is float for f32/f16/bf16.
template <typename T>
Tensor deconvolve(const Node& node, const std::vector<Tensor>& inputs, bool grouped) {
  const Tensor& data = inputs[0];
  const Tensor& filters = inputs[1];
  const Shape& xs = data.shape();
  const Shape& ws = filters.shape();
  const size_t lead = grouped ? 3 : 2;
  const std::vector<int64_t> kernel_dims(ws.begin() + static_cast<int64_t>(lead), ws.end());
  const std::vector<int64_t> in_dims(xs.begin() + 2, xs.end());
  const bool has_target = inputs.size() > 2 && inputs[2].type() != ElementType::dynamic;
  std::optional<std::vector<int64_t>> target;
  if (has_target) target = inputs[2].to_int64();
  const DeconvGeometry g = deconv_geometry(node, in_dims, kernel_dims, target, has_target);

  const int64_t batch = xs[0], groups = grouped ? ws[0] : 1;
  const int64_t in_per_group = grouped ? ws[1] : ws[0];
  const int64_t out_per_group = grouped ? ws[2] : ws[1];
  const auto in = to_3d(in_dims, 1);
  const auto out = to_3d(g.dims, 1);
  const auto k = to_3d(kernel_dims, 1);
  const auto stride = to_3d(node.attr<std::vector<int64_t>>("strides"), 1);
  const auto dilation = to_3d(node.attr<std::vector<int64_t>>("dilations"), 1);
  const auto pad = to_3d(g.pads_begin, 0);

  const std::vector<T> x = load_values<T>(data);
  const std::vector<T> wv = load_values<T>(filters);
  const int64_t in_plane = in[0] * in[1] * in[2], out_plane = out[0] * out[1] * out[2];
  const int64_t kernel_size = k[0] * k[1] * k[2];
  std::vector<T> y(static_cast<size_t>(batch * groups * out_per_group * out_plane), T(0));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t gi = 0; gi < groups; ++gi)
      for (int64_t ic = 0; ic < in_per_group; ++ic) {
        const T* xc = x.data() + (n * groups * in_per_group + gi * in_per_group + ic) * in_plane;
        for (int64_t oc = 0; oc < out_per_group; ++oc) {
          T* yc = y.data() + ((n * groups + gi) * out_per_group + oc) * out_plane;
          const T* wk = wv.data() + ((gi * in_per_group + ic) * out_per_group + oc) * kernel_size;
          for (int64_t iz = 0; iz < in[0]; ++iz)
            for (int64_t iy = 0; iy < in[1]; ++iy)
              for (int64_t ix = 0; ix < in[2]; ++ix) {
                const T v = xc[(iz * in[1] + iy) * in[2] + ix];
                for (int64_t kz = 0; kz < k[0]; ++kz) {
                  const int64_t oz = iz * stride[0] + kz * dilation[0] - pad[0];
                  if (oz < 0 || oz >= out[0]) continue;
                  for (int64_t ky = 0; ky < k[1]; ++ky) {
                    const int64_t oy = iy * stride[1] + ky * dilation[1] - pad[1];
                    if (oy < 0 || oy >= out[1]) continue;
                    for (int64_t kx = 0; kx < k[2]; ++kx) {
                      const int64_t ox = ix * stride[2] + kx * dilation[2] - pad[2];
                      if (ox < 0 || ox >= out[2]) continue;
                      yc[(oz * out[1] + oy) * out[2] + ox] += v * wk[(kz * k[1] + ky) * k[2] + kx];
                    }
                  }
                }
              }
        }
      }
  Shape out_shape{batch, groups * out_per_group};
  out_shape.insert(out_shape.end(), g.dims.begin(), g.dims.end());
  return store_values(data.type(), out_shape, y);
}

Tensor evaluate_deconvolution(const Node& node, const std::vector<Tensor>& in, bool grouped) {
  const ElementType t = in[0].type();
  if (t == ElementType::f32 || t == ElementType::f16 || t == ElementType::bf16) return deconvolve<float>(node, in, grouped);
  return deconvolve<double>(node, in, grouped);
}

}  // namespace

void register_deconvolution_ops(OpRegistry& r) {
  for (bool grouped : {false, true}) {
    const std::string type = grouped ? "GroupConvolutionBackpropData" : "ConvolutionBackpropData";
    add_op(r, OpDef{
        .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
        .attrs = deconvolution_attrs(),
        .min_inputs = 2, .max_inputs = 3,
        .infer = [grouped](InferContext& ctx) { infer_deconvolution(ctx, grouped); },
        .evaluate = [grouped](const Node& n, const std::vector<Tensor>& in) {
          return std::vector<Tensor>{evaluate_deconvolution(n, in, grouped)};
        },
    });
  }
}

}  // namespace remo
