#include "frontends/tensorflow/tf_control_flow_v1.h"

#include <algorithm>
#include <deque>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_node_ref.h"

namespace remo::tf_import {
namespace {

using Ref = NodeRef;
Ref parse_ref(const std::string& text) { return parse_node_ref(text); }
std::string ref_text(const std::string& node, int port) { return node_ref_text(node, port); }

std::string label(const tensorflow::NodeDef& n) { return "node '" + n.name() + "' (tf." + n.op() + ")"; }

// A node's data inputs and control inputs, parsed.
std::vector<Ref> refs_of(const tensorflow::NodeDef& n) {
  std::vector<Ref> refs;
  for (const std::string& in : n.input()) refs.push_back(parse_ref(in));
  return refs;
}

// Names and consumers of one GraphDef level.
class Index {
 public:
  explicit Index(const tensorflow::GraphDef& def) : def_(def) {
    for (int i = 0; i < def.node_size(); ++i) names_.emplace(def.node(i).name(), i);
    consumers_.resize(static_cast<size_t>(def.node_size()));
    for (int i = 0; i < def.node_size(); ++i)
      for (const Ref& r : refs_of(def.node(i)))
        if (auto it = names_.find(r.node); it != names_.end())
          consumers_[static_cast<size_t>(it->second)].push_back({i, r});
  }
  int find(const std::string& name) const {
    auto it = names_.find(name);
    return it == names_.end() ? -1 : it->second;
  }
  int at(const std::string& name, const tensorflow::NodeDef& reader) const {
    int i = find(name);
    if (i < 0) throw Error(label(reader) + ": input '" + name + "' names no node of the graph");
    return i;
  }
  const tensorflow::NodeDef& node(int i) const { return def_.node(i); }
  struct Use {
    int consumer;
    Ref ref;
  };
  const std::vector<Use>& consumers(int i) const { return consumers_[static_cast<size_t>(i)]; }
  std::string unique(const std::string& base) const {
    std::string name = base;
    for (int k = 1; names_.count(name) || taken_.count(name); ++k) name = base + "_" + std::to_string(k);
    taken_.insert(name);
    return name;
  }

 private:
  const tensorflow::GraphDef& def_;
  std::unordered_map<std::string, int> names_;
  std::vector<std::vector<Use>> consumers_;
  mutable std::unordered_set<std::string> taken_;
};

std::string attr_string(const tensorflow::NodeDef& n, const std::string& key) {
  auto it = n.attr().find(key);
  return it == n.attr().end() ? std::string() : it->second.s();
}

bool attr_bool(const tensorflow::NodeDef& n, const std::string& key) {
  auto it = n.attr().find(key);
  return it != n.attr().end() && it->second.b();
}

// ---------------------------------------------------------------------------------------------
// While frames.

struct LoopVar {
  int enter = -1, merge = -1, next = -1, sw = -1, exit = -1;
};

class FrameCollapser {
 public:
  FrameCollapser(tensorflow::GraphDef& def, std::vector<WhileFrameBody>& frames) : def_(def), frames_(frames) {}

  // Collapses one innermost frame; false when no Enter is left.
  bool collapse_one() {
    Index index(def_);
    std::vector<std::string> order;
    std::map<std::string, std::vector<int>> enters;
    for (int i = 0; i < def_.node_size(); ++i) {
      const auto& n = def_.node(i);
      if (n.op() != "Enter" && n.op() != "RefEnter") continue;
      std::string frame = attr_string(n, "frame_name");
      if (frame.empty()) throw Error(label(n) + ": an Enter needs a frame_name");
      if (!enters.count(frame)) order.push_back(frame);
      enters[frame].push_back(i);
    }
    if (order.empty()) return false;
    for (const std::string& frame : order) {
      std::set<int> members = frame_members(index, enters[frame]);
      bool innermost = std::none_of(members.begin(), members.end(), [&](int m) {
        const auto& n = def_.node(m);
        return (n.op() == "Enter" || n.op() == "RefEnter") && attr_string(n, "frame_name") != frame;
      });
      if (innermost) {
        collapse(index, frame, enters[frame], members);
        return true;
      }
    }
    throw Error("while frames '" + order.front() + "'... enter each other: no frame is innermost");
  }

