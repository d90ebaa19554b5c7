// Discrete Fourier transforms: DFT-7, IDFT-7 (complex <-> complex, the trailing dim of 2 holds the
// real and imaginary parts), RDFT-9 (real -> one-sided complex) and IRDFT-9 (one-sided complex -> real).
// STFT-15 (short-time transform of a real signal). The evaluators are direct O(n^2) transforms in
// double precision, for constant folding and rule tests.
#include <cmath>
#include <complex>
#include <numbers>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

enum class Transform { complex, real_to_complex, complex_to_real };

// Input 1 is axes, input 2 (optional) signal_size with one entry per axis (-1 keeps the length).
void infer_fft(InferContext& ctx, Transform kind) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "data", "a floating-point type");
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axes", "an integer type");
  if (ctx.has_input(2))
    check_type(ctx.input_type(2), is_integral(ctx.input_type(2)), "signal_size", "an integer type");
  const PartialShape& data = ctx.input_shape(0);
  if (!data.rank_known()) return ctx.set_output(0, type, PartialShape::dynamic_rank());
  const bool complex_in = kind != Transform::real_to_complex;
  const auto rank = static_cast<int64_t>(data.rank());
  if (complex_in && (rank < 2 || (data[rank - 1] >= 0 && data[rank - 1] != 2)))
    ctx.fail("data must be complex, [..., 2] with rank >= 2, got " + shape_str(data));
  if (!complex_in && rank < 1) ctx.fail("data must have rank >= 1, got " + shape_str(data));
  // Axes index the signal dims: all dims of real data, all but the trailing 2 of complex data.
  const int64_t signal_rank = complex_in ? rank - 1 : rank;
  std::vector<int64_t> dims(data.dims().begin(), data.dims().begin() + signal_rank);
  const auto axes = constant_ints(ctx, 1);
  const auto sizes = ctx.has_input(2) ? constant_ints(ctx, 2) : std::nullopt;
  if (!axes) {
    std::vector<int64_t> out(static_cast<size_t>(signal_rank), kDynamicDim);
    if (kind == Transform::real_to_complex || kind == Transform::complex) out.push_back(2);
    return ctx.set_output(0, type, PartialShape(out));
  }
  // Negative axes count from the back of the signal dims (complex ops: excluding the trailing 2).
  const std::vector<int64_t> norm = normalize_axes(*axes, signal_rank, "axes", false);
  if (ctx.has_input(2) && sizes && sizes->size() != norm.size())
    ctx.fail("signal_size has " + std::to_string(sizes->size()) + " values, axes " + std::to_string(norm.size()));
  for (size_t i = 0; i < norm.size(); ++i) {
    auto& d = dims[static_cast<size_t>(norm[i])];
    if (ctx.has_input(2) && !sizes) d = kDynamicDim;
    else if (sizes && (*sizes)[i] != -1) d = (*sizes)[i];
    else if (kind == Transform::complex_to_real && i + 1 == norm.size() && d >= 0) d = 2 * (d - 1);
  }
  if (!norm.empty() && kind == Transform::real_to_complex) {
    auto& last = dims[static_cast<size_t>(norm.back())];
    if (last >= 0) last = last / 2 + 1;
  }
  if (kind != Transform::complex_to_real) dims.push_back(2);
  ctx.set_output(0, type, PartialShape(dims));
}

using Complex = std::complex<double>;

// A complex tensor held as values plus its shape (the signal dims, without the trailing 2).
struct Spectrum {
  Shape shape;
  std::vector<Complex> values;
};

Spectrum load_complex(const Tensor& t) {
  const std::vector<double> raw = load_values<double>(t);
  Spectrum s{Shape(t.shape().begin(), t.shape().end() - 1), std::vector<Complex>(raw.size() / 2)};
  for (size_t i = 0; i < s.values.size(); ++i) s.values[i] = {raw[2 * i], raw[2 * i + 1]};
  return s;
}

Spectrum load_real(const Tensor& t) {
  const std::vector<double> raw = load_values<double>(t);
  return {t.shape(), std::vector<Complex>(raw.begin(), raw.end())};
}

Tensor store_complex(ElementType type, const Spectrum& s) {
  std::vector<double> raw(s.values.size() * 2);
  for (size_t i = 0; i < s.values.size(); ++i) {
    raw[2 * i] = s.values[i].real();
    raw[2 * i + 1] = s.values[i].imag();
  }
  Shape shape = s.shape;
  shape.push_back(2);
  return store_values(type, shape, raw);
}

// Crops or zero-pads `axis` to `length`.
void resize_axis(Spectrum& s, size_t axis, int64_t length) {
  const int64_t outer = count_range(s.shape, 0, axis), old = s.shape[axis];
  const int64_t inner = count_range(s.shape, axis + 1, s.shape.size());
  std::vector<Complex> out(static_cast<size_t>(outer * length * inner));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < std::min(old, length); ++k)
      for (int64_t i = 0; i < inner; ++i)
        out[static_cast<size_t>((o * length + k) * inner + i)] = s.values[static_cast<size_t>((o * old + k) * inner + i)];
  s.shape[axis] = length;
  s.values = std::move(out);
}

