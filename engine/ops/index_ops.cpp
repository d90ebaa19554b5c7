// Ops that index or rearrange along axes: OneHot-1, CumSum-3, ReverseSequence-1, Einsum-7,
// DepthToSpace-1 and SpaceToDepth-1.
#include <algorithm>
#include <cctype>
#include <map>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

void check_scalar(const InferContext& ctx, size_t i, const std::string& what) {
  const PartialShape& s = ctx.input_shape(i);
  if (s.rank_known() && (s.rank() > 1 || (s.rank() == 1 && s[0] > 1)))
    ctx.fail(what + " must be a scalar, got shape " + shape_str(s));
}

// OneHot: indices' shape with a new axis of length depth; the values take on/off_value's type.
void infer_one_hot(InferContext& ctx) {
  check_type(ctx.input_type(0), is_integral(ctx.input_type(0)), "indices", "an integer type");
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "depth", "an integer type");
  check_scalar(ctx, 1, "depth");
  check_scalar(ctx, 2, "on_value");
  check_scalar(ctx, 3, "off_value");
  const ElementType type = merge_types(ctx.input_type(2), ctx.input_type(3), "on_value and off_value");
  const PartialShape& indices = ctx.input_shape(0);
  if (!indices.rank_known()) return ctx.set_output(0, type, PartialShape::dynamic_rank());
  int64_t depth = kDynamicDim;
  if (auto values = constant_ints(ctx, 1); values && !values->empty()) {
    depth = values->front();
    if (depth < 0) ctx.fail("depth must not be negative, got " + std::to_string(depth));
  }
  std::vector<int64_t> dims = indices.dims();
  const int64_t axis = normalize_axis(ctx.attr<int64_t>("axis"), static_cast<int64_t>(dims.size()) + 1);
  dims.insert(dims.begin() + axis, depth);
  ctx.set_output(0, type, PartialShape(dims));
}

void infer_cumsum(InferContext& ctx) {
  const ElementType type = numeric_input_type(ctx, 0);
  if (ctx.input_count() > 1 && ctx.has_input(1)) {
    check_type(ctx.input_type(1), is_integral(ctx.input_type(1)), "axis", "an integer type");
    check_scalar(ctx, 1, "axis");
    const PartialShape& data = ctx.input_shape(0);
    if (auto axis = constant_ints(ctx, 1); axis && !axis->empty() && data.rank_known())
      normalize_axis(axis->front(), static_cast<int64_t>(data.rank()));
  }
  ctx.set_output(0, type, ctx.input_shape(0));
}

// indices[i] == d puts on_value at position d of the new axis; anything outside [0, depth) none.
std::vector<Tensor> evaluate_one_hot(const Node& node, const std::vector<Tensor>& in) {
  const Shape& is = in[0].shape();
  const int64_t depth = in[1].to_int64().at(0);
  const auto axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("axis"), static_cast<int64_t>(is.size()) + 1));
  const double on = read_as_double(in[2].type(), in[2].bytes(), 0);
  const double off = read_as_double(in[3].type(), in[3].bytes(), 0);
  const auto indices = in[0].to_int64();
  const int64_t outer = count_range(is, 0, axis), inner = count_range(is, axis, is.size());
  std::vector<double> out(static_cast<size_t>(outer * depth * inner), off);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t d = indices[static_cast<size_t>(o * inner + i)];
      if (d >= 0 && d < depth) out[static_cast<size_t>((o * depth + d) * inner + i)] = on;
    }
  Shape shape = is;
  shape.insert(shape.begin() + static_cast<long>(axis), depth);
  return {store_values(in[2].type(), shape, out)};
}

// Running sums along the axis (default 0), from the end with reverse, shifted by one with exclusive.
std::vector<Tensor> evaluate_cumsum(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const int64_t axis_value = in.size() > 1 && in[1].element_count() > 0 ? in[1].to_int64().at(0) : 0;
  const auto axis = static_cast<size_t>(normalize_axis(axis_value, static_cast<int64_t>(shape.size())));
  const bool exclusive = node.attr<bool>("exclusive"), reverse = node.attr<bool>("reverse");
  const auto x = load_values<double>(in[0]);
  std::vector<double> out(x.size());
  const int64_t outer = count_range(shape, 0, axis), n = shape[axis], inner = count_range(shape, axis + 1, shape.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double sum = 0;
      for (int64_t step = 0; step < n; ++step) {
        const int64_t j = reverse ? n - 1 - step : step;
        const auto at = static_cast<size_t>((o * n + j) * inner + i);
        if (exclusive) {
          out[at] = sum;
          sum += x[at];
        } else {
          sum += x[at];
          out[at] = sum;
        }
      }
    }
  return {store_values(in[0].type(), shape, out)};
}

