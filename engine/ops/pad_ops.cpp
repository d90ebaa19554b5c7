// Pad-1 and Pad-12 (which also accepts negative pads, cropping): constant, edge, reflect and
// symmetric modes.
#include <cstring>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

PartialShape pad_shape(const PartialShape& data, const std::vector<int64_t>& begin, const std::vector<int64_t>& end,
                       const std::string& mode, bool allow_negative) {
  if (!data.rank_known()) return PartialShape(std::vector<int64_t>(begin.size(), kDynamicDim));
  if (begin.size() != data.rank() || end.size() != data.rank())
    throw OpError("pads_begin " + shape_to_string(begin) + " and pads_end " + shape_to_string(end) +
                  " must have one entry per axis of the data " + shape_str(data));
  std::vector<int64_t> dims;
  for (size_t i = 0; i < data.rank(); ++i) {
    const int64_t b = begin[i], e = end[i], d = data[i];
    if (!allow_negative && (b < 0 || e < 0))
      throw OpError("Pad-1 pads must not be negative, got pads_begin " + shape_to_string(begin) + " and pads_end " +
                    shape_to_string(end));
    // reflect mirrors around the edge element, so it needs pads < dim; symmetric repeats it: pads <= dim.
    const int64_t limit = mode == "reflect" ? d - 1 : mode == "symmetric" ? d : INT64_MAX;
    if (d >= 0 && (b > limit || e > limit))
      throw OpError("pad_mode " + mode + " allows pads of at most " + std::to_string(limit) + " on axis " +
                    std::to_string(i) + " (size " + std::to_string(d) + "), got " + std::to_string(b) + " and " +
                    std::to_string(e));
    if (mode == "edge" && d == 0 && (b > 0 || e > 0))
      throw OpError("pad_mode edge cannot pad the empty axis " + std::to_string(i));
    const int64_t out = d < 0 ? kDynamicDim : d + b + e;
    if (d >= 0 && out < 0)
      throw OpError("negative pads remove more than the " + std::to_string(d) + " elements of axis " + std::to_string(i));
    dims.push_back(out);
  }
  return PartialShape(dims);
}

void infer_pad(InferContext& ctx, bool allow_negative) {
  for (size_t i : {1, 2}) {
    check_type(ctx.input_type(i), is_integral(ctx.input_type(i)), i == 1 ? "pads_begin" : "pads_end", "an integer type");
    const PartialShape& s = ctx.input_shape(i);
    if (s.rank_known() && s.rank() != 1) ctx.fail("pads must be 1-D, got shape " + shape_str(s));
  }
  if (ctx.input_count() > 3) {
    merge_types(ctx.input_type(0), ctx.input_type(3), "data and pad_value");
    const PartialShape& s = ctx.input_shape(3);
    if (s.rank_known() && s.rank() != 0) ctx.fail("pad_value must be a scalar, got shape " + shape_str(s));
  }
  const PartialShape& data = ctx.input_shape(0);
  auto begin = constant_ints(ctx, 1), end = constant_ints(ctx, 2);
  PartialShape out = PartialShape::dynamic_rank();
  if (begin && end)
    out = pad_shape(data, *begin, *end, ctx.attr<std::string>("pad_mode"), allow_negative);
  else if (data.rank_known())
    out = PartialShape(std::vector<int64_t>(data.rank(), kDynamicDim));
  ctx.set_output(0, ctx.input_type(0), out);
}

// Where output coordinate `o` of an axis reads from: an input coordinate, or -1 for the pad value.
int64_t source_coordinate(int64_t o, int64_t begin, int64_t n, const std::string& mode) {
  const int64_t c = o - begin;
  if (c >= 0 && c < n) return c;
  if (mode == "constant") return -1;
  if (mode == "edge") return c < 0 ? 0 : n - 1;
  if (mode == "reflect") return c < 0 ? -c : 2 * (n - 1) - c;
  return c < 0 ? -c - 1 : 2 * n - 1 - c;  // symmetric
}

std::vector<Tensor> evaluate_pad(const Node& node, const std::vector<Tensor>& in, bool allow_negative) {
  const Tensor& data = in[0];
  const Shape& shape = data.shape();
  const std::string& mode = node.attr<std::string>("pad_mode");
  const auto begin = in[1].to_int64(), end = in[2].to_int64();
  const Shape out_shape = *pad_shape(shape, begin, end, mode, allow_negative).to_static();
  const size_t size = element_size(data.type());
  std::vector<uint8_t> pad_value(size, 0);
  if (in.size() > 3 && !in[3].empty()) std::memcpy(pad_value.data(), in[3].bytes(), size);

  // Per axis, the input offset each output coordinate reads (-1: padding).
  const auto strides = row_major_strides(shape);
  std::vector<std::vector<int64_t>> offsets(shape.size());
  for (size_t d = 0; d < shape.size(); ++d)
    for (int64_t o = 0; o < out_shape[d]; ++o) {
      const int64_t c = source_coordinate(o, begin[d], shape[d], mode);
      offsets[d].push_back(c < 0 ? -1 : c * strides[d]);
    }
  OutputBuffer out(data.type(), out_shape);
  const size_t count = element_count(out_shape);
  std::vector<int64_t> index(shape.size(), 0);
  for (size_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size() && offset >= 0; ++d) {
      const int64_t part = offsets[d][static_cast<size_t>(index[d])];
      offset = part < 0 ? -1 : offset + part;
    }
    std::memcpy(out.data() + i * size, offset < 0 ? pad_value.data() : data.bytes() + offset * size, size);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < out_shape[d]) break;
      index[d] = 0;
    }
  }
  return {std::move(out).finish()};
}

void add_pad(OpRegistry& r, const std::string& version, bool allow_negative) {
  add_op(r, OpDef{
      .name = version + ".Pad", .ir_type = "Pad", .ir_version = version,
      .attrs = {default_attr("pad_mode", AttrKind::String, std::string("constant"),
                             {"constant", "edge", "reflect", "symmetric"})},
      .min_inputs = 3, .max_inputs = 4,
      .infer = [allow_negative](InferContext& ctx) { infer_pad(ctx, allow_negative); },
      .evaluate = [allow_negative](const Node& n, const std::vector<Tensor>& in) {
        return evaluate_pad(n, in, allow_negative);
      },
  });
}

}  // namespace

void register_pad_ops(OpRegistry& r) {
  add_pad(r, "opset1", false);
  add_pad(r, "opset12", true);
}

}  // namespace remo