// The 1-D transform along `axis`; the inverse one is scaled by 1/n.
void transform_axis(Spectrum& s, size_t axis, bool inverse) {
  const int64_t outer = count_range(s.shape, 0, axis), n = s.shape[axis];
  const int64_t inner = count_range(s.shape, axis + 1, s.shape.size());
  const double sign = inverse ? 1.0 : -1.0;
  std::vector<Complex> line(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      Complex* base = s.values.data() + o * n * inner + i;
      for (int64_t k = 0; k < n; ++k) {
        Complex sum = 0;
        for (int64_t t = 0; t < n; ++t)
          sum += base[t * inner] * std::polar(1.0, sign * 2 * std::numbers::pi * static_cast<double>((k * t) % n) / static_cast<double>(n));
        line[static_cast<size_t>(k)] = inverse ? sum / static_cast<double>(n) : sum;
      }
      for (int64_t k = 0; k < n; ++k) base[k * inner] = line[static_cast<size_t>(k)];
    }
}

std::vector<Tensor> evaluate_fft(const std::vector<Tensor>& in, Transform kind, bool inverse) {
  Spectrum s = kind == Transform::real_to_complex ? load_real(in[0]) : load_complex(in[0]);
  const std::vector<int64_t> axes = normalize_axes(in[1].to_int64(), static_cast<int64_t>(s.shape.size()), "axes", false);
  std::vector<int64_t> sizes(axes.size(), -1);
  if (in.size() > 2 && in[2].type() != ElementType::dynamic) sizes = in[2].to_int64();
  if (sizes.size() != axes.size()) throw OpError("signal_size and axes differ in length");
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto axis = static_cast<size_t>(axes[i]);
    const bool last = i + 1 == axes.size();
    if (kind == Transform::complex_to_real && last) {
      // Rebuild the full spectrum from bins 0 .. L/2 by Hermitian symmetry.
      const int64_t length = sizes[i] != -1 ? sizes[i] : 2 * (s.shape[axis] - 1);
      if (length <= 0) throw OpError("the real signal length must be positive, got " + std::to_string(length));
      const int64_t given = s.shape[axis];
      resize_axis(s, axis, length);
      const int64_t outer = count_range(s.shape, 0, axis), inner = count_range(s.shape, axis + 1, s.shape.size());
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t j = 0; j < inner; ++j) {
          Complex* base = s.values.data() + o * length * inner + j;
          for (int64_t k = length / 2 + 1; k < length; ++k)
            base[k * inner] = length - k < given ? std::conj(base[(length - k) * inner]) : Complex(0);
        }
    } else if (sizes[i] != -1) {
      if (sizes[i] < 0) throw OpError("signal_size must be -1 or not negative, got " + std::to_string(sizes[i]));
      resize_axis(s, axis, sizes[i]);
    }
  }
  // The real output's last axis last, so that every other axis is already back in the signal domain.
  for (size_t i = 0; i < axes.size(); ++i) transform_axis(s, static_cast<size_t>(axes[i]), inverse);
  if (kind == Transform::real_to_complex && !axes.empty()) {
    const auto axis = static_cast<size_t>(axes.back());
    resize_axis(s, axis, s.shape[axis] / 2 + 1);
  }
  if (kind == Transform::complex_to_real) {
    std::vector<double> real(s.values.size());
    for (size_t i = 0; i < real.size(); ++i) real[i] = s.values[i].real();
    return {store_values(in[0].type(), s.shape, real)};
  }
  return {store_complex(in[0].type(), s)};
}

// Frames of the signal, each multiplied by the window (centered in the frame when shorter),
// transformed to frame_size / 2 + 1 bins.
std::vector<Tensor> evaluate_stft(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const int64_t batch = shape.size() == 2 ? shape[0] : 1, length = shape.back();
  const int64_t frame_size = in[2].to_int64()[0], step = in[3].to_int64()[0];
  if (frame_size <= 0 || step <= 0 || length < frame_size || static_cast<int64_t>(in[1].element_count()) > frame_size)
    throw OpError("STFT needs 0 < window <= frame_size <= signal length and a positive frame_step");
  const std::vector<double> x = load_values<double>(in[0]);
  const std::vector<double> window = load_values<double>(in[1]);
  const auto offset = (frame_size - static_cast<int64_t>(window.size())) / 2;
  const int64_t frames = (length - frame_size) / step + 1, bins = frame_size / 2 + 1;
  const bool transpose = node.attr<bool>("transpose_frames");
  std::vector<double> out(static_cast<size_t>(batch * frames * bins * 2));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t f = 0; f < frames; ++f) {
      Spectrum frame{{frame_size}, std::vector<Complex>(static_cast<size_t>(frame_size))};
      for (int64_t t = 0; t < static_cast<int64_t>(window.size()); ++t)
        frame.values[static_cast<size_t>(t + offset)] = x[static_cast<size_t>(b * length + f * step + t + offset)] * window[static_cast<size_t>(t)];
      transform_axis(frame, 0, false);
      for (int64_t k = 0; k < bins; ++k) {
        const int64_t at = transpose ? (b * bins + k) * frames + f : (b * frames + f) * bins + k;
        out[static_cast<size_t>(2 * at)] = frame.values[static_cast<size_t>(k)].real();
        out[static_cast<size_t>(2 * at + 1)] = frame.values[static_cast<size_t>(k)].imag();
      }
    }
  Shape out_shape = transpose ? Shape{bins, frames, 2} : Shape{frames, bins, 2};
  if (shape.size() == 2) out_shape.insert(out_shape.begin(), batch);
  return {store_values(in[0].type(), out_shape, out)};
}

