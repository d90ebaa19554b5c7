#pragma once
// GraphProto -> Graph of framework ops. No op semantics: every NodeProto becomes one node whose op
// is "onnx.<op_type>" (default domain) or "<domain>.<op_type>" and whose attributes are converted
// one to one; output types and shapes stay dynamic for translation to infer.
//
// What the built graph looks like:
// - each initializer is an opset1.Constant; a graph input that is also an initializer is just
//   that Constant (ONNX: the initializer is the default, treated as constant here);
// - each other graph input is an opset1.Parameter (-1 for unknown dims, dynamic_rank when the
//   shape is missing, element type dynamic when the type is);
// - each graph output is an opset1.Result named "<output>/sink_port_0", in graph.output order;
// - every value carries its ONNX name in OutputInfo::names;
// - nodes may appear in any order in the file: names are resolved once every producer is known;
// - an omitted optional input ("") is an invalid Value; trailing ones are dropped.
//
// Sub-graphs (GRAPH attributes) are built the same way. A name a body reads but only an enclosing
// graph defines becomes an extra Parameter of the body (after its own inputs), and the node owning
// the body gets "<attr>:captures" = those outer names in Parameter order (always present, maybe
// empty; "<attr>:<i>:captures" for element i of a GRAPHS attribute). The outer values are also
// appended to that node's inputs, after its ONNX inputs, list after list in the key order of the
// ":captures" attributes, so the dependency is visible to topological sorting and dead-node
// removal: a node's last (sum of its capture list sizes) inputs are its captured values. E.g. an
// If whose then_branch reads outer "a" has inputs [cond, a] and "then_branch:captures" = ["a"].
#include <set>
#include <string>

#include "engine/graph/graph.h"
#include "frontends/onnx/onnx_wire_walk.h"

namespace remo::onnx_import {

class ExternalData;

// Fills `graph` from the model's main graph. `domains` are the opset domains the model imports,
// with the default domain spelled "ai.onnx"; a node of any other domain is an error. Throws
// remo::Error naming the node, tensor or value that is wrong.
void build_graph(Graph& graph, const SplitGraph& split, const std::set<std::string>& domains,
                 ExternalData& external);

}  // namespace remo::onnx_import
