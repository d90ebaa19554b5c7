#pragma once
// Each family of ops registers itself here; OpRegistry::instance() calls every function below.
// A new family is one .cpp file plus one line here and one in op_registry.cpp.
namespace remo {

class OpRegistry;

void register_io_ops(OpRegistry& registry);  // Parameter, Constant, Result

}  // namespace remo