void add_fft(OpRegistry& r, const std::string& version, const std::string& type, Transform kind, bool inverse) {
  add_op(r, OpDef{
      .name = version + "." + type, .ir_type = type, .ir_version = version,
      .min_inputs = 2, .max_inputs = 3,
      .infer = [kind](InferContext& ctx) { infer_fft(ctx, kind); },
      .evaluate = [kind, inverse](const Node&, const std::vector<Tensor>& in) { return evaluate_fft(in, kind, inverse); },
  });
}

// signal [B, L] or [L] (real), window [W], frame_size and frame_step scalars ->
// [B, frames, frame_size / 2 + 1, 2] ([B, bins, frames, 2] with transpose_frames).
void infer_stft(InferContext& ctx) {
  const ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "signal", "a floating-point type");
  merge_types(type, ctx.input_type(1), "signal and window");
  for (size_t i : {size_t{2}, size_t{3}}) {
    check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), i == 2 ? "frame_size" : "frame_step", "an integer type");
    const PartialShape& s = ctx.input_shape(i);
    if (s.rank_known() && s.rank() != 0) ctx.fail(std::string(i == 2 ? "frame_size" : "frame_step") + " must be a scalar, got " + shape_str(s));
  }
  const PartialShape& signal = ctx.input_shape(0);
  const PartialShape& window = ctx.input_shape(1);
  if (signal.rank_known() && signal.rank() != 1 && signal.rank() != 2)
    ctx.fail("signal must be [L] or [B, L], got " + shape_str(signal));
  if (window.rank_known() && window.rank() != 1) ctx.fail("window must be 1-D, got " + shape_str(window));
  const auto size = constant_ints(ctx, 2);
  const auto step = constant_ints(ctx, 3);
  int64_t frames = kDynamicDim, bins = kDynamicDim;
  if (size) {
    const int64_t frame_size = (*size)[0];
    if (frame_size <= 0) ctx.fail("frame_size must be positive, got " + std::to_string(frame_size));
    if (window.rank_known() && window[0] > frame_size)
      ctx.fail("window of " + std::to_string(window[0]) + " samples is longer than frame_size " + std::to_string(frame_size));
    bins = frame_size / 2 + 1;
    if (step && (*step)[0] <= 0) ctx.fail("frame_step must be positive, got " + std::to_string((*step)[0]));
    if (step && signal.rank_known()) {
      const int64_t length = signal[signal.rank() - 1];
      if (length >= 0) {
        if (length < frame_size)
          ctx.fail("signal of " + std::to_string(length) + " samples is shorter than frame_size " + std::to_string(frame_size));
        frames = (length - frame_size) / (*step)[0] + 1;
      }
    }
  }
  std::vector<int64_t> dims;
  if (!signal.rank_known()) return ctx.set_output(0, type, PartialShape::dynamic_rank());
  if (signal.rank() == 2) dims.push_back(signal[0]);
  if (ctx.attr<bool>("transpose_frames")) dims.insert(dims.end(), {bins, frames, 2});
  else dims.insert(dims.end(), {frames, bins, 2});
  ctx.set_output(0, type, PartialShape(dims));
}

}  // namespace

void register_signal_ops(OpRegistry& r) {
  add_fft(r, "opset7", "DFT", Transform::complex, false);
  add_fft(r, "opset7", "IDFT", Transform::complex, true);
  add_fft(r, "opset9", "RDFT", Transform::real_to_complex, false);
  add_fft(r, "opset9", "IRDFT", Transform::complex_to_real, true);
  add_op(r, OpDef{
      .name = "opset15.STFT", .ir_type = "STFT", .ir_version = "opset15",
      .attrs = {default_attr("transpose_frames", AttrKind::Bool, false)},
      .min_inputs = 4, .max_inputs = 4,
      .infer = infer_stft,
      .evaluate = evaluate_stft,
  });
}

}  // namespace remo
