// Parameter, Constant and Result: the model's inputs, weights and outputs.
#include "engine/graph/error.h"
#include "engine/ops/op_families.h"
#include "engine/ops/op_registry.h"

namespace remo {

void register_io_ops(OpRegistry& r) {
  // Parameter's shape uses -1 for a dynamic dimension; a dynamic rank is the attribute
  // "dynamic_rank" = true (the shape is then ignored).
  r.add(OpDef{
      .name = "opset1.Parameter", .ir_type = "Parameter", .ir_version = "opset1",
      .attrs = {{"shape", AttrKind::Ints, std::vector<int64_t>{}, {}},
                {"element_type", AttrKind::Type, std::nullopt, {}},
                {"dynamic_rank", AttrKind::Bool, false, {}}},
      .min_inputs = 0, .max_inputs = 0,
      .infer = [](InferContext& ctx) {
        const auto& dims = ctx.attr<std::vector<int64_t>>("shape");
        for (int64_t d : dims)
          if (d < -1) ctx.fail("shape has a negative dimension " + std::to_string(d));
        PartialShape shape = ctx.attr<bool>("dynamic_rank") ? PartialShape::dynamic_rank()
                                                            : PartialShape(dims);
        ctx.set_output(0, ctx.attr<ElementType>("element_type"), std::move(shape));
      },
  });
  r.add(OpDef{
      .name = "opset1.Constant", .ir_type = "Const", .ir_version = "opset1",
      .attrs = {{"value", AttrKind::Tensor, std::nullopt, {}}},
      .min_inputs = 0, .max_inputs = 0,
      .infer = [](InferContext& ctx) {
        const Tensor& t = ctx.attr<Tensor>("value");
        if (t.empty()) ctx.fail("constant without a value");
        ctx.set_output(0, t.type(), PartialShape(t.shape()));
      },
      .evaluate = [](const Node& n, const std::vector<Tensor>&) {
        return std::vector<Tensor>{n.attr<Tensor>("value")};
      },
  });
  r.add(OpDef{
      .name = "opset1.Result", .ir_type = "Result", .ir_version = "opset1",
      .attrs = {},
      .min_inputs = 1, .max_inputs = 1,
      .output_count = [](const Attributes&) { return size_t{0}; },
      .infer = [](InferContext&) {},
  });
}

}  // namespace remo
