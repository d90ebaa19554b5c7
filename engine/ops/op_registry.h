#pragma once
// The OpenVINO opset as remo knows it: for each op its qualified name ("opset1.Convolution"), the
// type and version written to the IR, its attribute schema (in the order the IR writer writes
// them), its input arity, shape/type inference and, where constant folding needs one, a reference
// evaluator.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph/graph.h"

namespace remo {

enum class AttrKind { Bool, Int, Float, String, Ints, Floats, Strings, Type, Tensor, Graph };

struct AttrSpec {
  std::string name;
  AttrKind kind;
  std::optional<AttrValue> default_value;  // nullopt: the attribute is required
  std::vector<std::string> choices;        // allowed values of an enum-like String attribute
};

class InferContext;
class CustomOpRegistry;

struct OpDef {
  std::string name;        // qualified name used inside remo: "opset1.Convolution"
  std::string ir_type;     // type written to the IR: "Convolution" ("Const" for Constant)
  std::string ir_version;  // version written to the IR: "opset1"
  std::vector<AttrSpec> attrs;
  size_t min_inputs = 0;
  size_t max_inputs = 0;
  // Number of outputs for the given (defaults-filled) attributes.
  std::function<size_t(const Attributes&)> output_count = [](const Attributes&) { return 1; };
  // For the few ops whose output count depends on an input instead (VariadicSplit: the length of
  // split_lengths). When set, make_op uses it rather than output_count; it throws remo::Error when
  // the count cannot be determined.
  std::function<size_t(const Graph&, const std::vector<Value>& inputs, const Attributes&)>
      output_count_from_inputs;
  // Sets every output's type and shape from the inputs; throws through ctx.fail() on bad input.
  std::function<void(InferContext&)> infer;
  // Computes the outputs from static inputs (same order as the node's inputs; an omitted optional
  // input is an empty Tensor). Empty when the op is never constant-folded.
  std::function<std::vector<Tensor>(const Node&, const std::vector<Tensor>&)> evaluate;
  // Inputs 0 and 1 may be swapped without changing the result; pattern rules match both orders.
  bool commutative = false;
  // Custom ops (engine/ops/custom_ops.h): attributes are kept as given instead of being checked
  // against `attrs`, and the IR writer writes every one of them.
  bool free_attrs = false;
  // Sub-graph ops (If, Loop, TensorIterator): the attributes hold bodies and port maps, which the
  // IR writer spells as <body>/<port_map>/<back_edges> elements instead of <data>
  // (engine/ir/ir_body_writer.cpp).
  bool has_bodies = false;
};

class OpRegistry {
 public:
  static const OpRegistry& instance();
  // The op, or nullptr if `name` is not an opset op known to remo.
  const OpDef* find(std::string_view name) const;
  const std::vector<OpDef>& all() const { return ops_; }
  void add(OpDef def);

 private:
  std::vector<OpDef> ops_;
};

// What shape inference sees of a node being created.
class InferContext {
 public:
  InferContext(const Graph& graph, Node& node) : graph_(graph), node_(node) {}
  const Node& node() const { return node_; }
  size_t input_count() const { return node_.inputs().size(); }
  // False for an omitted optional input.
  bool has_input(size_t i) const { return node_.input(i).valid(); }
  ElementType input_type(size_t i) const { return graph_.output_info(node_.input(i)).type; }
  const PartialShape& input_shape(size_t i) const { return graph_.output_info(node_.input(i)).shape; }
  // The input's value when it is known at conversion time (a Constant, or a foldable
  // sub-graph such as ShapeOf of a static shape); nullopt otherwise.
  std::optional<Tensor> input_constant(size_t i) const;
  template <typename T>
  const T& attr(const std::string& key) const { return node_.attr<T>(key); }
  void set_output(size_t i, ElementType type, PartialShape shape);
  // Throws remo::Error("node 'NAME' (OP): message").
  [[noreturn]] void fail(const std::string& message) const;

 private:
  const Graph& graph_;
  Node& node_;
};

// Creates an opset node: checks that the op exists, fills defaults, validates attribute kinds,
// enum choices and the input count, then infers output types and shapes. Throws remo::Error
// naming the node on any violation; the graph is left unchanged in that case. Ops that are not
// in the opset are looked up in `custom` (a rule set's custom ops) when given.
Node& make_op(Graph& graph, const std::string& op, std::vector<Value> inputs, Attributes attrs,
              const std::string& name, const CustomOpRegistry* custom = nullptr);
// Re-runs inference of an existing opset (or, with `custom`, custom) node after its inputs changed.
void infer_node(Graph& graph, Node& node, const CustomOpRegistry* custom = nullptr);
// The value of `v` if it can be computed at conversion time, by evaluating Constants and
// foldable producers; nullopt otherwise.
std::optional<Tensor> try_fold(const Graph& graph, Value v);

}  // namespace remo
