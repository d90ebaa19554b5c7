#include "frontends/tensorflow/tf_control_flow_v2.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/graph/error.h"
#include "frontends/tensorflow/tf_node_ref.h"

namespace remo::tf_import {
namespace {

bool is_if(const std::string& op) { return op == "If" || op == "StatelessIf"; }
bool is_while(const std::string& op) { return op == "While" || op == "StatelessWhile"; }

std::string label(const tensorflow::NodeDef& n) { return "node '" + n.name() + "' (tf." + n.op() + ")"; }

std::string function_attr(const tensorflow::NodeDef& n, const std::string& key) {
  auto it = n.attr().find(key);
  if (it == n.attr().end() || it->second.value_case() != tensorflow::AttrValue::kFunc)
    throw Error(label(n) + ": has no function attribute '" + key + "'");
  return it->second.func().name();
}

std::vector<std::string> data_inputs(const tensorflow::NodeDef& n) {
  std::vector<std::string> out;
  for (const std::string& in : n.input())
    if (in.empty() || in[0] != '^') out.push_back(in);
  return out;
}

std::vector<std::string> control_inputs(const tensorflow::NodeDef& n) {
  std::vector<std::string> out;
  for (const std::string& in : n.input())
    if (!in.empty() && in[0] == '^') out.push_back(in);
  return out;
}

// Copies f's argument Placeholders (those at `order`, in that order) first, then its other nodes,
// into `out`: the builder makes Parameters of Placeholders in file order.
void arguments_first(const FunctionGraph& f, const std::vector<size_t>& order, const tensorflow::NodeDef& call,
                     tensorflow::GraphDef& out) {
  std::unordered_map<std::string, const tensorflow::NodeDef*> by_name;
  for (const auto& n : f.graph.node()) by_name[n.name()] = &n;
  for (size_t k : order) {
    auto it = by_name.find(f.inputs[k]);
    if (it == by_name.end() || it->second->op() != "Placeholder")
      throw Error(label(call) + ": the function has no Placeholder for argument '" + f.inputs[k] + "'");
    *out.add_node() = *it->second;
  }
  std::unordered_set<std::string> args(f.inputs.begin(), f.inputs.end());
  for (const auto& n : f.graph.node())
    if (!args.count(n.name())) *out.add_node() = n;
}

// Whether computing a branch when it is not taken costs little: a few ops, and no loop.
bool cheap_branch(const FunctionGraph& f) {
  constexpr int kCheapOps = 16;
  std::unordered_set<std::string> args(f.inputs.begin(), f.inputs.end());
  int ops = 0;
  for (const auto& n : f.graph.node()) {
    if (n.op() == kWhileFrameOp || is_if(n.op())) return false;
    if (!args.count(n.name()) && n.op() != "Const" && n.op() != "Identity" && n.op() != "NoOp") ++ops;
  }
  return ops <= kCheapOps;
}

class Lowering {
 public:
  Lowering(const FunctionLookup& lookup, std::vector<WhileFrameBody>& frames, std::vector<std::string> chain = {})
      : lookup_(lookup), frames_(frames), chain_(std::move(chain)) {}

  void lower(tensorflow::GraphDef& def) {
    if (!has_v2_control_flow(def)) return;
    names_.clear();
    for (const auto& n : def.node()) names_.insert(n.name());
    // New nodes are appended: index-based, since add_node may move the repeated field's storage.
    const int count = def.node_size();
    for (int i = 0; i < count; ++i) {
      const std::string op = def.node(i).op();
      if (is_if(op)) lower_if(def, i);
      else if (is_while(op)) lower_while(def, i);
    }
  }