void infer_reverse_sequence(InferContext& ctx) {
  check_type(ctx.input_type(1), is_integral(ctx.input_type(1)) || is_floating(ctx.input_type(1)), "seq_lengths",
             "a number type");
  const PartialShape& data = ctx.input_shape(0);
  const PartialShape& lengths = ctx.input_shape(1);
  if (lengths.rank_known() && lengths.rank() != 1) ctx.fail("seq_lengths must be 1-D, got " + shape_str(lengths));
  if (data.rank_known()) {
    const auto rank = static_cast<int64_t>(data.rank());
    const int64_t batch = normalize_axis(ctx.attr<int64_t>("batch_axis"), rank, "batch_axis");
    normalize_axis(ctx.attr<int64_t>("seq_axis"), rank, "seq_axis");
    if (lengths.rank_known() && !merge_dim(data[static_cast<size_t>(batch)], lengths[0]))
      ctx.fail("seq_lengths " + shape_str(lengths) + " must have one length per batch of data " + shape_str(data));
  }
  ctx.set_output(0, ctx.input_type(0), data);
}

// The first seq_lengths[b] elements along seq_axis of each batch b reversed, the rest kept.
std::vector<Tensor> evaluate_reverse_sequence(const Node& node, const std::vector<Tensor>& in) {
  const Shape& shape = in[0].shape();
  const auto rank = static_cast<int64_t>(shape.size());
  const auto batch_axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("batch_axis"), rank, "batch_axis"));
  const auto seq_axis = static_cast<size_t>(normalize_axis(node.attr<int64_t>("seq_axis"), rank, "seq_axis"));
  const auto lengths = load_values<double>(in[1]);
  const auto x = load_values<double>(in[0]);
  const auto strides = row_major_strides(shape);
  std::vector<double> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const int64_t b = static_cast<int64_t>(i) / strides[batch_axis] % shape[batch_axis];
    const int64_t s = static_cast<int64_t>(i) / strides[seq_axis] % shape[seq_axis];
    const auto length = std::min(static_cast<int64_t>(lengths[static_cast<size_t>(b)]), shape[seq_axis]);
    const int64_t from = s < length ? length - 1 - s : s;
    out[i] = x[static_cast<size_t>(static_cast<int64_t>(i) + (from - s) * strides[seq_axis])];
  }
  return {store_values(in[0].type(), shape, out)};
}

// One einsum operand's subscripts: a letter per axis, '.' standing for the ellipsis' axes.
std::vector<std::string> split_terms(const std::string& s) {
  std::vector<std::string> terms(1);
  for (char c : s) {
    if (c == ',') terms.emplace_back();
    else if (c != ' ') terms.back() += c;
  }
  return terms;
}

std::string collapse_ellipsis(const std::string& term) {
  std::string out;
  for (size_t i = 0; i < term.size(); ++i) {
    if (term.compare(i, 3, "...") == 0) {
      out += '.';
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(term[i]))) {
      out += term[i];
    } else {
      throw OpError("equation has an unexpected character '" + std::string(1, term[i]) + "'");
    }
  }
  return out;
}