 private:
  // Every node reached from the frame's Enters through data and control edges, stopping at Exits.
  std::set<int> frame_members(const Index& index, const std::vector<int>& enters) {
    std::set<int> seen(enters.begin(), enters.end());
    std::deque<int> work(enters.begin(), enters.end());
    while (!work.empty()) {
      int i = work.front();
      work.pop_front();
      const std::string& op = def_.node(i).op();
      if (op == "Exit" || op == "RefExit") continue;
      for (const auto& use : index.consumers(i))
        if (seen.insert(use.consumer).second) work.push_back(use.consumer);
    }
    return seen;
  }

  LoopVar loop_var(const Index& index, int enter, const std::string& frame) {
    LoopVar v;
    v.enter = enter;
    const auto& e = def_.node(enter);
    for (const auto& use : index.consumers(enter))
      if (!use.ref.control && (index.node(use.consumer).op() == "Merge" || index.node(use.consumer).op() == "RefMerge")) {
        if (v.merge >= 0) throw Error(label(e) + ": a loop variable's Enter feeds two Merges");
        v.merge = use.consumer;
      }
    if (v.merge < 0) throw Error(label(e) + ": the loop variable of frame '" + frame + "' reaches no Merge");
    const auto& m = def_.node(v.merge);
    for (const Ref& r : refs_of(m)) {
      if (r.control) continue;
      int p = index.at(r.node, m);
      if (p == enter) continue;
      if (index.node(p).op() != "NextIteration" && index.node(p).op() != "RefNextIteration")
        throw Error(label(m) + ": a loop Merge reads its Enter and a NextIteration, not '" + r.node + "'");
      v.next = p;
    }
    if (v.next < 0) throw Error(label(m) + ": the loop Merge has no NextIteration input");
    for (const auto& use : index.consumers(v.merge)) {
      if (use.ref.control) continue;
      if (use.ref.port != 0) throw Error(label(index.node(use.consumer)) + ": reads the value_index output of a loop Merge");
      const auto& c = index.node(use.consumer);
      if ((c.op() == "Switch" || c.op() == "RefSwitch") && parse_ref(c.input(0)).node == m.name()) {
        if (v.sw >= 0) throw Error(label(m) + ": a loop Merge feeds two loop Switches");
        v.sw = use.consumer;
      }
    }
    if (v.sw < 0) throw Error(label(m) + ": the loop Merge feeds no Switch");
    for (const auto& use : index.consumers(v.sw))
      if (!use.ref.control && use.ref.port == 0) {
        const auto& c = index.node(use.consumer);
        if (c.op() != "Exit" && c.op() != "RefExit")
          throw Error(label(c) + ": reads the loop-exit output of Switch '" + def_.node(v.sw).name() + "'; only an Exit may");
        if (v.exit >= 0) throw Error(label(c) + ": a second Exit of the same loop variable");
        v.exit = use.consumer;
      }
    return v;
  }

