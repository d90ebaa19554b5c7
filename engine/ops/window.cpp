#include "engine/ops/window.h"

#include <algorithm>

#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

AutoPad parse_auto_pad(const std::string& s) {
  if (s == "same_upper") return AutoPad::same_upper;
  if (s == "same_lower") return AutoPad::same_lower;
  if (s == "valid") return AutoPad::valid;
  return AutoPad::explicit_pads;
}

int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

}  // namespace

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

std::vector<int64_t> to_3d(const std::vector<int64_t>& values, int64_t fill) {
  std::vector<int64_t> out(3 - values.size(), fill);
  out.insert(out.end(), values.begin(), values.end());
  return out;
}

Window read_window(const Node& node, std::vector<int64_t> kernel) {
  Window w;
  w.kernel = std::move(kernel);
  w.strides = node.attr<std::vector<int64_t>>("strides");
  w.dilations = node.has_attr("dilations") ? node.attr<std::vector<int64_t>>("dilations")
                                           : std::vector<int64_t>(w.kernel.size(), 1);
  w.pads_begin = node.attr<std::vector<int64_t>>("pads_begin");
  w.pads_end = node.attr<std::vector<int64_t>>("pads_end");
  w.auto_pad = parse_auto_pad(node.attr<std::string>("auto_pad"));
  const std::string rounding = node.attr_or<std::string>("rounding_type", "floor");
  w.ceil = rounding == "ceil" || rounding == "ceil_torch";
  w.ceil_torch = rounding == "ceil_torch";
  return w;
}

void check_window(const Window& w, size_t spatial_rank) {
  auto check_size = [&](const std::vector<int64_t>& v, const char* name, bool may_be_empty) {
    if (v.size() != spatial_rank && !(may_be_empty && v.empty()))
      throw OpError(std::string(name) + " has " + std::to_string(v.size()) + " values, expected " +
                    std::to_string(spatial_rank) + " (one per spatial axis)");
  };
  const bool pads_ignored = w.auto_pad != AutoPad::explicit_pads;
  check_size(w.kernel, "kernel", false);
  check_size(w.strides, "strides", false);
  check_size(w.dilations, "dilations", false);
  check_size(w.pads_begin, "pads_begin", pads_ignored);
  check_size(w.pads_end, "pads_end", pads_ignored);
  for (size_t i = 0; i < spatial_rank; ++i) {
    if (w.strides[i] <= 0) throw OpError("strides must be positive, got " + shape_to_string(w.strides));
    if (w.dilations[i] <= 0) throw OpError("dilations must be positive, got " + shape_to_string(w.dilations));
    if (w.kernel[i] == 0) throw OpError("kernel must be positive, got " + shape_to_string(w.kernel));
  }
  if (!pads_ignored)
    for (size_t i = 0; i < spatial_rank; ++i)
      if (w.pads_begin[i] < 0 || w.pads_end[i] < 0)
        throw OpError("pads must not be negative, got pads_begin " + shape_to_string(w.pads_begin) +
                      " and pads_end " + shape_to_string(w.pads_end));
}

WindowOutput window_output(const std::vector<int64_t>& in, const Window& w) {
  const size_t n = in.size();
  WindowOutput out{std::vector<int64_t>(n, kDynamicDim), std::vector<int64_t>(n, 0), std::vector<int64_t>(n, 0)};
  for (size_t i = 0; i < n; ++i) {
    if (w.auto_pad == AutoPad::explicit_pads) {
      out.pads_begin[i] = w.pads_begin[i];
      out.pads_end[i] = w.pads_end[i];
    }
    if (in[i] < 0 || w.kernel[i] < 0) continue;
    const int64_t kernel = (w.kernel[i] - 1) * w.dilations[i] + 1;
    if (w.auto_pad == AutoPad::same_upper || w.auto_pad == AutoPad::same_lower) {
      // Pad so that the output has ceil(in / stride) elements; the odd pixel goes to the end
      // (same_upper) or to the beginning (same_lower).
      const int64_t target = ceil_div(in[i], w.strides[i]);
      const int64_t total = std::max<int64_t>((target - 1) * w.strides[i] + kernel - in[i], 0);
      const int64_t small = total / 2;
      out.pads_begin[i] = w.auto_pad == AutoPad::same_upper ? small : total - small;
      out.pads_end[i] = total - out.pads_begin[i];
    }
    const int64_t padded = in[i] + out.pads_begin[i] + out.pads_end[i];
    if (padded < kernel)
      throw OpError("the dilated kernel (" + std::to_string(kernel) + ") is larger than the padded input (" +
                    std::to_string(padded) + ") on spatial axis " + std::to_string(i));
    const int64_t span = padded - kernel;
    out.dims[i] = (w.ceil ? ceil_div(span, w.strides[i]) : floor_div(span, w.strides[i])) + 1;
    if (w.ceil_torch && (out.dims[i] - 1) * w.strides[i] >= in[i] + out.pads_begin[i]) --out.dims[i];
  }
  return out;
}

}  // namespace remo