// Output shape: each output label's dimension (agreeing across inputs), the ellipsis axes
// broadcast across inputs. Without "->" the output is the ellipsis then the labels used once, sorted.
void infer_einsum(InferContext& ctx) {
  const std::string& equation = ctx.attr<std::string>("equation");
  const auto arrow = equation.find("->");
  std::vector<std::string> inputs = split_terms(equation.substr(0, arrow));
  if (inputs.size() != ctx.input_count())
    ctx.fail("equation '" + equation + "' has " + std::to_string(inputs.size()) + " operands, the node " +
             std::to_string(ctx.input_count()) + " inputs");
  ElementType type = ctx.input_type(0);
  for (size_t i = 1; i < ctx.input_count(); ++i) type = merge_types(type, ctx.input_type(i), "einsum inputs");
  std::map<char, int64_t> dims;
  std::map<char, int> uses;
  std::vector<int64_t> ellipsis;
  bool has_ellipsis = false;
  bool rank_known = true;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string term = collapse_ellipsis(inputs[i]);
    for (char c : term) if (c != '.') ++uses[c];
    const PartialShape& shape = ctx.input_shape(i);
    if (!shape.rank_known()) {
      rank_known = false;
      for (char c : term) if (c != '.' && !dims.count(c)) dims[c] = kDynamicDim;
      has_ellipsis |= term.find('.') != std::string::npos;
      continue;
    }
    const size_t labels = term.size() - (term.find('.') != std::string::npos ? 1 : 0);
    if (labels > shape.rank() || (labels < shape.rank() && term.find('.') == std::string::npos))
      ctx.fail("operand " + std::to_string(i) + " '" + inputs[i] + "' does not fit shape " + shape_str(shape));
    const size_t ellipsis_rank = shape.rank() - labels;
    size_t axis = 0;
    for (char c : term) {
      if (c == '.') {
        has_ellipsis = true;
        std::vector<int64_t> part(shape.dims().begin() + static_cast<long>(axis),
                                  shape.dims().begin() + static_cast<long>(axis + ellipsis_rank));
        // Broadcast against what earlier operands had, aligned at the right.
        if (part.size() > ellipsis.size()) ellipsis.insert(ellipsis.begin(), part.size() - ellipsis.size(), 1);
        for (size_t k = 0; k < part.size(); ++k) {
          int64_t& e = ellipsis[ellipsis.size() - part.size() + k];
          const int64_t p = part[k];
          if (e == 1) e = p;
          else if (p != 1 && e >= 0 && p >= 0 && e != p) ctx.fail("ellipsis dimensions do not broadcast");
        }
        axis += ellipsis_rank;
        continue;
      }
      const int64_t d = shape[axis++];
      auto it = dims.find(c);
      if (it == dims.end() || it->second < 0) dims[c] = d;
      else if (d >= 0 && it->second != d && d != 1 && it->second != 1)
        ctx.fail("label '" + std::string(1, c) + "' has dimensions " + std::to_string(it->second) + " and " +
                 std::to_string(d));
      else if (it->second == 1) dims[c] = d;
    }
  }
  std::string output;
  if (arrow != std::string::npos) {
    output = collapse_ellipsis(equation.substr(arrow + 2));
  } else {
    if (has_ellipsis) output += '.';
    for (const auto& [c, n] : uses) if (n == 1) output += c;
  }
  if (!rank_known && has_ellipsis) return ctx.set_output(0, type, PartialShape::dynamic_rank());
  std::vector<int64_t> out;
  for (char c : output) {
    if (c == '.') {
      out.insert(out.end(), ellipsis.begin(), ellipsis.end());
      continue;
    }
    auto it = dims.find(c);
    if (it == dims.end()) ctx.fail("output label '" + std::string(1, c) + "' is not in any input");
    out.push_back(it->second);
  }
  ctx.set_output(0, type, PartialShape(out));
}