  void collapse(const Index& index, const std::string& frame, const std::vector<int>& enters,
                const std::set<int>& members) {
    std::vector<LoopVar> vars;
    std::vector<int> invariants;
    for (int e : enters) {
      if (attr_bool(def_.node(e), "is_constant")) invariants.push_back(e);
      else vars.push_back(loop_var(index, e, frame));
    }
    if (vars.empty()) throw Error("while frame '" + frame + "' has no loop variable");
    const int loop_cond = index.at(parse_ref(def_.node(vars[0].sw).input(1)).node, def_.node(vars[0].sw));
    if (def_.node(loop_cond).op() != "LoopCond")
      throw Error(label(def_.node(vars[0].sw)) + ": the loop Switch's predicate is not a LoopCond");
    for (const LoopVar& v : vars)
      if (parse_ref(def_.node(v.sw).input(1)).node != def_.node(loop_cond).name())
        throw Error(label(def_.node(v.sw)) + ": the loop Switches of frame '" + frame + "' disagree on the LoopCond");

    // What each removed node stands for inside the body.
    std::unordered_map<std::string, int> role;  // name -> 1 removed, 2 var merge, 3 switch
    std::unordered_map<std::string, std::string> switch_to_merge;
    for (const LoopVar& v : vars) {
      role[def_.node(v.enter).name()] = 1;
      role[def_.node(v.next).name()] = 1;
      role[def_.node(v.merge).name()] = 2;
      role[def_.node(v.sw).name()] = 3;
      switch_to_merge[def_.node(v.sw).name()] = def_.node(v.merge).name();
      if (v.exit >= 0) role[def_.node(v.exit).name()] = 1;
    }
    role[def_.node(loop_cond).name()] = 1;
    std::unordered_set<std::string> invariant_names;
    for (int e : invariants) invariant_names.insert(def_.node(e).name());
    std::unordered_set<std::string> member_names;
    for (int m : members) member_names.insert(def_.node(m).name());

    // A body node's input, as the body reads it ("" to drop a control input).
    auto body_ref = [&](const std::string& text, const tensorflow::NodeDef& reader) -> std::string {
      Ref r = parse_ref(text);
      if (!member_names.count(r.node)) {
        if (r.control) return "";
        throw Error(label(reader) + ": reads '" + text + "' from outside while frame '" + frame + "' without an Enter");
      }
      auto it = role.find(r.node);
      if (it == role.end()) return text;
      if (it->second == 2) {
        if (!r.control && r.port != 0) throw Error(label(reader) + ": reads the value_index output of a loop Merge");
        return text;
      }
      if (it->second == 3) {
        if (r.control) return "^" + switch_to_merge[r.node];
        if (r.port != 1) throw Error(label(reader) + ": reads the exit side of loop Switch '" + r.node + "'");
        return switch_to_merge[r.node];
      }
      if (r.control) return "";
      throw Error(label(reader) + ": reads '" + text + "', which is part of while frame '" + frame + "'s machinery");
    };

    WhileFrameBody out;
    out.variables = vars.size();
    auto add_placeholder = [&](const tensorflow::NodeDef& like) {
      tensorflow::NodeDef* p = out.body.add_node();
      p->set_name(like.name());
      p->set_op("Placeholder");
      auto t = like.attr().find("T");
      if (t == like.attr().end()) throw Error(label(like) + ": has no attribute T");
      (*p->mutable_attr())["dtype"] = t->second;  // a resource handle's type is decided by the rules
    };
    for (const LoopVar& v : vars) add_placeholder(def_.node(v.merge));
    for (int e : invariants) {
      add_placeholder(def_.node(e));
      out.invariants.push_back(def_.node(e).name());
    }
    for (int m : members) {
      const auto& n = def_.node(m);
      if (role.count(n.name()) || invariant_names.count(n.name())) continue;
      tensorflow::NodeDef* copy = out.body.add_node();
      *copy = n;
      copy->clear_input();
      for (const std::string& in : n.input()) {
        std::string r = body_ref(in, n);
        if (!r.empty()) copy->add_input(r);
      }
    }

    // The condition's nodes: what LoopCond's input needs, back to the variables and invariants.
    const tensorflow::NodeDef& lc = def_.node(loop_cond);
    std::vector<int> cond_nodes;  // in file order
    {
      std::set<int> seen;
      std::deque<std::string> work{parse_ref(lc.input(0)).node};
      while (!work.empty()) {
        std::string name = work.front();
        work.pop_front();
        int i = index.at(name, lc);
        auto it = role.find(name);
        if ((it != role.end() && it->second == 2) || invariant_names.count(name)) continue;
        if (it != role.end() || !member_names.count(name))
          throw Error(label(lc) + ": the loop condition reads '" + name + "', which it cannot");
        if (!seen.insert(i).second) continue;
        for (const Ref& r : refs_of(def_.node(i)))
          if (!r.control) work.push_back(r.node);
      }
      cond_nodes.assign(seen.begin(), seen.end());
    }
    std::unordered_map<std::string, std::string> next_names, initial_names;
    std::unordered_set<std::string> body_names;
    for (const auto& n : out.body.node()) body_names.insert(n.name());
    Index outer_names(def_);
    for (int c : cond_nodes) {
      std::string base = def_.node(c).name();
      std::string next = base + "/remo_next";
      for (int k = 1; body_names.count(next); ++k) next = base + "/remo_next_" + std::to_string(k);
      body_names.insert(next);
      next_names[base] = next;
      initial_names[base] = outer_names.unique(base + "/remo_initial");
    }
    std::unordered_map<std::string, std::string> merge_to_next, merge_to_initial, invariant_to_outer;
    for (const LoopVar& v : vars) {
      const auto& m = def_.node(v.merge);
      merge_to_next[m.name()] = body_ref(def_.node(v.next).input(0), def_.node(v.next));
      merge_to_initial[m.name()] = def_.node(v.enter).input(0);
    }
    for (int e : invariants) invariant_to_outer[def_.node(e).name()] = def_.node(e).input(0);

    // Clones the condition with its variables read from `vars_to` and invariants from `inv_to`.
    auto clone_cond = [&](const std::unordered_map<std::string, std::string>& names,
                          const std::unordered_map<std::string, std::string>& vars_to,
                          const std::unordered_map<std::string, std::string>* inv_to,
                          google::protobuf::RepeatedPtrField<tensorflow::NodeDef>& into) {
      auto map_ref = [&](const std::string& text) -> std::string {
        Ref r = parse_ref(text);
        if (r.control) {
          // Keeps a cloned constant ordered after what it stood in the frame of, so an outer frame
          // still reaches it from its Enters; "" drops it.
          std::string to;
          if (auto it = vars_to.find(r.node); it != vars_to.end()) to = it->second;
          else if (auto iv = inv_to ? inv_to->find(r.node) : vars_to.end(); inv_to && iv != inv_to->end()) to = iv->second;
          else if (auto in = names.find(r.node); in != names.end()) to = in->second;
          return to.empty() || !inv_to ? std::string() : "^" + parse_ref(to).node;
        }
        if (auto it = vars_to.find(r.node); it != vars_to.end()) return it->second;
        if (inv_to) {
          if (auto it = inv_to->find(r.node); it != inv_to->end()) return it->second;
        }
        if (auto it = names.find(r.node); it != names.end()) return ref_text(it->second, r.port);
        return text;
      };
      for (int c : cond_nodes) {
        const auto& n = def_.node(c);
        tensorflow::NodeDef* copy = into.Add();
        *copy = n;
        copy->set_name(names.at(n.name()));
        copy->clear_input();
        for (const std::string& in : n.input()) {
          std::string r = map_ref(in);
          if (!r.empty()) copy->add_input(r);
        }
      }
      return map_ref(lc.input(0));
    };

    for (const LoopVar& v : vars) out.results.push_back(merge_to_next[def_.node(v.merge).name()]);
    out.results.push_back(clone_cond(next_names, merge_to_next, nullptr, *out.body.mutable_node()));

    // The enclosing graph: the frame's nodes go, the loop node and the initial condition come.
    google::protobuf::RepeatedPtrField<tensorflow::NodeDef> extra;
    const std::string initial = clone_cond(initial_names, merge_to_initial, &invariant_to_outer, extra);
    std::string loop_name = frame;
    const std::string suffix = "/while_context";
    if (loop_name.size() > suffix.size() && loop_name.compare(loop_name.size() - suffix.size(), suffix.size(), suffix) == 0)
      loop_name.resize(loop_name.size() - suffix.size());
    loop_name = outer_names.unique(loop_name);
    tensorflow::NodeDef* loop = extra.Add();
    loop->set_name(loop_name);
    loop->set_op(kWhileFrameOp);
    loop->add_input(initial);
    for (const LoopVar& v : vars) loop->add_input(def_.node(v.enter).input(0));
    for (int e : invariants) loop->add_input(def_.node(e).input(0));
    (*loop->mutable_attr())[kWhileFrameAttr].set_i(static_cast<int64_t>(frames_.size()));

    std::unordered_map<int, int> exit_var;
    for (size_t k = 0; k < vars.size(); ++k)
      if (vars[k].exit >= 0) exit_var[vars[k].exit] = static_cast<int>(k);
    google::protobuf::RepeatedPtrField<tensorflow::NodeDef> kept;
    for (int i = 0; i < def_.node_size(); ++i) {
      if (auto it = exit_var.find(i); it != exit_var.end()) {
        tensorflow::NodeDef* x = kept.Add();
        *x = def_.node(i);
        x->set_op("Identity");
        x->clear_input();
        x->add_input(ref_text(loop_name, it->second));
        auto t = x->attr().find("T");
        tensorflow::AttrValue type = t == x->attr().end() ? tensorflow::AttrValue() : t->second;
        x->clear_attr();
        if (type.value_case() != tensorflow::AttrValue::VALUE_NOT_SET) (*x->mutable_attr())["T"] = type;
        continue;
      }
      if (members.count(i)) continue;
      kept.Add()->Swap(def_.mutable_node(i));
    }
    for (auto& n : extra) kept.Add()->Swap(&n);
    def_.mutable_node()->Swap(&kept);
    frames_.push_back(std::move(out));
  }