 private:
  // The function, with its own If/While lowered, checked against the call's argument count.
  FunctionGraph function(const tensorflow::NodeDef& call, const std::string& attr, size_t args) {
    const std::string name = function_attr(call, attr);
    // Branches and bodies are lowered as they are read; a function among its own callers would
    // never end.
    std::vector<std::string> chain = chain_;
    chain.push_back(name);
    if (std::find(chain_.begin(), chain_.end(), name) != chain_.end() || chain.size() > kMaxDepth) {
      std::string path;
      for (const std::string& c : chain) path += (path.empty() ? "" : " -> ") + c;
      throw Error(label(call) + ": " + attr + " '" + name + "' " +
                  (chain.size() > kMaxDepth ? "nests control flow too deep" : "calls itself") + " (" + path + ")");
    }
    FunctionGraph f;
    try {
      f = lookup_(name);
    } catch (const Error& e) {
      throw Error(label(call) + ": " + attr + " '" + name + "': " + e.what());
    }
    if (f.inputs.size() != args)
      throw Error(label(call) + ": " + attr + " '" + name + "' takes " + std::to_string(f.inputs.size()) +
                  " arguments, the call passes " + std::to_string(args));
    Lowering(lookup_, frames_, chain).lower(f.graph);
    return f;
  }

  std::string unique(const std::string& base) {
    std::string name = base;
    for (int k = 1; names_.count(name); ++k) name = base + "_" + std::to_string(k);
    names_.insert(name);
    return name;
  }

  // Clones f's nodes (not its argument Placeholders) into `into` under `prefix`, reading
  // `args[k]` where they read argument k. Returns f's outputs as refs into `into`.
  std::vector<std::string> clone(const FunctionGraph& f, const std::string& prefix, const std::vector<std::string>& args,
                                 tensorflow::GraphDef& into, std::unordered_set<std::string>& taken) {
    std::unordered_map<std::string, std::string> arg_ref, renamed;
    for (size_t k = 0; k < f.inputs.size(); ++k) arg_ref[f.inputs[k]] = args[k];
    for (const auto& n : f.graph.node()) {
      if (arg_ref.count(n.name())) continue;
      std::string name = prefix + n.name();
      for (int k = 1; taken.count(name); ++k) name = prefix + n.name() + "_" + std::to_string(k);
      taken.insert(name);
      renamed[n.name()] = name;
    }
    auto map = [&](const std::string& text) -> std::string {
      NodeRef r = parse_node_ref(text);
      if (auto it = arg_ref.find(r.node); it != arg_ref.end()) {
        if (!r.control) {
          if (r.port != 0) throw Error("input '" + text + "' reads a port of an argument");
          return it->second;
        }
        return "^" + parse_node_ref(it->second).node;
      }
      auto it = renamed.find(r.node);
      if (it == renamed.end()) throw Error("input '" + text + "' names no node of the function");
      return r.control ? "^" + it->second : node_ref_text(it->second, r.port);
    };
    for (const auto& n : f.graph.node()) {
      if (arg_ref.count(n.name())) continue;
      tensorflow::NodeDef* copy = into.add_node();
      *copy = n;
      copy->set_name(renamed.at(n.name()));
      copy->clear_input();
      for (const std::string& in : n.input()) copy->add_input(map(in));
    }
    std::vector<std::string> outs;
    for (const std::string& o : f.outputs) outs.push_back(map(o));
    return outs;
  }

