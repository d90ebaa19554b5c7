#pragma once
// Graph: owns nodes, keeps the consumer index up to date, and knows the model's ordered inputs
// (Parameter nodes) and outputs (Result nodes). One Graph type serves every conversion stage.
//
// Node ids are never reused: a removed node leaves a hole, so a stale id (held by a Lua handle, a
// worklist...) is detected by node() returning nullptr instead of pointing at another node.
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/graph/node.h"

namespace remo {

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Model-level facts a frontend records for the rules, e.g. "opset:ai.onnx" -> 13 (int), or
  // "framework" -> "onnx". Keys are namespaced by the frontend.
  Attributes meta;

  // Adds a node with `num_outputs` outputs of unknown type. Inputs must be outputs of live nodes
  // (or invalid Values for omitted optional inputs). Throws remo::Error otherwise.
  Node& add_node(std::string op, std::string name, std::vector<Value> inputs, Attributes attrs,
                 size_t num_outputs);

  // The node, or nullptr if the id was never used or the node was removed.
  Node* node(NodeId id);
  const Node* node(NodeId id) const;
  // The node; throws remo::Error if it does not exist.
  Node& at(NodeId id);
  const Node& at(NodeId id) const;
  const OutputInfo& output_info(Value v) const;

  // Rewires input `port` of `consumer` to `value`.
  void set_input(NodeId consumer, uint32_t port, Value value);
  // Appends one more input to `consumer` (for variadic ops built incrementally).
  void add_input(NodeId consumer, Value value);
  // Makes every consumer of `from` read `to` instead. Tensor names move along with the uses
  // when `move_names` is set, so the model's named tensors keep their names.
  void replace_uses(Value from, Value to, bool move_names = true);
  // Removes the node. It must have no consumers left; throws remo::Error otherwise.
  void remove_node(NodeId id);

  // Model inputs and outputs, in model order. Parameters are registered by add_node when the op
  // is "opset1.Parameter", Results when it is "opset1.Result".
  const std::vector<NodeId>& parameters() const { return parameters_; }
  const std::vector<NodeId>& results() const { return results_; }
  // Reorders or drops parameters (e.g. an initializer listed as a graph input).
  void set_parameters(std::vector<NodeId> ids) { parameters_ = std::move(ids); }

  // All live nodes in a topological order. Ties are broken by id, so the order is deterministic.
  // Throws remo::Error naming a node on a cycle if the graph has one.
  std::vector<NodeId> topological_order() const;
  // Removes nodes from which no Result can be reached (Parameters are kept), here and in the
  // bodies held by graph attributes. Returns the count.
  size_t remove_dead_nodes();

  size_t node_count() const { return live_count_; }
  // One past the largest id ever given out; ids below it may be holes.
  NodeId id_limit() const { return static_cast<NodeId>(nodes_.size()); }

  // Renames a node; the new name must not be used by another live node.
  void rename(NodeId id, const std::string& name);
  // A name not yet used by any node of this graph, based on `base`.
  std::string unique_name(const std::string& base);
  // Finds a live node by name (names are unique when made through unique_name).
  Node* find_node(const std::string& name);

 private:
  void attach(NodeId consumer, uint32_t port, Value value);
  void detach(NodeId consumer, uint32_t port, Value value);

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<NodeId> parameters_;
  std::vector<NodeId> results_;
  std::unordered_map<std::string, NodeId> by_name_;
  std::unordered_map<std::string, size_t> name_counters_;
  size_t live_count_ = 0;
};

}  // namespace remo
