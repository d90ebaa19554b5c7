#pragma once
// How the operator-dialect ops of a PIR program (pd_op.*) become the nodes the legacy reader
// makes, so that one set of rules (rules/paddle) serves both formats. A PIR op lists its operands
// and results by position and some of its legacy attributes (pool2d's kernel size, reshape's
// shape, dropout's probability) are operands made by pd_op.full / pd_op.full_int_array; the
// table names each position's legacy slot and, for such operands, the attribute their constant
// value becomes. Ops not in the table keep their PIR name (node type "pd_op.<name>") with
// positional inputs, so that a rule can still match them.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace remo::paddle_import {

// What a constant operand's value becomes when folded into an attribute.
enum class FoldKind { none, int_scalar, int_list, float_scalar };

struct PirInput {
  const char* slot;                  // the legacy input slot; nullptr: the operand must fold
  const char* attr = nullptr;        // the attribute a constant operand becomes, if any
  FoldKind kind = FoldKind::none;
};

struct PirOpMapping {
  std::string legacy_type;                                  // "conv2d" -> node "paddle.conv2d"
  std::vector<PirInput> inputs;                             // by operand position
  std::vector<std::string> outputs;                         // legacy output slot by result position
  std::vector<std::pair<std::string, std::string>> renames;  // PIR attribute -> legacy attribute
};

// The mapping of operator-dialect op `name` ("conv2d", "batch_norm_"), nullopt when the table has
// none. An in-place variant (a trailing '_', e.g. "relu_") maps as its base op.
std::optional<PirOpMapping> pir_op_mapping(const std::string& name);

}  // namespace remo::paddle_import