  void lower_if(tensorflow::GraphDef& def, int i) {
    const tensorflow::NodeDef call = def.node(i);
    std::vector<std::string> ins = data_inputs(call);
    if (ins.empty()) throw Error(label(call) + ": has no condition input");
    std::string cond = ins[0];
    std::vector<std::string> args(ins.begin() + 1, ins.end());
    FunctionGraph then_f = function(call, "then_branch", args.size());
    FunctionGraph else_f = function(call, "else_branch", args.size());
    if (then_f.outputs.size() != else_f.outputs.size())
      throw Error(label(call) + ": the branches have " + std::to_string(then_f.outputs.size()) + " and " +
                  std::to_string(else_f.outputs.size()) + " results");
    auto tcond = call.attr().find("Tcond");
    if (tcond != call.attr().end() && tcond->second.type() != tensorflow::DT_BOOL) {
      tensorflow::NodeDef* cast = def.add_node();
      cast->set_name(unique(call.name() + "/remo_cond"));
      cast->set_op("Cast");
      cast->add_input(cond);
      (*cast->mutable_attr())["SrcT"] = tcond->second;
      (*cast->mutable_attr())["DstT"].set_type(tensorflow::DT_BOOL);
      cond = cast->name();
    }
    if (!then_f.outputs.empty() && !(cheap_branch(then_f) && cheap_branch(else_f))) {
      if_frame(def, i, call, cond, args, then_f, else_f);
      return;
    }
    std::vector<std::string> when_true, when_false;
    try {
      when_true = clone(then_f, call.name() + "/then/", args, def, names_);
      when_false = clone(else_f, call.name() + "/else/", args, def, names_);
    } catch (const Error& e) {
      throw Error(label(call) + ": " + e.what());
    }
    const tensorflow::AttrValue* tout = nullptr;
    if (auto it = call.attr().find("Tout"); it != call.attr().end()) tout = &it->second;
    tensorflow::NodeDef replaced;
    replaced.set_name(call.name());
    replaced.set_op(when_true.empty() ? "NoOp" : "IdentityN");
    for (size_t k = 0; k < when_true.size(); ++k) {
      tensorflow::NodeDef* select = def.add_node();
      select->set_name(unique(call.name() + "/remo_select_" + std::to_string(k)));
      select->set_op("SelectV2");
      select->add_input(cond);
      select->add_input(when_true[k]);
      select->add_input(when_false[k]);
      if (tout && static_cast<int>(k) < tout->list().type_size())
        (*select->mutable_attr())["T"].set_type(tout->list().type(static_cast<int>(k)));
      replaced.add_input(select->name());
    }
    for (const std::string& c : control_inputs(call)) replaced.add_input(c);
    *def.mutable_node(i) = std::move(replaced);
  }

  // An If whose branches are not cheap: a "_RemoIfFrame" node "<if>/remo_if" reading [cond, the
  // arguments for the else branch..., the arguments for the then branch...] (the order of the
  // "else_body:captures" and "then_body:captures" attributes), whose branches are frames of
  // their own; the If becomes an IdentityN of its outputs.
  void if_frame(tensorflow::GraphDef& def, int i, const tensorflow::NodeDef& call, const std::string& cond,
                const std::vector<std::string>& args, const FunctionGraph& then_f, const FunctionGraph& else_f) {
    std::vector<size_t> all(args.size());
    for (size_t k = 0; k < all.size(); ++k) all[k] = k;
    auto branch = [&](const FunctionGraph& f) {
      WhileFrameBody b;
      arguments_first(f, all, call, b.body);
      b.invariants = f.inputs;
      b.results = f.outputs;
      frames_.push_back(std::move(b));
      return static_cast<int64_t>(frames_.size() - 1);
    };
    const int64_t then_index = branch(then_f), else_index = branch(else_f);
    tensorflow::NodeDef* node = def.add_node();
    node->set_name(unique(call.name() + "/remo_if"));
    node->set_op(kIfFrameOp);
    node->add_input(cond);
    for (const std::string& a : args) node->add_input(a);
    for (const std::string& a : args) node->add_input(a);
    for (const std::string& c : control_inputs(call)) node->add_input(c);
    (*node->mutable_attr())[kIfThenAttr].set_i(then_index);
    (*node->mutable_attr())[kIfElseAttr].set_i(else_index);
    tensorflow::NodeDef replaced;
    replaced.set_name(call.name());
    replaced.set_op("IdentityN");
    for (size_t k = 0; k < then_f.outputs.size(); ++k) replaced.add_input(node_ref_text(node->name(), static_cast<int>(k)));
    *def.mutable_node(i) = std::move(replaced);
  }

