// LSTMSequence-5, GRUSequence-5 and RNNSequence-5: a recurrent cell run over the sequence axis of
// X [batch, seq, input], forward, reverse or both ways, with per-batch sequence lengths.
// Weights are per direction: W [dirs, gates*hidden, input], R [dirs, gates*hidden, hidden],
// B [dirs, gates*hidden] (GRU with linear_before_reset: [dirs, 4*hidden]). Gate order is f,i,c,o
// for LSTM and z,r,h for GRU. Outputs: Y [batch, dirs, seq, hidden], then the last hidden state
// (and for LSTM the last cell state) [batch, dirs, hidden].
#include <algorithm>
#include <cmath>

#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

enum class Cell { lstm, gru, rnn };

struct CellInfo {
  Cell cell;
  size_t gates;          // blocks of hidden_size rows in W and R
  size_t states;         // initial state inputs (H, and C for LSTM)
  size_t activations;    // length of the activations attribute
};

CellInfo info(Cell cell) {
  switch (cell) {
    case Cell::lstm: return {cell, 4, 2, 3};
    case Cell::gru: return {cell, 3, 1, 2};
    case Cell::rnn: return {cell, 1, 1, 1};
  }
  return {cell, 1, 1, 1};
}

int64_t directions(const Node& n) { return n.attr<std::string>("direction") == "bidirectional" ? 2 : 1; }

// Merges `dim` into `into`, failing with a message naming both tensors.
void merge_into(int64_t& into, int64_t dim, const std::string& what) {
  auto merged = merge_dim(into, dim);
  if (!merged) throw OpError(what + ": " + std::to_string(dim) + " does not match " + std::to_string(into));
  into = *merged;
}

// A dimension that must equal a known value (-1 matches).
void check_dim(int64_t expected, int64_t dim, const std::string& what) {
  if (dim >= 0 && dim != expected)
    throw OpError(what + " is " + std::to_string(dim) + ", expected " + std::to_string(expected));
}

void check_rank(const PartialShape& s, size_t rank, const std::string& what) {
  if (s.rank_known() && s.rank() != rank)
    throw OpError(what + " must have rank " + std::to_string(rank) + ", got " + shape_str(s));
}

int64_t dim_or_dynamic(const PartialShape& s, size_t i) { return s.rank_known() ? s[i] : -1; }

void infer_sequence(InferContext& ctx, const CellInfo& c) {
  const Node& n = ctx.node();
  const int64_t hidden = ctx.attr<int64_t>("hidden_size");
  if (hidden <= 0) ctx.fail("hidden_size must be positive, got " + std::to_string(hidden));
  const auto& acts = ctx.attr<std::vector<std::string>>("activations");
  if (acts.size() != c.activations)
    ctx.fail("activations must list " + std::to_string(c.activations) + " functions, got " + std::to_string(acts.size()));
  for (const auto& a : acts)
    if (a != "sigmoid" && a != "tanh" && a != "relu") ctx.fail("activation '" + a + "' is not one of sigmoid, tanh, relu");
  if (ctx.attr<double>("clip") < 0) ctx.fail("clip must not be negative");
  const bool gru_lbr = c.cell == Cell::gru && ctx.attr<bool>("linear_before_reset");
  const int64_t dirs = directions(n);
  // Inputs: X, the states, sequence_lengths, W, R, B.
  const size_t seq_in = 1 + c.states, w_in = seq_in + 1, r_in = w_in + 1, b_in = r_in + 1;
  ElementType type = ctx.input_type(0);
  check_type(type, is_floating(type), "X", "a floating-point type");
  for (size_t i = 1; i <= b_in; ++i)
    if (i != seq_in) type = merge_types(type, ctx.input_type(i), "X and input " + std::to_string(i));
  const ElementType lt = ctx.input_type(seq_in);
  check_type(lt, lt != ElementType::boolean && !is_floating(lt), "sequence_lengths", "an integer type");

  const PartialShape& x = ctx.input_shape(0);
  check_rank(x, 3, "X");
  int64_t batch = dim_or_dynamic(x, 0), seq = dim_or_dynamic(x, 1), input = dim_or_dynamic(x, 2);
  for (size_t s = 1; s <= c.states; ++s) {
    const PartialShape& h = ctx.input_shape(s);
    check_rank(h, 3, "initial state " + std::to_string(s));
    if (!h.rank_known()) continue;
    merge_into(batch, h[0], "batch of initial state " + std::to_string(s));
    check_dim(dirs, h[1], "directions of initial state " + std::to_string(s));
    check_dim(hidden, h[2], "hidden size of initial state " + std::to_string(s));
  }
  const PartialShape& lens = ctx.input_shape(seq_in);
  check_rank(lens, 1, "sequence_lengths");
  if (lens.rank_known()) merge_into(batch, lens[0], "batch of sequence_lengths");
  const int64_t rows = hidden * static_cast<int64_t>(c.gates);
  const PartialShape &w = ctx.input_shape(w_in), &r = ctx.input_shape(r_in), &b = ctx.input_shape(b_in);
  check_rank(w, 3, "W");
  check_rank(r, 3, "R");
  check_rank(b, 2, "B");
  int64_t d = dirs;
  if (w.rank_known()) {
    merge_into(d, w[0], "directions of W");
    check_dim(rows, w[1], "rows of W (gates * hidden_size)");
    merge_into(input, w[2], "input size of W");
  }
  if (r.rank_known()) {
    merge_into(d, r[0], "directions of R");
    check_dim(rows, r[1], "rows of R (gates * hidden_size)");
    check_dim(hidden, r[2], "columns of R (hidden_size)");
  }
  if (b.rank_known()) {
    merge_into(d, b[0], "directions of B");
    check_dim(gru_lbr ? rows + hidden : rows, b[1],
               gru_lbr ? "length of B (4 * hidden_size with linear_before_reset)" : "length of B (gates * hidden_size)");
  }
  ctx.set_output(0, type, PartialShape({batch, dirs, seq, hidden}));
  for (size_t s = 0; s < c.states; ++s) ctx.set_output(1 + s, type, PartialShape({batch, dirs, hidden}));
}

