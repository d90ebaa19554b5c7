#pragma once
// Custom ops: ops a rule set declares at run time (remo.custom_op in Lua) for layers that an
// OpenVINO runtime extension implements. They are OpDefs like the opset's, kept in a registry of
// their own that the RuleSet owns; make_op, the IR writer and the pipeline consult it after the
// opset. A custom op keeps its attributes as given (no schema) and the IR writer writes them all.
#include <map>
#include <string>
#include <string_view>

#include "engine/ops/op_registry.h"

namespace remo {

class CustomOpRegistry {
 public:
  // Adds `def`; a later definition of the same name replaces the earlier one.
  void add(OpDef def);
  const OpDef* find(std::string_view name) const;
  bool empty() const { return ops_.empty(); }

 private:
  std::map<std::string, OpDef, std::less<>> ops_;
};

// The opset op named `name`, else the custom op of that name in `custom` (may be null), else null.
const OpDef* find_op(std::string_view name, const CustomOpRegistry* custom);

}  // namespace remo