  void lower_while(tensorflow::GraphDef& def, int i) {
    const tensorflow::NodeDef call = def.node(i);
    std::vector<std::string> ins = data_inputs(call);
    if (ins.empty()) throw Error(label(call) + ": a While needs at least one loop variable");
    FunctionGraph body = function(call, "body", ins.size());
    FunctionGraph cond = function(call, "cond", ins.size());
    if (body.outputs.size() != ins.size())
      throw Error(label(call) + ": the body returns " + std::to_string(body.outputs.size()) + " values for " +
                  std::to_string(ins.size()) + " loop variables");
    if (cond.outputs.size() != 1)
      throw Error(label(call) + ": the cond function returns " + std::to_string(cond.outputs.size()) + " values, not 1");

    // A variable the body returns unchanged (a weight, an input list only read) is a loop
    // invariant: an invariant input of the Loop, and the While's output for it is its input.
    std::vector<size_t> carried, invariant;
    for (size_t k = 0; k < ins.size(); ++k)
      (parse_node_ref(body.outputs[k]).node == body.inputs[k] && parse_node_ref(body.outputs[k]).port == 0 ? invariant
                                                                                                           : carried)
          .push_back(k);
    if (carried.empty()) {  // nothing changes: keep one variable, so the Loop has a back edge
      carried.push_back(invariant.front());
      invariant.erase(invariant.begin());
    }
    WhileFrameBody frame;
    frame.variables = carried.size();
    // The body's argument Placeholders first, the variables' then the invariants': they become
    // the Parameters in that order.
    std::vector<size_t> order = carried;
    order.insert(order.end(), invariant.begin(), invariant.end());
    arguments_first(body, order, call, frame.body);
    for (size_t k : invariant) frame.invariants.push_back(body.inputs[k]);
    std::unordered_set<std::string> taken;
    for (const auto& n : body.graph.node()) taken.insert(n.name());
    try {
      for (size_t k : carried) frame.results.push_back(body.outputs[k]);
      frame.results.push_back(clone(cond, "remo_next/", body.outputs, frame.body, taken)[0]);
      std::string initial = clone(cond, call.name() + "/remo_initial/", ins, def, names_)[0];
      // The loop node is "<while>/remo_loop"; the While's own name becomes an IdentityN of its
      // outputs, so "while:k" keeps meaning loop variable k.
      tensorflow::NodeDef* loop = def.add_node();
      loop->set_name(unique(call.name() + "/remo_loop"));
      loop->set_op(kWhileFrameOp);
      loop->add_input(initial);
      for (size_t k : carried) loop->add_input(ins[k]);
      for (size_t k : invariant) loop->add_input(ins[k]);
      for (const std::string& c : control_inputs(call)) loop->add_input(c);
      (*loop->mutable_attr())[kWhileFrameAttr].set_i(static_cast<int64_t>(frames_.size()));
      std::vector<std::string> outputs(ins.size());
      for (size_t j = 0; j < carried.size(); ++j) outputs[carried[j]] = node_ref_text(loop->name(), static_cast<int>(j));
      for (size_t k : invariant) outputs[k] = ins[k];
      tensorflow::NodeDef replaced;
      replaced.set_name(call.name());
      replaced.set_op("IdentityN");
      for (const std::string& o : outputs) replaced.add_input(o);
      *def.mutable_node(i) = std::move(replaced);
    } catch (const Error& e) {
      throw Error(label(call) + ": " + e.what());
    }
    frames_.push_back(std::move(frame));
  }

  static constexpr size_t kMaxDepth = 32;
  const FunctionLookup& lookup_;
  std::vector<WhileFrameBody>& frames_;
  std::vector<std::string> chain_;  // the functions being lowered, outermost first
  std::unordered_set<std::string> names_;
};

}  // namespace

bool has_v2_control_flow(const tensorflow::GraphDef& def) {
  for (const auto& n : def.node())
    if (is_if(n.op()) || is_while(n.op())) return true;
  return false;
}

void lower_v2_control_flow(tensorflow::GraphDef& def, const FunctionLookup& lookup, std::vector<WhileFrameBody>& frames) {
  Lowering(lookup, frames).lower(def);
}

}  // namespace remo::tf_import
