#include "engine/graph/graph.h"

#include <algorithm>
#include <queue>

#include "engine/graph/error.h"

namespace remo {

Node& Graph::add_node(std::string op, std::string name, std::vector<Value> inputs,
                      Attributes attrs, size_t num_outputs) {
  auto node = std::make_unique<Node>();
  node->id_ = static_cast<NodeId>(nodes_.size());
  node->op_ = std::move(op);
  node->name = std::move(name);
  node->attrs = std::move(attrs);
  node->outputs.resize(num_outputs);
  node->uses_.resize(num_outputs);
  node->inputs_.resize(inputs.size());
  Node& ref = *node;
  nodes_.push_back(std::move(node));
  ++live_count_;
  for (uint32_t i = 0; i < inputs.size(); ++i) attach(ref.id_, i, inputs[i]);
  if (!ref.name.empty()) by_name_.emplace(ref.name, ref.id_);
  if (ref.op_ == "opset1.Parameter") parameters_.push_back(ref.id_);
  if (ref.op_ == "opset1.Result") results_.push_back(ref.id_);
  return ref;
}

Node* Graph::node(NodeId id) { return id < nodes_.size() ? nodes_[id].get() : nullptr; }
const Node* Graph::node(NodeId id) const { return id < nodes_.size() ? nodes_[id].get() : nullptr; }

Node& Graph::at(NodeId id) {
  Node* n = node(id);
  if (!n) throw Error("node #" + std::to_string(id) + " does not exist (removed by a rewrite?)");
  return *n;
}

const Node& Graph::at(NodeId id) const { return const_cast<Graph*>(this)->at(id); }

const OutputInfo& Graph::output_info(Value v) const {
  const Node& n = at(v.node);
  check(v.port < n.outputs.size(), "node '" + n.name + "' has no output " + std::to_string(v.port));
  return n.outputs[v.port];
}

void Graph::attach(NodeId consumer, uint32_t port, Value value) {
  Node& c = *nodes_[consumer];
  c.inputs_[port] = value;
  if (!value.valid()) return;
  Node* producer = node(value.node);
  if (!producer || value.port >= producer->outputs.size()) {
    c.inputs_[port] = Value{};
    throw Error("node '" + c.name + "' input " + std::to_string(port) +
                " refers to a missing node output");
  }
  producer->uses_[value.port].push_back(Use{consumer, port});
}

void Graph::detach(NodeId consumer, uint32_t port, Value value) {
  if (!value.valid()) return;
  Node* producer = node(value.node);
  if (!producer) return;
  auto& uses = producer->uses_[value.port];
  auto it = std::find(uses.begin(), uses.end(), Use{consumer, port});
  if (it != uses.end()) uses.erase(it);
}

void Graph::set_input(NodeId consumer, uint32_t port, Value value) {
  Node& c = at(consumer);
  check(port < c.inputs_.size(), "node '" + c.name + "' has no input " + std::to_string(port));
  detach(consumer, port, c.inputs_[port]);
  attach(consumer, port, value);
}

void Graph::add_input(NodeId consumer, Value value) {
  Node& c = at(consumer);
  c.inputs_.emplace_back();
  attach(consumer, static_cast<uint32_t>(c.inputs_.size() - 1), value);
}

void Graph::replace_uses(Value from, Value to, bool move_names) {
  if (from == to) return;
  Node& src = at(from.node);
  std::vector<Use> uses = src.uses_.at(from.port);
  for (const Use& u : uses) set_input(u.node, u.port, to);
  if (move_names && to.valid()) {
    auto& from_names = src.outputs[from.port].names;
    auto& to_names = at(to.node).outputs.at(to.port).names;
    to_names.insert(to_names.end(), from_names.begin(), from_names.end());
    std::sort(to_names.begin(), to_names.end());
    to_names.erase(std::unique(to_names.begin(), to_names.end()), to_names.end());
    from_names.clear();
  }
}

void Graph::remove_node(NodeId id) {
  Node& n = at(id);
  for (uint32_t p = 0; p < n.uses_.size(); ++p)
    check(n.uses_[p].empty(), "cannot remove node '" + n.name + "': output " + std::to_string(p) +
                                  " still has consumers");
  for (uint32_t i = 0; i < n.inputs_.size(); ++i) detach(id, i, n.inputs_[i]);
  auto it = by_name_.find(n.name);
  if (it != by_name_.end() && it->second == id) by_name_.erase(it);
  std::erase(parameters_, id);
  std::erase(results_, id);
  nodes_[id].reset();
  --live_count_;
}

std::vector<NodeId> Graph::topological_order() const {
  std::vector<uint32_t> pending(nodes_.size(), 0);
  std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
  for (const auto& n : nodes_) {
    if (!n) continue;
    for (const Value& v : n->inputs_) pending[n->id_] += v.valid();
    if (pending[n->id_] == 0) ready.push(n->id_);
  }
  std::vector<NodeId> order;
  order.reserve(live_count_);
  while (!ready.empty()) {
    NodeId id = ready.top();
    ready.pop();
    order.push_back(id);
    for (const auto& uses : nodes_[id]->uses_)
      for (const Use& u : uses)
        if (--pending[u.node] == 0) ready.push(u.node);
  }
  if (order.size() != live_count_) {
    for (const auto& n : nodes_)
      if (n && pending[n->id_] > 0)
        throw Error("the graph has a cycle through node '" + n->name + "' (" + n->op_ + ")");
  }
  return order;
}

size_t Graph::remove_dead_nodes() {
  std::vector<bool> live(nodes_.size(), false);
  std::vector<NodeId> stack(results_.begin(), results_.end());
  while (!stack.empty()) {
    NodeId id = stack.back();
    stack.pop_back();
    if (live[id]) continue;
    live[id] = true;
    for (const Value& v : nodes_[id]->inputs_)
      if (v.valid() && !live[v.node]) stack.push_back(v.node);
  }
  // Remove consumers before producers: walk a topological order backwards.
  size_t removed = 0;
  std::vector<NodeId> order = topological_order();
  for (NodeId p : parameters_) live[p] = true;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (live[*it]) continue;
    Node& n = *nodes_[*it];
    for (auto& uses : n.uses_) uses.clear();  // consumers are dead too and removed already
    remove_node(*it);
    ++removed;
  }
  // Bodies of sub-graph ops (If, Loop...) are cleaned too; their Parameters stay, as the op's
  // port map refers to them by position.
  for (const auto& n : nodes_) {
    if (!n) continue;
    for (auto& [key, value] : n->attrs)
      if (auto* body = std::get_if<GraphPtr>(&value); body && *body) removed += (*body)->remove_dead_nodes();
  }
  return removed;
}

std::string Graph::unique_name(const std::string& base) {
  std::string stem = base.empty() ? "node" : base;
  if (!by_name_.count(stem)) return stem;
  size_t& counter = name_counters_[stem];
  std::string candidate;
  do {
    candidate = stem + "_" + std::to_string(++counter);
  } while (by_name_.count(candidate));
  return candidate;
}

void Graph::rename(NodeId id, const std::string& name) {
  Node& n = at(id);
  if (n.name == name) return;
  Node* other = find_node(name);
  check(other == nullptr, "cannot rename node '" + n.name + "' to '" + name + "': the name is taken");
  auto it = by_name_.find(n.name);
  if (it != by_name_.end() && it->second == id) by_name_.erase(it);
  n.name = name;
  by_name_.emplace(name, id);
}

Node* Graph::find_node(const std::string& name) {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : node(it->second);
}

}  // namespace remo
