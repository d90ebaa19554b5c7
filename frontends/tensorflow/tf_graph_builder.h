#pragma once
// GraphDef -> Graph of framework ops. No op semantics: every NodeDef becomes one node whose op is
// "tf.<op>" with its attributes converted (tf_attributes.h); translation rules give them meaning.
//
// What the built graph looks like:
// - a Placeholder is an opset1.Parameter of its dtype and "shape" attribute (-1 for an unknown
//   dimension, a dynamic rank when the shape is unknown or absent);
// - a node has as many outputs as the highest port any input names ("conv:2" -> 3), at least one;
//   output p carries the tensor names "<node>:<p>", and output 0 also "<node>";
// - control inputs ("^node") are checked to name a node and then dropped: in a frozen inference
//   graph they only order side effects, and the data inputs already order the computation;
// - every node that no other node reads, by a data or a control input (NoOp, Assert and PrintV2,
//   which have no outputs, excepted), gets an opset1.Result on output 0, named
//   "<node>/sink_port_0", in file order;
// - control flow v1 is rewritten first (tf_control_flow_v1.h): a while frame becomes a node
//   "tf._RemoWhileFrame" whose "body" attribute is the loop body as a Graph (Parameters: the loop
//   variables, then the invariants, listed in "body:captures" and appended to the node's inputs;
//   Results: the next values, then the next condition); a cond's Merge becomes tf.SelectV2; v2
//   If and While become the same forms (tf_control_flow_v2.h);
// - nodes may appear in any order in the file.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/graph/tensor.h"
#include "frontends/tensorflow/proto/graph.pb.h"
#include "frontends/tensorflow/tf_control_flow_v2.h"

namespace remo::tf_import {

// What a checkpoint or a signature adds to the bare GraphDef.
struct BuildExtras {
  // Nodes (variables: VariableV2, VarHandleOp...) that become opset1.Constant of the given value.
  std::map<std::string, Tensor> constants;
  // When not empty, the model's outputs instead of the unread nodes: tensors "node:port", each
  // with a name (a signature's output key) that its tensor also answers to; "" for none.
  std::vector<std::pair<std::string, std::string>> outputs;
  // Placeholder node -> a further name of its tensor (a signature's input key).
  std::map<std::string, std::string> input_aliases;
};

// Fills `graph` from `def` (whose tensors are moved out). Throws remo::Error naming the node.
// With `functions`, control flow v2 (If/While on library functions) is lowered first
// (tf_control_flow_v2.h); without, those nodes stay tf.If/tf.While.
void build_graph(Graph& graph, tensorflow::GraphDef& def, const BuildExtras& extras = {},
                 const FunctionLookup* functions = nullptr);

}  // namespace remo::tf_import