double activate(const std::string& name, double v) {
  if (name == "sigmoid") return 1.0 / (1.0 + std::exp(-v));
  if (name == "tanh") return std::tanh(v);
  return std::max(v, 0.0);  // relu
}

// Runs the cell over every batch and direction; a reverse pass walks each sequence from its own
// last valid step. Steps past a sequence's length leave Y at zero and the state unchanged.
std::vector<Tensor> evaluate_sequence(const Node& n, const std::vector<Tensor>& in, const CellInfo& c) {
  const size_t seq_in = 1 + c.states;
  const Tensor& xt = in[0];
  const int64_t batch = xt.shape()[0], seq = xt.shape()[1], input = xt.shape()[2];
  const int64_t hidden = n.attr<int64_t>("hidden_size"), dirs = directions(n);
  const auto& acts = n.attr<std::vector<std::string>>("activations");
  const double clip = n.attr<double>("clip");
  const bool lbr = c.cell == Cell::gru && n.attr<bool>("linear_before_reset");
  const std::string& direction = n.attr<std::string>("direction");
  const std::vector<double> x = load_values<double>(xt), w = load_values<double>(in[seq_in + 1]),
                            r = load_values<double>(in[seq_in + 2]), bias = load_values<double>(in[seq_in + 3]);
  const std::vector<int64_t> lens = [&] {
    std::vector<int64_t> l(static_cast<size_t>(batch));
    for (int64_t i = 0; i < batch; ++i) l[i] = read_as_int64(in[seq_in].type(), in[seq_in].bytes(), i);
    return l;
  }();
  const int64_t G = static_cast<int64_t>(c.gates), H = hidden;
  const int64_t b_len = lbr ? (G + 1) * H : G * H;
  std::vector<double> y(static_cast<size_t>(batch * dirs * seq * H), 0.0);
  std::vector<std::vector<double>> state(c.states);
  for (size_t s = 0; s < c.states; ++s) state[s] = load_values<double>(in[1 + s]);  // [batch, dirs, H]
  auto clipped = [&](double v) { return clip > 0 ? std::clamp(v, -clip, clip) : v; };
  std::vector<double> gx(G * H), gh(G * H);
  for (int64_t d = 0; d < dirs; ++d) {
    const bool reverse = direction == "reverse" || (direction == "bidirectional" && d == 1);
    const double* W = w.data() + d * G * H * input;
    const double* R = r.data() + d * G * H * H;
    const double* B = bias.data() + d * b_len;
    for (int64_t bi = 0; bi < batch; ++bi) {
      const int64_t len = std::clamp<int64_t>(lens[bi], 0, seq);
      double* h = state[0].data() + (bi * dirs + d) * H;
      double* cs = c.states > 1 ? state[1].data() + (bi * dirs + d) * H : nullptr;
      for (int64_t step = 0; step < len; ++step) {
        const int64_t t = reverse ? len - 1 - step : step;
        const double* xv = x.data() + (bi * seq + t) * input;
        for (int64_t g = 0; g < G * H; ++g) {
          double ax = 0, ah = 0;
          for (int64_t k = 0; k < input; ++k) ax += W[g * input + k] * xv[k];
          for (int64_t k = 0; k < H; ++k) ah += R[g * H + k] * h[k];
          gx[g] = ax;
          gh[g] = ah;
        }
        std::vector<double> next(H), reset(c.cell == Cell::gru ? H : 0);
        for (size_t j = 0; j < reset.size(); ++j)
          reset[j] = activate(acts[0], clipped(gx[H + j] + gh[H + j] + B[H + j]));
        for (int64_t j = 0; j < H; ++j) {
          if (c.cell == Cell::rnn) {
            next[j] = activate(acts[0], clipped(gx[j] + gh[j] + B[j]));
          } else if (c.cell == Cell::lstm) {
            const double f = activate(acts[0], clipped(gx[j] + gh[j] + B[j]));
            const double i = activate(acts[0], clipped(gx[H + j] + gh[H + j] + B[H + j]));
            const double cand = activate(acts[1], clipped(gx[2 * H + j] + gh[2 * H + j] + B[2 * H + j]));
            const double o = activate(acts[0], clipped(gx[3 * H + j] + gh[3 * H + j] + B[3 * H + j]));
            cs[j] = f * cs[j] + i * cand;
            next[j] = o * activate(acts[2], cs[j]);
          } else {
            const double z = activate(acts[0], clipped(gx[j] + gh[j] + B[j]));
            const double rg = reset[j];
            double pre;
            if (lbr) {
              pre = gx[2 * H + j] + B[2 * H + j] + rg * (gh[2 * H + j] + B[3 * H + j]);
            } else {
              double rh = 0;  // (r * h) R_h^T
              for (int64_t k = 0; k < H; ++k) rh += R[(2 * H + j) * H + k] * reset[k] * h[k];
              pre = gx[2 * H + j] + rh + B[2 * H + j];
            }
            const double cand = activate(acts[1], clipped(pre));
            next[j] = (1 - z) * cand + z * h[j];
          }
        }
        std::copy(next.begin(), next.end(), h);
        std::copy(next.begin(), next.end(), y.begin() + ((bi * dirs + d) * seq + t) * H);
      }
    }
  }
  std::vector<Tensor> out{store_values(xt.type(), {batch, dirs, seq, H}, y)};
  for (size_t s = 0; s < c.states; ++s) out.push_back(store_values(xt.type(), {batch, dirs, H}, state[s]));
  return out;
}

