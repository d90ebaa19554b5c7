#pragma once
// Sliding-window geometry shared by convolutions and poolings: reading the stride/dilation/pad
// attributes, resolving auto_pad, and the output size arithmetic.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/graph/node.h"

namespace remo {

enum class AutoPad { explicit_pads, same_upper, same_lower, valid };

struct Window {
  std::vector<int64_t> kernel;  // per spatial axis; -1 when unknown (a dynamic weights dimension)
  std::vector<int64_t> strides;
  std::vector<int64_t> dilations;
  std::vector<int64_t> pads_begin;
  std::vector<int64_t> pads_end;
  AutoPad auto_pad = AutoPad::explicit_pads;
  bool ceil = false;  // rounding_type = ceil or ceil_torch (poolings only)
  bool ceil_torch = false;  // ceil_torch: a last window starting in the end padding is dropped
};

// The attributes common to every windowed op: strides, pads_begin, pads_end, auto_pad, and
// dilations/rounding_type when the op has them (otherwise 1s / floor).
Window read_window(const Node& node, std::vector<int64_t> kernel);

// Checks that every per-axis attribute has one entry per spatial axis and strides/dilations are
// positive; OpError otherwise. Explicit pads may be left empty when auto_pad is not explicit.
void check_window(const Window& w, size_t spatial_rank);

struct WindowOutput {
  std::vector<int64_t> dims;  // output spatial dims, -1 when not computable
  std::vector<int64_t> pads_begin, pads_end;  // padding actually applied (auto_pad resolved)
};

// Output spatial dims for input spatial dims `in` (-1 = dynamic). OpError when the dilated kernel
// does not fit into the padded input.
WindowOutput window_output(const std::vector<int64_t>& in, const Window& w);

// Per-axis values padded in front to 3 axes with `fill`, so one loop nest serves 1-D to 3-D.
std::vector<int64_t> to_3d(const std::vector<int64_t>& values, int64_t fill);
// Integer division rounding toward -infinity (b > 0).
int64_t floor_div(int64_t a, int64_t b);

}  // namespace remo
