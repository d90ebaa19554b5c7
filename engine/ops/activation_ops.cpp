// Activations: Relu, Clamp, Elu, Gelu, HSwish, HSigmoid, Mish, SoftPlus, Swish, PRelu.
#include <algorithm>
#include <numbers>

#include "engine/ops/op_families.h"
#include "engine/ops/unary.h"

namespace remo {
namespace {

double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
double hsigmoid(double x) { return std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0; }

double gelu(double x, bool tanh_approximation) {
  if (!tanh_approximation) return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
  const double k = std::sqrt(2.0 / std::numbers::pi);
  return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
}

void add_clamp(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Clamp", .ir_type = "Clamp", .ir_version = "opset1",
      .attrs = {required_attr("min", AttrKind::Float), required_attr("max", AttrKind::Float)},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) {
        if (ctx.attr<double>("min") > ctx.attr<double>("max"))
          ctx.fail("min (" + std::to_string(ctx.attr<double>("min")) + ") must not exceed max (" +
                   std::to_string(ctx.attr<double>("max")) + ")");
        infer_unary(ctx, UnaryTypes::numeric);
      },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const double lo = n.attr<double>("min"), hi = n.attr<double>("max");
        // Integers clamp to the integers inside [min, max].
        const double ilo = std::ceil(lo), ihi = std::floor(hi);
        return std::vector<Tensor>{map_unary(
            in[0], in[0].type(), [lo, hi](double x) { return std::min(std::max(x, lo), hi); },
            [ilo, ihi](int64_t v) { return std::min(std::max(static_cast<double>(v), ilo), ihi); })};
      },
  });
}

void add_elu_and_gelu(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.Elu", .ir_type = "Elu", .ir_version = "opset1",
      .attrs = {required_attr("alpha", AttrKind::Float)},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) { infer_unary(ctx, UnaryTypes::floating); },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const double alpha = n.attr<double>("alpha");
        auto fn = [alpha](double x) { return x > 0 ? x : alpha * std::expm1(x); };
        return std::vector<Tensor>{map_unary(in[0], in[0].type(), fn, rounded(fn))};
      },
  });
  add_float_unary(r, "opset2", "Gelu", [](double x) { return gelu(x, false); });
  add_op(r, OpDef{
      .name = "opset7.Gelu", .ir_type = "Gelu", .ir_version = "opset7",
      .attrs = {default_attr("approximation_mode", AttrKind::String, std::string("ERF"), {"ERF", "TANH"})},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [](InferContext& ctx) { infer_unary(ctx, UnaryTypes::floating); },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const bool use_tanh = n.attr<std::string>("approximation_mode") == "TANH";
        auto fn = [use_tanh](double x) { return gelu(x, use_tanh); };
        return std::vector<Tensor>{map_unary(in[0], in[0].type(), fn, rounded(fn))};
      },
  });
}

// Swish's optional beta is a scalar of the data's type (default 1).
void add_swish(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset4.Swish", .ir_type = "Swish", .ir_version = "opset4",
      .attrs = {},
      .min_inputs = 1, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        if (ctx.input_count() == 2) {
          merge_types(ctx.input_type(0), ctx.input_type(1), "data and beta");
          const PartialShape& beta = ctx.input_shape(1);
          if (beta.rank_known() && (beta.rank() > 1 || (beta.rank() == 1 && beta[0] > 1)))
            ctx.fail("beta must be a scalar, got shape " + shape_str(beta));
        }
        infer_unary(ctx, UnaryTypes::floating);
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        const double beta = in.size() > 1 && !in[1].empty() ? in[1].to_double().at(0) : 1.0;
        auto fn = [beta](double x) { return x / (1.0 + std::exp(-beta * x)); };
        return std::vector<Tensor>{map_unary(in[0], in[0].type(), fn, rounded(fn))};
      },
  });
}

// PRelu's slope is either a 1-D tensor of the channel dimension's length (axis 1, or axis 0 for
// 1-D data) or numpy-broadcastable to the data. Returns the slope shape to broadcast with.
Shape prelu_slope_shape(const Shape& data, const Shape& slope) {
  const size_t channel_axis = data.size() > 1 ? 1 : 0;
  if (slope.size() == 1 && !data.empty() && slope[0] == data[channel_axis]) {
    Shape aligned(data.size(), 1);
    aligned[channel_axis] = slope[0];
    return aligned;
  }
  return slope;
}

void add_prelu(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.PRelu", .ir_type = "PReLU", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        ElementType type = merge_types(numeric_input_type(ctx, 0), ctx.input_type(1), "data and slope");
        const PartialShape& data = ctx.input_shape(0);
        const PartialShape& slope = ctx.input_shape(1);
        const bool channel_slope = data.rank_known() && slope.rank_known() && slope.rank() == 1 &&
                                   data.rank() > 0 && merge_dim(data[data.rank() > 1 ? 1 : 0], slope[0]);
        // pdpd broadcasting is exactly "b stretches into a without changing a's shape".
        if (!channel_slope && !broadcast_shapes(data, slope, BroadcastMode::pdpd))
          ctx.fail("slope of shape " + shape_str(slope) +
                   " must have the channel dimension's length or broadcast to the data shape " + shape_str(data));
        ctx.set_output(0, type, data);
      },
      .evaluate = [](const Node&, const std::vector<Tensor>& in) {
        Tensor slope(in[1].type(), prelu_slope_shape(in[0].shape(), in[1].shape()), in[1].buffer());
        // The slope only broadcasts into the data, so the result keeps the data's shape.
        return std::vector<Tensor>{map_binary(
            in[0], slope, BroadcastMode::numpy, in[0].type(),
            [](double x, double s) { return x < 0 ? x * s : x; },
            [](int64_t x, int64_t s) { return x < 0 ? x * s : x; })};
      },
  });
}

}  // namespace

void register_activation_ops(OpRegistry& r) {
  add_unary(r, "opset1", "Relu", "ReLU", UnaryTypes::numeric, [](double x) { return x > 0 ? x : 0.0; },
            [](int64_t v) { return std::max<int64_t>(v, 0); });
  add_clamp(r);
  add_elu_and_gelu(r);
  add_float_unary(r, "opset4", "HSwish", [](double x) { return x * hsigmoid(x); });
  add_float_unary(r, "opset5", "HSigmoid", hsigmoid);
  add_float_unary(r, "opset4", "Mish", [](double x) { return x * std::tanh(softplus(x)); });
  add_float_unary(r, "opset4", "SoftPlus", softplus);
  add_swish(r);
  add_prelu(r);
}

}  // namespace remo
