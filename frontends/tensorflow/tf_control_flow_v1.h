#pragma once
// Control flow v1 (what tf.compat.v1 while_loop and cond build without control flow v2) turned
// into structures the rules can translate, on the GraphDef before it becomes a Graph:
//
// - Every while frame (the nodes reached from the Enter nodes of one frame_name, up to its Exit
//   nodes) becomes one NodeDef of op "_RemoWhileFrame" whose body is recorded in `frames`
//   (attribute "_remo_frame" = its index). Innermost frames go first, so an outer body holds the
//   inner loop as one node. The loop node reads [initial condition, initial loop variables...,
//   loop invariants (is_constant Enter)...] and has one output per loop variable, its value after
//   the last iteration; each Exit becomes an Identity of that output, so the Exit's name and
//   tensor names stay.
// - The body graph has one Placeholder per loop variable (named after the variable's Merge) and
//   one per invariant (named after its Enter), in that order; its results are the values fed to
//   NextIteration, then the loop condition computed on those values (the cond nodes cloned with
//   the suffix "/remo_next"). The initial condition is the cond nodes cloned into the enclosing
//   graph (suffix "/remo_initial") on the initial values.
// - The Merges of a cond (Merges outside loops on the same predicate in the same context) become
//   SelectV2(pred, true value, false value) when both sides are cheap (at most 16 ops besides
//   Const and Identity): both branches are computed and the predicate picks. Otherwise the sides
//   become the then and else frames of one "_RemoIfFrame" node "<merge>/remo_if" (attributes
//   kIfThenAttr/kIfElseAttr; a Placeholder per Switch a side reads, all of them captures; results
//   the Merges' inputs from that side) reading [pred, else inputs..., then inputs...], and each
//   Merge an Identity of its output. The predicate and which input is which side come from the
//   Switch nodes the inputs descend from, following data and control edges (a constant in a branch
//   only has a control edge from its Switch). The Switches are left to the rules, which pass their
//   data through.
//
// Throws remo::Error naming the node or frame when a frame is not well formed.
#include <string>
#include <vector>

#include "frontends/tensorflow/proto/graph.pb.h"

namespace remo::tf_import {

struct WhileFrameBody {
  tensorflow::GraphDef body;
  std::vector<std::string> results;   // "node" or "node:port" refs into `body`, in result order
  size_t variables = 0;               // loop-carried values (the first Placeholders)
  std::vector<std::string> invariants;  // names of the invariant Placeholders, after the variables
};

inline constexpr const char* kWhileFrameOp = "_RemoWhileFrame";
inline constexpr const char* kWhileFrameAttr = "_remo_frame";
// An If whose branches are frames too (tf_control_flow_v2.h): attributes name the then and else
// frames; each frame's Placeholders are all captures, its results the branch's outputs.
inline constexpr const char* kIfFrameOp = "_RemoIfFrame";
inline constexpr const char* kIfThenAttr = "_remo_then";
inline constexpr const char* kIfElseAttr = "_remo_else";

// Rewrites `def` in place; appends the bodies of the loops it collapses to `frames` (the bodies'
// own conds are rewritten too). A graph without Enter and Merge nodes is left untouched.
void lower_v1_control_flow(tensorflow::GraphDef& def, std::vector<WhileFrameBody>& frames);

}  // namespace remo::tf_import