// Sums the products of the operands over every label not in the output. Ellipsis axes become
// labels of their own (aligned at the right, broadcasting 1s), so the loop treats all alike.
std::vector<Tensor> evaluate_einsum(const Node& node, const std::vector<Tensor>& in) {
  const std::string& equation = node.attr<std::string>("equation");
  const auto arrow = equation.find("->");
  const std::vector<std::string> terms = split_terms(equation.substr(0, arrow));
  if (terms.size() != in.size()) throw OpError("equation '" + equation + "' does not match the inputs");
  constexpr int kEllipsis = 256;
  size_t ellipsis_rank = 0;
  std::vector<std::string> collapsed;
  for (size_t i = 0; i < terms.size(); ++i) {
    collapsed.push_back(collapse_ellipsis(terms[i]));
    const size_t labels = collapsed[i].size() - (collapsed[i].find('.') != std::string::npos ? 1 : 0);
    if (in[i].shape().size() < labels) throw OpError("operand '" + terms[i] + "' does not fit its input");
    ellipsis_rank = std::max(ellipsis_rank, in[i].shape().size() - labels);
  }
  std::map<int, int64_t> dims;
  std::map<int, int> uses;
  std::vector<std::vector<int>> operand_labels;
  for (size_t i = 0; i < in.size(); ++i) {
    const Shape& shape = in[i].shape();
    std::vector<int> labels;
    const size_t own_ellipsis = shape.size() - (collapsed[i].size() - (collapsed[i].find('.') != std::string::npos ? 1 : 0));
    for (char c : collapsed[i]) {
      if (c == '.') {
        for (size_t e = 0; e < own_ellipsis; ++e) labels.push_back(kEllipsis + static_cast<int>(ellipsis_rank - own_ellipsis + e));
      } else {
        labels.push_back(static_cast<unsigned char>(c));
        ++uses[static_cast<unsigned char>(c)];
      }
    }
    for (size_t a = 0; a < labels.size(); ++a) dims[labels[a]] = std::max(dims[labels[a]], shape[a]);
    operand_labels.push_back(std::move(labels));
  }
  std::vector<int> output;
  const std::string out_term = arrow != std::string::npos ? collapse_ellipsis(equation.substr(arrow + 2)) : "";
  const bool implicit = arrow == std::string::npos;
  if (implicit || out_term.find('.') != std::string::npos) {
    // The ellipsis goes where the output puts it (first when implicit).
    const size_t at = implicit ? 0 : out_term.find('.');
    for (size_t p = 0; p < at; ++p) output.push_back(static_cast<unsigned char>(out_term[p]));
    for (size_t e = 0; e < ellipsis_rank; ++e) output.push_back(kEllipsis + static_cast<int>(e));
    if (implicit) {
      for (const auto& [c, n] : uses) if (n == 1) output.push_back(c);
    } else {
      for (size_t p = at + 1; p < out_term.size(); ++p) output.push_back(static_cast<unsigned char>(out_term[p]));
    }
  } else {
    for (char c : out_term) output.push_back(static_cast<unsigned char>(c));
  }
  std::vector<int> all = output;
  for (const auto& [label, d] : dims)
    if (std::find(all.begin(), all.end(), label) == all.end()) all.push_back(label);
  Shape out_shape;
  for (int label : output) out_shape.push_back(dims.at(label));
  std::vector<std::vector<double>> values;
  std::vector<std::vector<int64_t>> strides;
  for (const Tensor& t : in) {
    values.push_back(load_values<double>(t));
    strides.push_back(row_major_strides(t.shape()));
  }
  std::vector<double> out(element_count(out_shape), 0.0);
  std::map<int, int64_t> index;
  for (int label : all) index[label] = 0;
  const size_t out_count = out.size();
  int64_t total = 1;
  for (int label : all) total *= dims[label];
  for (int64_t step = 0; step < total; ++step) {
    int64_t rest = step;
    for (size_t a = all.size(); a-- > 0;) {
      index[all[a]] = rest % dims[all[a]];
      rest /= dims[all[a]];
    }
    double product = 1;
    for (size_t i = 0; i < in.size(); ++i) {
      int64_t offset = 0;
      const Shape& shape = in[i].shape();
      for (size_t a = 0; a < operand_labels[i].size(); ++a)
        if (shape[a] != 1) offset += index[operand_labels[i][a]] * strides[i][a];
      product *= values[i][static_cast<size_t>(offset)];
    }
    int64_t to = 0;
    for (int label : output) to = to * dims[label] + index[label];
    if (static_cast<size_t>(to) < out_count) out[static_cast<size_t>(to)] += product;
  }
  return {store_values(in[0].type(), out_shape, out)};
}

// DepthToSpace moves channel blocks into space (C / b^n, D1 * b, ...); SpaceToDepth the reverse.
void infer_depth_space(InferContext& ctx, bool to_space) {
  const PartialShape& data = ctx.input_shape(0);
  const int64_t b = ctx.attr<int64_t>("block_size");
  if (b < 1) ctx.fail("block_size must be positive, got " + std::to_string(b));
  if (!data.rank_known()) return ctx.set_output(0, ctx.input_type(0), data);
  if (data.rank() < 3) ctx.fail("data must have rank 3 or more, got " + shape_str(data));
  std::vector<int64_t> dims = data.dims();
  int64_t block = 1;
  for (size_t i = 2; i < dims.size(); ++i) block *= b;
  for (size_t i = 2; i < dims.size(); ++i) {
    if (dims[i] < 0) continue;
    if (!to_space && dims[i] % b != 0)
      ctx.fail("spatial dimension " + std::to_string(dims[i]) + " is not a multiple of block_size " + std::to_string(b));
    dims[i] = to_space ? dims[i] * b : dims[i] / b;
  }
  if (dims[1] >= 0) {
    if (to_space && dims[1] % block != 0)
      ctx.fail("channels " + std::to_string(dims[1]) + " are not a multiple of block_size^" +
               std::to_string(dims.size() - 2) + " = " + std::to_string(block));
    dims[1] = to_space ? dims[1] / block : dims[1] * block;
  }
  ctx.set_output(0, ctx.input_type(0), PartialShape(dims));
}

