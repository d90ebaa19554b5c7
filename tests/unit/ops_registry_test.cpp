// The opset as a whole: names, IR types and versions, attribute order, evaluators, and constant
// folding through chains of ops.
#include <algorithm>

#include "tests/unit/ops_test_helpers.h"

namespace remo {
namespace {

using namespace test;

TEST(OpsRegistry, QualifiedNamesMatchIrTypeAndVersion) {
  for (const OpDef& def : OpRegistry::instance().all()) {
    EXPECT_EQ(def.name.substr(0, def.name.find('.')), def.ir_version) << def.name;
    EXPECT_TRUE(def.infer) << def.name;
  }
  struct Expected {
    const char* name;
    const char* ir_type;
  };
  for (const auto& [name, ir_type] : std::vector<Expected>{
           {"opset1.Relu", "ReLU"}, {"opset1.PRelu", "PReLU"}, {"opset1.Softmax", "SoftMax"},
           {"opset8.Softmax", "SoftMax"}, {"opset4.HSwish", "HSwish"}, {"opset8.MaxPool", "MaxPool"},
           {"opset3.ShapeOf", "ShapeOf"}, {"opset12.Pad", "Pad"}, {"opset11.Interpolate", "Interpolate"},
           {"opset5.BatchNormInference", "BatchNormInference"}, {"opset6.MVN", "MVN"}, {"opset3.Broadcast", "Broadcast"},
           {"opset4.Range", "Range"}, {"opset8.Slice", "Slice"}, {"opset7.Gelu", "Gelu"}, {"opset4.ReduceL2", "ReduceL2"}}) {
    const OpDef* def = OpRegistry::instance().find(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_EQ(def->ir_type, ir_type);
  }
}

TEST(OpsRegistry, EveryOpHasAnEvaluator) {
  for (const OpDef& def : OpRegistry::instance().all()) {
    if (def.name == "opset1.Parameter" || def.name == "opset1.Result") continue;
    EXPECT_TRUE(def.evaluate) << def.name << " has no evaluate";
  }
}

std::vector<std::string> attr_names(const std::string& op) {
  std::vector<std::string> names;
  for (const AttrSpec& a : OpRegistry::instance().find(op)->attrs) names.push_back(a.name);
  return names;
}

TEST(OpsRegistry, AttributesInIrWriterOrder) {
  using Names = std::vector<std::string>;
  EXPECT_EQ(attr_names("opset1.Convolution"), (Names{"strides", "dilations", "pads_begin", "pads_end", "auto_pad"}));
  EXPECT_EQ(attr_names("opset8.MaxPool"), (Names{"strides", "dilations", "pads_begin", "pads_end", "kernel",
                                                 "rounding_type", "auto_pad", "index_element_type", "axis"}));
  EXPECT_EQ(attr_names("opset1.MaxPool"), (Names{"strides", "pads_begin", "pads_end", "kernel", "rounding_type", "auto_pad"}));
  EXPECT_EQ(attr_names("opset1.AvgPool"), (Names{"kernel", "strides", "pads_begin", "pads_end", "exclude-pad", "auto_pad",
                                                 "rounding_type"}));
  EXPECT_EQ(attr_names("opset1.Divide"), (Names{"auto_broadcast", "m_pythondiv"}));
  EXPECT_EQ(attr_names("opset11.Interpolate"),
            (Names{"mode", "shape_calculation_mode", "coordinate_transformation_mode", "nearest_mode", "antialias",
                   "pads_begin", "pads_end", "cube_coeff"}));
  EXPECT_EQ(attr_names("opset1.StridedSlice"),
            (Names{"begin_mask", "end_mask", "new_axis_mask", "shrink_axis_mask", "ellipsis_mask"}));
  EXPECT_EQ(attr_names("opset6.MVN"), (Names{"eps", "normalize_variance", "eps_mode"}));
  EXPECT_EQ(attr_names("opset1.MatMul"), (Names{"transpose_a", "transpose_b"}));
}

TEST(OpsRegistry, DefaultsAreFilledIn) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{1, 1, 4, 4});
  Node& pool = make(g, "opset8.MaxPool", {x}, {{"strides", std::vector<int64_t>{1, 1}}, {"dilations", std::vector<int64_t>{1, 1}},
                                               {"pads_begin", std::vector<int64_t>{0, 0}}, {"pads_end", std::vector<int64_t>{0, 0}},
                                               {"kernel", std::vector<int64_t>{2, 2}}});
  EXPECT_EQ(pool.attr<std::string>("rounding_type"), "floor");
  EXPECT_EQ(pool.attr<std::string>("auto_pad"), "explicit");
  EXPECT_EQ(pool.attr<ElementType>("index_element_type"), ElementType::i64);
  EXPECT_EQ(pool.attr<int64_t>("axis"), 0);
  Node& add = make(g, "opset1.Add", {x, x});
  EXPECT_EQ(add.attr<std::string>("auto_broadcast"), "numpy");
  Node& gelu = make(g, "opset7.Gelu", {x});
  EXPECT_EQ(gelu.attr<std::string>("approximation_mode"), "ERF");
}

TEST(OpsRegistry, ErrorsNameTheNode) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, 3});
  auto y = param(g, ElementType::f32, std::vector<int64_t>{4, 3});
  try {
    make_op(g, "opset1.Add", {x, y}, {}, "my_add");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("node 'my_add' (opset1.Add): input shapes [2,3] and [4,3]", 0), 0u) << e.what();
  }
  auto lengths = param(g, ElementType::i64, PartialShape::dynamic_rank());
  try {
    make_op(g, "opset1.VariadicSplit", {x, constant(g, scalar(0)), lengths}, {}, "split");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'split' (opset1.VariadicSplit): split_lengths"), std::string::npos) << e.what();
  }
}

// The shape sub-graph a Flatten becomes: Reshape(x, Concat(Gather(ShapeOf(x), 0), -1)).
TEST(OpsRegistry, ShapeSubgraphsFoldIntoStaticShapes) {
  Graph g;
  auto x = param(g, ElementType::f32, std::vector<int64_t>{2, 3, 4, 4});
  auto shape = make(g, "opset3.ShapeOf", {x}).output();
  auto batch = make(g, "opset8.Gather", {shape, constant(g, ints({0})), constant(g, scalar(0))}).output();
  auto target = make(g, "opset1.Concat", {batch, constant(g, ints({-1}))}, {{"axis", int64_t{0}}}).output();
  Node& flat = make(g, "opset1.Reshape", {x, target}, {{"special_zero", false}});
  EXPECT_EQ(out(g, flat).shape, PartialShape({2, 48}));
  // With a dynamic batch the shape is not foldable and the target's length still gives the rank.
  auto d = param(g, ElementType::f32, std::vector<int64_t>{-1, 3, 4, 4});
  auto dshape = make(g, "opset3.ShapeOf", {d}).output();
  auto dbatch = make(g, "opset8.Gather", {dshape, constant(g, ints({0})), constant(g, scalar(0))}).output();
  auto dtarget = make(g, "opset1.Concat", {dbatch, constant(g, ints({-1}))}, {{"axis", int64_t{0}}}).output();
  EXPECT_EQ(out(g, make(g, "opset1.Reshape", {d, dtarget}, {{"special_zero", false}})).shape, PartialShape({-1, -1}));
}

}  // namespace
}  // namespace remo