OpDef sequence_def(const std::string& name, Cell cell, std::vector<std::string> default_acts) {
  const CellInfo c = info(cell);
  std::vector<AttrSpec> attrs{
      required_attr("hidden_size", AttrKind::Int),
      default_attr("activations", AttrKind::Strings, std::move(default_acts)),
      default_attr("activations_alpha", AttrKind::Floats, std::vector<double>{}),
      default_attr("activations_beta", AttrKind::Floats, std::vector<double>{}),
      default_attr("clip", AttrKind::Float, 0.0),
      required_attr("direction", AttrKind::String, {"forward", "reverse", "bidirectional"}),
  };
  if (cell == Cell::gru) attrs.push_back(default_attr("linear_before_reset", AttrKind::Bool, false));
  const size_t inputs = 1 + c.states + 4;
  return OpDef{
      .name = "opset5." + name, .ir_type = name, .ir_version = "opset5",
      .attrs = std::move(attrs),
      .min_inputs = inputs, .max_inputs = inputs,
      .output_count = [c](const Attributes&) { return 1 + c.states; },
      .infer = [c](InferContext& ctx) { infer_sequence(ctx, c); },
      .evaluate = [c](const Node& n, const std::vector<Tensor>& in) { return evaluate_sequence(n, in, c); },
  };
}

}  // namespace

void register_recurrent_ops(OpRegistry& r) {
  add_op(r, sequence_def("LSTMSequence", Cell::lstm, {"sigmoid", "tanh", "tanh"}));
  add_op(r, sequence_def("GRUSequence", Cell::gru, {"sigmoid", "tanh"}));
  add_op(r, sequence_def("RNNSequence", Cell::rnn, {"tanh"}));
}

}  // namespace remo