// For each element of the depth layout [N, C' * b^k, D1, ..., Dk] (blocks_first: channel = blocks
// then c'; depth_first: c' then blocks), its offset in the space layout [N, C', D1 * b, ...].
std::vector<Tensor> evaluate_depth_space(const Node& node, const std::vector<Tensor>& in, bool to_space) {
  const Shape& in_shape = in[0].shape();
  const int64_t b = node.attr<int64_t>("block_size");
  const bool blocks_first = node.attr<std::string>("mode") == "blocks_first";
  const size_t k = in_shape.size() - 2;
  int64_t block = 1;
  for (size_t i = 0; i < k; ++i) block *= b;
  Shape depth = in_shape, space = in_shape;
  if (to_space) {
    for (size_t i = 2; i < space.size(); ++i) space[i] *= b;
    space[1] /= block;
  } else {
    for (size_t i = 2; i < depth.size(); ++i) depth[i] /= b;
    depth[1] *= block;
  }
  const int64_t channels = space[1];
  const auto x = load_values<double>(in[0]);
  std::vector<double> out(x.size());
  const auto space_strides = row_major_strides(space);
  const size_t count = x.size();
  for (size_t i = 0; i < count; ++i) {
    // Coordinates in the depth layout.
    std::vector<int64_t> c(depth.size());
    size_t rest = i;
    for (size_t a = depth.size(); a-- > 0;) {
      c[a] = static_cast<int64_t>(rest % static_cast<size_t>(depth[a]));
      rest /= static_cast<size_t>(depth[a]);
    }
    const int64_t blocks = blocks_first ? c[1] / channels : c[1] % block;
    const int64_t channel = blocks_first ? c[1] % channels : c[1] / block;
    int64_t offset = c[0] * space_strides[0] + channel * space_strides[1];
    for (size_t a = 0; a < k; ++a) {
      int64_t divisor = 1;
      for (size_t j = a + 1; j < k; ++j) divisor *= b;
      const int64_t within = (blocks / divisor) % b;
      offset += (c[a + 2] * b + within) * space_strides[a + 2];
    }
    if (to_space) out[static_cast<size_t>(offset)] = x[i];
    else out[i] = x[static_cast<size_t>(offset)];
  }
  return {store_values(in[0].type(), to_space ? space : depth, out)};
}

void add_depth_space(OpRegistry& r, const std::string& type, bool to_space) {
  add_op(r, OpDef{
      .name = "opset1." + type, .ir_type = type, .ir_version = "opset1",
      .attrs = {default_attr("block_size", AttrKind::Int, int64_t{1}),
                required_attr("mode", AttrKind::String, {"blocks_first", "depth_first"})},
      .min_inputs = 1, .max_inputs = 1,
      .infer = [to_space](InferContext& ctx) { infer_depth_space(ctx, to_space); },
      .evaluate = [to_space](const Node& n, const std::vector<Tensor>& in) { return evaluate_depth_space(n, in, to_space); },
  });
}

}  // namespace

void register_index_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.OneHot", .ir_type = "OneHot", .ir_version = "opset1",
      .attrs = {required_attr("axis", AttrKind::Int)},
      .min_inputs = 4, .max_inputs = 4,
      .infer = infer_one_hot,
      .evaluate = evaluate_one_hot,
  });
  add_op(r, OpDef{
      .name = "opset3.CumSum", .ir_type = "CumSum", .ir_version = "opset3",
      .attrs = {default_attr("exclusive", AttrKind::Bool, false), default_attr("reverse", AttrKind::Bool, false)},
      .min_inputs = 1, .max_inputs = 2,
      .infer = infer_cumsum,
      .evaluate = evaluate_cumsum,
  });
  add_op(r, OpDef{
      .name = "opset1.ReverseSequence", .ir_type = "ReverseSequence", .ir_version = "opset1",
      .attrs = {default_attr("batch_axis", AttrKind::Int, int64_t{0}), default_attr("seq_axis", AttrKind::Int, int64_t{1})},
      .min_inputs = 2, .max_inputs = 2,
      .infer = infer_reverse_sequence,
      .evaluate = evaluate_reverse_sequence,
  });
  add_op(r, OpDef{
      .name = "opset7.Einsum", .ir_type = "Einsum", .ir_version = "opset7",
      .attrs = {required_attr("equation", AttrKind::String)},
      .min_inputs = 1, .max_inputs = SIZE_MAX,
      .infer = [](InferContext& ctx) {
        try {
          infer_einsum(ctx);
        } catch (const OpError& e) {
          ctx.fail(e.what());
        }
      },
      .evaluate = evaluate_einsum,
  });
  add_depth_space(r, "DepthToSpace", true);
  add_depth_space(r, "SpaceToDepth", false);
}

}  // namespace remo
