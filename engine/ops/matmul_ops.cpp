// MatMul-1: batched matrix product with numpy-broadcast batch dimensions and optional transposes.
#include <utility>

#include "engine/ops/broadcast.h"
#include "engine/ops/index_walker.h"
#include "engine/ops/op_families.h"
#include "engine/ops/op_helpers.h"

namespace remo {
namespace {

// The operands as matrices: a 1-D A is a row [1, K], a 1-D B a column [K, 1] (their transpose
// flags are ignored); the extra axis is removed from the result again.
struct MatMulShapes {
  std::vector<int64_t> a, b;  // transposes applied
  bool a_vector, b_vector;
};

MatMulShapes as_matrices(std::vector<int64_t> a, std::vector<int64_t> b, bool ta, bool tb) {
  MatMulShapes m{std::move(a), std::move(b), false, false};
  if (m.a.size() == 1) {
    m.a.insert(m.a.begin(), 1);
    m.a_vector = true;
  } else if (ta) {
    std::swap(m.a[m.a.size() - 1], m.a[m.a.size() - 2]);
  }
  if (m.b.size() == 1) {
    m.b.push_back(1);
    m.b_vector = true;
  } else if (tb) {
    std::swap(m.b[m.b.size() - 1], m.b[m.b.size() - 2]);
  }
  return m;
}

PartialShape matmul_shape(const PartialShape& a, const PartialShape& b, bool ta, bool tb) {
  if ((a.rank_known() && a.rank() == 0) || (b.rank_known() && b.rank() == 0))
    throw OpError("inputs must not be scalars, got " + shape_str(a) + " and " + shape_str(b));
  if (!a.rank_known() || !b.rank_known()) return PartialShape::dynamic_rank();
  const MatMulShapes m = as_matrices(a.dims(), b.dims(), ta, tb);
  const int64_t k_a = m.a.back(), k_b = m.b[m.b.size() - 2];
  if (!merge_dim(k_a, k_b))
    throw OpError("inner dimensions do not match: A " + shape_str(a) + (ta ? " (transposed)" : "") + " has " +
                  std::to_string(k_a) + ", B " + shape_str(b) + (tb ? " (transposed)" : "") + " has " +
                  std::to_string(k_b));
  auto batch = broadcast_shapes(std::vector<int64_t>(m.a.begin(), m.a.end() - 2),
                                std::vector<int64_t>(m.b.begin(), m.b.end() - 2), BroadcastMode::numpy);
  if (!batch)
    throw OpError("batch dimensions of " + shape_str(a) + " and " + shape_str(b) + " are not broadcastable");
  std::vector<int64_t> dims = batch->dims();
  if (!m.a_vector) dims.push_back(m.a[m.a.size() - 2]);
  if (!m.b_vector) dims.push_back(m.b.back());
  return PartialShape(dims);
}

// C = A x B per broadcast batch. T is float for f32/f16/bf16 (as OpenVINO computes) and double otherwise.
template <typename T>
Tensor multiply(const Tensor& ta_tensor, const Tensor& tb_tensor, bool ta, bool tb) {
  const MatMulShapes m = as_matrices(ta_tensor.shape(), tb_tensor.shape(), ta, tb);
  const int64_t rows = m.a[m.a.size() - 2], inner = m.a.back(), cols = m.b.back();
  const Shape a_batch(m.a.begin(), m.a.end() - 2), b_batch(m.b.begin(), m.b.end() - 2);
  const Shape batch = *broadcast_shapes(a_batch, b_batch, BroadcastMode::numpy)->to_static();
  // Element strides of A's and B's stored (untransposed) layout.
  const int64_t a_row = ta && !m.a_vector ? 1 : inner, a_col = ta && !m.a_vector ? rows : 1;
  const int64_t b_row = tb && !m.b_vector ? 1 : cols, b_col = tb && !m.b_vector ? inner : 1;
  const std::vector<T> a = load_values<T>(ta_tensor), b = load_values<T>(tb_tensor);
  std::vector<int64_t> a_strides = broadcast_strides(a_batch, batch), b_strides = broadcast_strides(b_batch, batch);
  for (auto& s : a_strides) s *= rows * inner;
  for (auto& s : b_strides) s *= inner * cols;
  const size_t batches = element_count(batch);
  std::vector<T> c(batches * static_cast<size_t>(rows * cols), T(0));
  IndexWalker walk(batch, {a_strides, b_strides});
  for (size_t n = 0; n < batches; ++n, walk.next()) {
    const T* pa = a.data() + walk.offset(0);
    const T* pb = b.data() + walk.offset(1);
    T* pc = c.data() + n * static_cast<size_t>(rows * cols);
    for (int64_t i = 0; i < rows; ++i) {
      T* crow = pc + i * cols;
      if (b_col == 1) {  // rows of B are contiguous: accumulate scaled rows of B
        for (int64_t k = 0; k < inner; ++k) {
          const T av = pa[i * a_row + k * a_col];
          const T* brow = pb + k * b_row;
          for (int64_t j = 0; j < cols; ++j) crow[j] += av * brow[j];
        }
      } else {  // B transposed: columns of B are contiguous, so take dot products
        for (int64_t j = 0; j < cols; ++j) {
          T sum = 0;
          for (int64_t k = 0; k < inner; ++k) sum += pa[i * a_row + k * a_col] * pb[k * b_row + j * b_col];
          crow[j] = sum;
        }
      }
    }
  }
  return store_values(ta_tensor.type(), *matmul_shape(ta_tensor.shape(), tb_tensor.shape(), ta, tb).to_static(), c);
}

}  // namespace

void register_matmul_ops(OpRegistry& r) {
  add_op(r, OpDef{
      .name = "opset1.MatMul", .ir_type = "MatMul", .ir_version = "opset1",
      .attrs = {default_attr("transpose_a", AttrKind::Bool, false),
                default_attr("transpose_b", AttrKind::Bool, false)},
      .min_inputs = 2, .max_inputs = 2,
      .infer = [](InferContext& ctx) {
        ElementType type = merge_types(numeric_input_type(ctx, 0), numeric_input_type(ctx, 1), "A and B");
        ctx.set_output(0, type, matmul_shape(ctx.input_shape(0), ctx.input_shape(1),
                                             ctx.attr<bool>("transpose_a"), ctx.attr<bool>("transpose_b")));
      },
      .evaluate = [](const Node& n, const std::vector<Tensor>& in) {
        const bool ta = n.attr<bool>("transpose_a"), tb = n.attr<bool>("transpose_b");
        const ElementType t = in[0].type();
        if (t == ElementType::f32 || t == ElementType::f16 || t == ElementType::bf16)
          return std::vector<Tensor>{multiply<float>(in[0], in[1], ta, tb)};
        return std::vector<Tensor>{multiply<double>(in[0], in[1], ta, tb)};
      },
  });
}

}  // namespace remo
