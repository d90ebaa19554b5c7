#pragma once
// How the sub-graph ops (opset8.If, opset5.Loop, opset1.TensorIterator) tie their bodies to their
// own inputs and outputs. The ties are kept as flat int-list attributes, one fixed-size record per
// tie, so they travel through make_op, Lua and the rule tests like any other attribute:
//
//   TensorIterator / Loop ("body"):
//     sliced_inputs   7 per input:  outer input, body parameter, axis, start, stride, part_size, end
//     invariant_inputs 2 per input: outer input, body parameter
//     merged_inputs   3 per input:  outer input, body parameter, body result fed back (back edge)
//     concat_outputs  7 per output: outer output, body result, axis, start, stride, part_size, end
//     last_outputs    2 per output: outer output, body result (its value after the last iteration)
//   Loop only:
//     current_iteration    body parameter that receives the iteration number, or -1
//     execution_condition  body result that decides whether to run another iteration
//   If ("then_body", "else_body"):
//     then_inputs / else_inputs    2 per input:  outer input, body parameter
//     then_outputs / else_outputs  2 per output: outer output, body result
//
// Body parameters and results are numbered by their position in Graph::parameters() / results().
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

struct SliceTie {
  int64_t outer = 0, inner = 0, axis = 0, start = 0, stride = 1, part_size = 1, end = -1;
};
struct PlainTie {
  int64_t outer = 0, inner = 0;
};
struct MergedTie {
  int64_t outer = 0, param = 0, result = 0;
};

struct LoopPorts {
  std::vector<SliceTie> sliced_inputs;
  std::vector<PlainTie> invariant_inputs;
  std::vector<MergedTie> merged_inputs;
  std::vector<SliceTie> concat_outputs;  // inner = body result
  std::vector<PlainTie> last_outputs;    // inner = body result
  int64_t current_iteration = -1;
  int64_t execution_condition = -1;
};

struct IfPorts {
  std::vector<PlainTie> then_inputs, else_inputs, then_outputs, else_outputs;
};

// Reads the records from a node's attributes; throws remo::Error naming the attribute when a
// list is not a whole number of records.
LoopPorts read_loop_ports(const Attributes& attrs);
IfPorts read_if_ports(const Attributes& attrs);
// The attributes that spell `ports` (Loop's two ints only when `with_loop_specials`).
void write_loop_ports(const LoopPorts& ports, Attributes& attrs, bool with_loop_specials);
void write_if_ports(const IfPorts& ports, Attributes& attrs);

// Sets body parameter `index` to `type`/`shape` and re-infers every node of the body, in
// topological order. An unset optional keeps the parameter as it is.
struct ParamBinding {
  ElementType type = ElementType::dynamic;
  PartialShape shape = PartialShape::dynamic_rank();
};
void infer_body(Graph& body, const std::vector<std::optional<ParamBinding>>& bindings);

// The least general shape that both shapes fit: equal dims kept, others dynamic; a rank
// mismatch gives a dynamic rank.
PartialShape merge_shapes(const PartialShape& a, const PartialShape& b);

}  // namespace remo
