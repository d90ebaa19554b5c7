#include "engine/graph/node.h"

#include "engine/graph/error.h"

namespace remo {

std::string Node::domain() const {
  auto dot = op_.rfind('.');
  return dot == std::string::npos ? std::string() : op_.substr(0, dot);
}

std::string Node::type() const {
  auto dot = op_.rfind('.');
  return dot == std::string::npos ? op_ : op_.substr(dot + 1);
}

void throw_attr_error(const Node& node, const std::string& key, const char* wanted) {
  if (!wanted) throw Error("node '" + node.name + "' (" + node.op() + "): missing attribute '" + key + "'");
  throw Error("node '" + node.name + "' (" + node.op() + "): attribute '" + key + "' is " +
              attr_kind_name(node.attrs.at(key)) + ", expected " + wanted);
}

}  // namespace remo