  tensorflow::GraphDef& def_;
  std::vector<WhileFrameBody>& frames_;
};

// ---------------------------------------------------------------------------------------------
// Conds: Merge -> SelectV2.

struct Branch {
  std::string key;   // the predicate, resolved through Identity nodes
  std::string pred;  // the Switch's predicate input as written
  int branch = 0;    // 0: the false side (Switch:0), 1: the true side
};
using Context = std::vector<Branch>;

void drop_unread_cond_pivots(tensorflow::GraphDef& def);

void lower_conds(tensorflow::GraphDef& def, std::vector<WhileFrameBody>& frames) {
  bool any = std::any_of(def.node().begin(), def.node().end(),
                         [](const tensorflow::NodeDef& n) { return n.op() == "Merge" || n.op() == "RefMerge"; });
  if (!any) return;
  Index index(def);
  const int count = def.node_size();
  // Kahn's order over data and control edges.
  std::vector<int> pending(static_cast<size_t>(count), 0);
  std::vector<std::vector<Ref>> refs(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    refs[static_cast<size_t>(i)] = refs_of(def.node(i));
    for (const Ref& r : refs[static_cast<size_t>(i)]) {
      index.at(r.node, def.node(i));
      ++pending[static_cast<size_t>(i)];
    }
  }
  std::deque<int> ready;
  for (int i = 0; i < count; ++i)
    if (pending[static_cast<size_t>(i)] == 0) ready.push_back(i);
  std::vector<Context> base(static_cast<size_t>(count));
  std::vector<char> done(static_cast<size_t>(count), 0);
  auto resolve = [&](std::string name) {
    for (int guard = 0; guard < count; ++guard) {
      int i = index.find(name);
      if (i < 0 || def.node(i).op() != "Identity" || def.node(i).input_size() == 0) break;
      Ref r = parse_ref(def.node(i).input(0));
      if (r.control || r.port != 0) break;
      name = r.node;
    }
    return name;
  };
  auto context_of = [&](const Ref& r) {
    int p = index.find(r.node);
    Context c = base[static_cast<size_t>(p)];
    const auto& n = def.node(p);
    if ((n.op() == "Switch" || n.op() == "RefSwitch") && !r.control) {
      Ref pred = parse_ref(n.input(1));
      c.push_back({resolve(pred.node) + ":" + std::to_string(pred.port), n.input(1), r.port});
    }
    return c;
  };
  struct Rewrite {
    std::string pred, when_true, when_false;
    Context prefix;  // the context the cond itself is in
    Branch top;      // the cond's predicate
  };
  std::map<int, Rewrite> rewrites;
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    done[static_cast<size_t>(i)] = 1;
    const auto& n = def.node(i);
    Context longest;
    std::vector<std::pair<Ref, Context>> data;
    for (const Ref& r : refs[static_cast<size_t>(i)]) {
      Context c = context_of(r);
      if (c.size() > longest.size()) longest = c;
      if (!r.control) data.emplace_back(r, std::move(c));
    }
    if (n.op() == "Merge" || n.op() == "RefMerge") {
      if (data.size() != 2)
        throw Error(label(n) + ": a cond Merge has 2 inputs, this one " + std::to_string(data.size()));
      if (longest.empty()) throw Error(label(n) + ": no Switch feeds this Merge, so it joins no cond");
      const Branch top = longest.back();
      const size_t depth = longest.size();
      int sides[2] = {-1, -1};
      for (int k = 0; k < 2; ++k) {
        const Context& c = data[static_cast<size_t>(k)].second;
        if (c.size() >= depth && c[depth - 1].key == top.key) sides[k] = c[depth - 1].branch;
      }
      if (sides[0] < 0 && sides[1] >= 0) sides[0] = 1 - sides[1];
      if (sides[1] < 0 && sides[0] >= 0) sides[1] = 1 - sides[0];
      if (sides[0] == sides[1])
        throw Error(label(n) + ": both inputs come from the same side of the cond on '" + top.pred + "'");
      const int t = sides[0] == 1 ? 0 : 1;
      longest.pop_back();
      rewrites[i] = {top.pred, n.input(t), n.input(1 - t), longest, top};
    }
    base[static_cast<size_t>(i)] = std::move(longest);
    for (const auto& use : index.consumers(i))
      if (--pending[static_cast<size_t>(use.consumer)] == 0) ready.push_back(use.consumer);
  }
  for (int i = 0; i < count; ++i)
    if (!done[static_cast<size_t>(i)])
      throw Error(label(def.node(i)) + ": is on a cycle outside any while frame");
  for (auto& [i, rw] : rewrites)
    for (const auto& use : index.consumers(i))
      if (!use.ref.control && use.ref.port != 0)
        throw Error(label(index.node(use.consumer)) + ": reads the value_index output of cond Merge '" +
                    def.node(i).name() + "'");

