#include "engine/ops/custom_ops.h"

namespace remo {

void CustomOpRegistry::add(OpDef def) {
  def.free_attrs = true;
  std::string name = def.name;
  auto it = ops_.find(name);
  if (it != ops_.end()) it->second = std::move(def);  // keeps pointers to the entry valid
  else ops_.emplace(std::move(name), std::move(def));
}

const OpDef* CustomOpRegistry::find(std::string_view name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : &it->second;
}

const OpDef* find_op(std::string_view name, const CustomOpRegistry* custom) {
  if (const OpDef* def = OpRegistry::instance().find(name)) return def;
  return custom ? custom->find(name) : nullptr;
}

}  // namespace remo
