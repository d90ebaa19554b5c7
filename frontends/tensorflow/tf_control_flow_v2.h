#pragma once
// Control flow v2 (If, StatelessIf, While, StatelessWhile, whose branches, condition and body are
// functions of the GraphDef's library) turned into the forms the rules translate, on the GraphDef
// before it becomes a Graph:
//
// - If(cond, inputs...) whose branches are both cheap (at most 16 ops besides Const and
//   Identity, no loop, no If): both branches' nodes are cloned into the graph ("<if>/then/...",
//   "<if>/else/..."), reading the If's inputs where they read their arguments, and output k is
//   SelectV2(cond, then output k, else output k) ("<if>/remo_select_k"). Both are computed, as
//   for v1 conds (tf_control_flow_v1.h), and stay open to the graph's optimizations.
//   Otherwise a "_RemoIfFrame" node "<if>/remo_if" reads [cond, the inputs for the else branch...,
//   the inputs for the then branch...] and its two branches are frames (attributes "_remo_then",
//   "_remo_else"; all their Placeholders are captures); only the taken one runs.
//   Either way the If node becomes an IdentityN of the outputs, so "if:k" keeps its meaning, and a
//   non-boolean condition is Cast to bool (non-zero is true).
// - While(inputs...): a variable the body returns unchanged is a loop invariant, the others are
//   loop-carried. A "_RemoWhileFrame" node "<while>/remo_loop" reads [the condition on the inputs
//   (the cond function cloned as "<while>/remo_initial/..."), the carried inputs..., the
//   invariant inputs...] and has one output per carried variable; its body (appended to `frames`)
//   is the body function with the cond function cloned after it ("remo_next/...") on the body's
//   results: results = the carried variables' next values, then that condition. The While node
//   becomes an IdentityN of the loop's outputs and the invariants' inputs, so "while:k" keeps
//   meaning variable k.
// - Functions are given by `lookup`, which returns a function's nodes with one Placeholder per
//   argument; branches and bodies are lowered in turn, so nested If/While work.
//
// Throws remo::Error naming the node when a function does not fit its call.
#include <functional>
#include <string>
#include <vector>

#include "frontends/tensorflow/proto/graph.pb.h"
#include "frontends/tensorflow/tf_control_flow_v1.h"

namespace remo::tf_import {

struct FunctionGraph {
  tensorflow::GraphDef graph;        // the Placeholders of the arguments, then the body's nodes
  std::vector<std::string> inputs;   // Placeholder names, in argument order
  std::vector<std::string> outputs;  // "node" or "node:port" per result, in order
};
using FunctionLookup = std::function<FunctionGraph(const std::string& name)>;

// Whether `def` holds an If or a While of control flow v2.
bool has_v2_control_flow(const tensorflow::GraphDef& def);

// Rewrites `def` in place (see above).
void lower_v2_control_flow(tensorflow::GraphDef& def, const FunctionLookup& lookup, std::vector<WhileFrameBody>& frames);

}  // namespace remo::tf_import