  // Conds whose branches are not cheap become If frames (outer conds first: an inner one goes
  // into its outer cond's branch and is lowered there); the others stay Selects.
  auto within = [](const Context& c, const Context& prefix) {
    if (c.size() < prefix.size()) return false;
    for (size_t k = 0; k < prefix.size(); ++k)
      if (c[k].key != prefix[k].key || c[k].branch != prefix[k].branch) return false;
    return true;
  };
  std::map<std::string, std::vector<int>> groups;
  for (const auto& [i, rw] : rewrites) {
    char depth[16];
    std::snprintf(depth, sizeof depth, "%08zu|", rw.prefix.size());
    std::string key = depth;
    for (const Branch& b : rw.prefix) key += b.key + "#" + std::to_string(b.branch) + "|";
    groups[key + rw.top.key].push_back(i);
  }
  std::unordered_set<int> removed, merged_into_if;
  std::vector<tensorflow::NodeDef> added;
  Index names(def);
  for (const auto& [key, merges] : groups) {
    if (removed.count(merges[0])) continue;  // inside a branch made an If body already
    const Context& prefix = rewrites[merges[0]].prefix;
    const Branch top = rewrites[merges[0]].top;
    std::vector<int> members[2];
    std::unordered_set<int> member_set;
    int ops[2] = {0, 0};
    // The pivots (Identities of the Switch of the predicate on itself) only order the branch's
    // constants: no part of a branch body.
    auto pivot = [&](int j) {
      const auto& n = def.node(j);
      if (n.op() != "Identity" || n.input_size() == 0) return false;
      Ref r = parse_ref(n.input(0));
      const auto& sw = def.node(index.find(r.node));
      return !r.control && sw.op() == "Switch" && resolve(parse_ref(sw.input(0)).node) == resolve(parse_ref(sw.input(1)).node);
    };
    for (int j = 0; j < count; ++j) {
      const Context& c = base[static_cast<size_t>(j)];
      if (removed.count(j) || c.size() <= prefix.size() || !within(c, prefix) || c[prefix.size()].key != top.key) continue;
      if (c.size() == prefix.size() + 1 && pivot(j)) continue;  // this cond's own pivot
      const int side = c[prefix.size()].branch;
      members[side].push_back(j);
      member_set.insert(j);
      const std::string& op = def.node(j).op();
      if (op != "Const" && op != "Identity" && op != "NoOp") ++ops[side];
    }
    constexpr int kCheapOps = 16;
    if (ops[0] <= kCheapOps && ops[1] <= kCheapOps) continue;

    // One branch as a frame: a Placeholder per Switch it reads (named after the Switch), its
    // nodes, and as results the Merges' inputs from its side. nullopt: not a well-formed branch.
    auto branch = [&](int side, std::vector<std::string>& args) -> std::optional<WhileFrameBody> {
      WhileFrameBody b;
      std::vector<tensorflow::NodeDef> nodes;
      std::unordered_set<std::string> params;
      auto map = [&](const std::string& text) -> std::optional<std::string> {
        Ref r = parse_ref(text);
        int p = index.find(r.node);
        if (std::find(members[side].begin(), members[side].end(), p) != members[side].end()) return text;
        const auto& n = def.node(p);
        if (r.control) return std::string();
        const bool our_switch = (n.op() == "Switch" || n.op() == "RefSwitch") && base[static_cast<size_t>(p)].size() == prefix.size() &&
                                within(base[static_cast<size_t>(p)], prefix) && context_of(r).back().key == top.key;
        if (!our_switch || r.port != side) return std::nullopt;
        if (params.insert(n.name()).second) {
          tensorflow::NodeDef* ph = b.body.add_node();
          ph->set_name(n.name());
          ph->set_op("Placeholder");
          auto t = n.attr().find("T");
          if (t != n.attr().end()) (*ph->mutable_attr())["dtype"] = t->second;
          b.invariants.push_back(n.name());
          args.push_back(n.input(0));
        }
        return n.name();
      };
      for (int j : members[side]) {
        tensorflow::NodeDef copy = def.node(j);
        copy.clear_input();
        for (const std::string& in : def.node(j).input()) {
          std::optional<std::string> m = map(in);
          if (!m) return std::nullopt;
          if (!m->empty()) copy.add_input(*m);
        }
        nodes.push_back(std::move(copy));
      }
      for (int m : merges) {
        std::optional<std::string> r = map(side == 1 ? rewrites[m].when_true : rewrites[m].when_false);
        if (!r || r->empty()) return std::nullopt;
        b.results.push_back(*r);
      }
      for (auto& n : nodes) b.body.add_node()->Swap(&n);
      lower_conds(b.body, frames);
      drop_unread_cond_pivots(b.body);
      return b;
    };
    std::vector<std::string> then_args, else_args;
    std::optional<WhileFrameBody> then_body = branch(1, then_args), else_body = branch(0, else_args);
    if (!then_body || !else_body) continue;  // not a branch structure this pass knows: a Select
    frames.push_back(std::move(*then_body));
    frames.push_back(std::move(*else_body));
    tensorflow::NodeDef node;
    node.set_name(names.unique(def.node(merges[0]).name() + "/remo_if"));
    node.set_op(kIfFrameOp);
    node.add_input(top.pred);
    for (const std::string& a : else_args) node.add_input(a);
    for (const std::string& a : then_args) node.add_input(a);
    (*node.mutable_attr())[kIfThenAttr].set_i(static_cast<int64_t>(frames.size() - 2));
    (*node.mutable_attr())[kIfElseAttr].set_i(static_cast<int64_t>(frames.size() - 1));
    for (size_t k = 0; k < merges.size(); ++k) {
      tensorflow::NodeDef* m = def.mutable_node(merges[k]);
      std::vector<std::string> controls;
      for (const std::string& in : m->input())
        if (!in.empty() && in[0] == '^' && !member_set.count(index.find(in.substr(1)))) controls.push_back(in);
      m->set_op("Identity");
      m->clear_input();
      m->add_input(ref_text(node.name(), static_cast<int>(k)));
      for (const std::string& c : controls) m->add_input(c);
      merged_into_if.insert(merges[k]);
    }
    added.push_back(std::move(node));
    removed.insert(member_set.begin(), member_set.end());
  }

  for (auto& [i, rw] : rewrites) {
    if (merged_into_if.count(i) || removed.count(i)) continue;
    tensorflow::NodeDef* n = def.mutable_node(i);
    std::vector<std::string> controls;
    for (const std::string& in : n->input())
      if (!in.empty() && in[0] == '^') controls.push_back(in);
    n->set_op("SelectV2");
    n->clear_input();
    n->add_input(rw.pred);
    n->add_input(rw.when_true);
    n->add_input(rw.when_false);
    for (const std::string& c : controls) n->add_input(c);
    auto t = n->attr().find("T");
    tensorflow::AttrValue type = t == n->attr().end() ? tensorflow::AttrValue() : t->second;
    n->clear_attr();
    if (type.value_case() != tensorflow::AttrValue::VALUE_NOT_SET) (*n->mutable_attr())["T"] = type;
  }
  if (removed.empty() && added.empty()) return;
  google::protobuf::RepeatedPtrField<tensorflow::NodeDef> kept;
  for (int i = 0; i < count; ++i) {
    if (removed.count(i)) continue;
    tensorflow::NodeDef* n = def.mutable_node(i);
    // A control input from a node that went into a branch orders nothing now.
    tensorflow::NodeDef* k = kept.Add();
    k->Swap(n);
    std::vector<std::string> ins(k->input().begin(), k->input().end());
    k->clear_input();
    for (const std::string& in : ins) {
      Ref r = parse_ref(in);
      if (r.control && removed.count(index.find(r.node))) continue;
      k->add_input(in);
    }
  }
  for (auto& n : added) kept.Add()->Swap(&n);
  def.mutable_node()->Swap(&kept);
}

// The control-flow ops' data inputs come first and have the count the op needs, so the passes
// above may read input(0) and input(1) of them.
void check_control_flow_inputs(const tensorflow::GraphDef& def) {
  for (const auto& n : def.node()) {
    const std::string& op = n.op();
    int want = 0;  // -1: at least one
    if (op == "Switch" || op == "RefSwitch") want = 2;
    else if (op == "Enter" || op == "RefEnter" || op == "Exit" || op == "RefExit" || op == "NextIteration" ||
             op == "RefNextIteration" || op == "LoopCond")
      want = 1;
    else if (op == "Merge" || op == "RefMerge") want = -1;
    if (want == 0) continue;
    int data = 0;
    bool control_seen = false;
    for (const std::string& in : n.input()) {
      if (!in.empty() && in[0] == '^') {
        control_seen = true;
      } else {
        if (control_seen) throw Error(label(n) + ": a data input follows a control input");
        ++data;
      }
    }
    if (want > 0 && data != want)
      throw Error(label(n) + ": takes " + std::to_string(want) + " data input" + (want > 1 ? "s" : "") + ", has " +
                  std::to_string(data));
    if (want < 0 && data < 1) throw Error(label(n) + ": has no data input");
  }
}

// A cond leaves pivots behind: Identity nodes of a Switch that only constants' control inputs
// read (or nothing), and the Switch of the predicate on itself. Unread, they are no graph outputs.
void drop_unread_cond_pivots(tensorflow::GraphDef& def) {
  std::unordered_map<std::string, int> readers;
  std::unordered_map<std::string, const tensorflow::NodeDef*> by_name;
  for (const auto& n : def.node()) {
    by_name[n.name()] = &n;
    for (const std::string& in : n.input()) ++readers[parse_ref(in).node];
  }
  auto is_switch = [&](const std::string& name) {
    auto it = by_name.find(name);
    return it != by_name.end() && (it->second->op() == "Switch" || it->second->op() == "RefSwitch");
  };
  std::unordered_set<std::string> dropped;
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& n : def.node()) {
      if (dropped.count(n.name()) || readers[n.name()] > 0) continue;
      bool pivot = (n.op() == "Switch" || n.op() == "RefSwitch") ||
                   (n.op() == "Identity" && n.input_size() > 0 && !parse_ref(n.input(0)).control &&
                    is_switch(parse_ref(n.input(0)).node));
      if (!pivot) continue;
      dropped.insert(n.name());
      for (const std::string& in : n.input()) --readers[parse_ref(in).node];
      changed = true;
    }
  }
  if (dropped.empty()) return;
  google::protobuf::RepeatedPtrField<tensorflow::NodeDef> kept;
  for (auto& n : *def.mutable_node())
    if (!dropped.count(n.name())) kept.Add()->Swap(&n);
  def.mutable_node()->Swap(&kept);
}

}  // namespace

void lower_v1_control_flow(tensorflow::GraphDef& def, std::vector<WhileFrameBody>& frames) {
  check_control_flow_inputs(def);
  const size_t first = frames.size();
  FrameCollapser collapser(def, frames);
  while (collapser.collapse_one()) {
  }
  const size_t loops = frames.size();
  lower_conds(def, frames);
  drop_unread_cond_pivots(def);
  for (size_t k = first; k < loops; ++k) {  // the If branches lowered their own conds
    // Out of the vector while it is lowered: an If made inside appends frames.
    tensorflow::GraphDef body = std::move(frames[k].body);
    lower_conds(body, frames);
    drop_unread_cond_pivots(body);
    frames[k].body = std::move(body);
  }
}

}  // namespace remo::tf_import
