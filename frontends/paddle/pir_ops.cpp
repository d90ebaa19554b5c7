#include "frontends/paddle/pir_ops.h"

#include <map>

namespace remo::paddle_import {
namespace {

using F = FoldKind;

PirOpMapping unary(const std::string& legacy) { return {legacy, {{"X"}}, {"Out"}, {}}; }
PirOpMapping binary(const std::string& legacy) { return {legacy, {{"X"}, {"Y"}}, {"Out"}, {}}; }

// The operand and result order of each op is that of its definition in Paddle's ops.yaml; the
// slot names are the legacy OpDesc's (op_compat.yaml pairs them).
const std::map<std::string, PirOpMapping>& table() {
  static const std::map<std::string, PirOpMapping> kTable = [] {
    std::map<std::string, PirOpMapping> t;
    for (const char* conv : {"conv2d", "depthwise_conv2d", "conv3d"})
      t[conv] = {conv, {{"Input"}, {"Filter"}}, {"Output"}, {}};
    t["add"] = binary("elementwise_add");
    t["subtract"] = binary("elementwise_sub");
    t["multiply"] = binary("elementwise_mul");
    t["divide"] = binary("elementwise_div");
    t["maximum"] = binary("elementwise_max");
    t["minimum"] = binary("elementwise_min");
    t["elementwise_pow"] = binary("elementwise_pow");
    t["batch_norm"] = {"batch_norm",
                       {{"X"}, {"Mean"}, {"Variance"}, {"Scale"}, {"Bias"}},
                       {"Y", "MeanOut", "VarianceOut", "SavedMean", "SavedVariance", "ReserveSpace"},
                       {{"data_format", "data_layout"}}};
    for (const char* op : {"relu", "sigmoid", "tanh", "exp", "sqrt", "abs", "relu6", "swish", "softmax", "gelu",
                           "hardswish", "hardsigmoid", "leaky_relu", "assign", "cast"})
      t[op] = unary(op);
    t["hardswish"].legacy_type = "hard_swish";
    t["hardsigmoid"].legacy_type = "hard_sigmoid";
    t["leaky_relu"].renames = {{"negative_slope", "alpha"}};
    t["cast"].renames = {{"dtype", "out_dtype"}};
    t["pow"] = {"pow", {{"X"}}, {"Out"}, {{"y", "factor"}}};
    t["scale"] = {"scale", {{"X"}, {"ScaleTensor", "scale", F::float_scalar}}, {"Out"}, {}};
    t["clip"] = {"clip", {{"X"}, {"Min", "min", F::float_scalar}, {"Max", "max", F::float_scalar}}, {"Out"}, {}};
    t["matmul"] = {"matmul_v2", {{"X"}, {"Y"}}, {"Out"}, {{"transpose_x", "trans_x"}, {"transpose_y", "trans_y"}}};
    t["pool2d"] = {"pool2d", {{"X"}, {nullptr, "ksize", F::int_list}}, {"Out"}, {}};
    t["pool3d"] = {"pool3d", {{"X"}, {nullptr, "ksize", F::int_list}}, {"Out"}, {}};
    t["flatten"] = {"flatten_contiguous_range", {{"X"}}, {"Out", "XShape"}, {}};
    t["reshape"] = {"reshape2", {{"X"}, {"Shape", "shape", F::int_list}}, {"Out", "XShape"}, {}};
    t["transpose"] = {"transpose2", {{"X"}}, {"Out", "XShape"}, {{"perm", "axis"}}};
    t["concat"] = {"concat", {{"X"}, {"AxisTensor", "axis", F::int_scalar}}, {"Out"}, {}};
    t["stack"] = {"stack", {{"X"}}, {"Y"}, {}};
    t["split"] = {"split",
                  {{"X"}, {nullptr, "sections", F::int_list}, {"AxisTensor", "axis", F::int_scalar}},
                  {"Out"}, {}};
    t["split_with_num"] = {"split", {{"X"}, {"AxisTensor", "axis", F::int_scalar}}, {"Out"}, {}};
    t["squeeze"] = {"squeeze2", {{"X"}, {nullptr, "axes", F::int_list}}, {"Out", "XShape"}, {}};
    t["unsqueeze"] = {"unsqueeze2", {{"X"}, {"AxesTensor", "axes", F::int_list}}, {"Out", "XShape"}, {}};
    t["slice"] = {"slice",
                  {{"Input"}, {"StartsTensor", "starts", F::int_list}, {"EndsTensor", "ends", F::int_list}},
                  {"Out"}, {}};
    t["shape"] = {"shape", {{"Input"}}, {"Out"}, {}};
    t["dropout"] = {"dropout",
                    {{"X"}, {"Seed"}, {nullptr, "dropout_prob", F::float_scalar}},
                    {"Out", "Mask"},
                    {{"mode", "dropout_implementation"}}};
    // Reductions: the axes are an operand; an empty list reduces everything, as an empty `dim`
    // does in the legacy op.
    for (const char* r : {"mean", "sum", "max", "min", "prod"})
      t[r] = {std::string("reduce_") + r, {{nullptr, "dim", F::int_list}}, {"Out"}, {{"keepdim", "keep_dim"}}};
    for (const char* r : {"mean", "sum", "max", "min", "prod"}) t[r].inputs.insert(t[r].inputs.begin(), PirInput{"X"});
    t["sum"].renames.push_back({"dtype", "out_dtype"});
    t["layer_norm"] = {"layer_norm", {{"X"}, {"Scale"}, {"Bias"}}, {"Y", "Mean", "Variance"}, {}};
    for (const char* cmp : {"less_than", "less_equal", "greater_than", "greater_equal", "equal", "not_equal"})
      t[cmp] = binary(cmp);
    for (const char* logical : {"logical_and", "logical_or", "logical_xor"}) t[logical] = binary(logical);
    t["logical_not"] = unary("logical_not");
    t["gather_nd"] = {"gather_nd", {{"X"}, {"Index"}}, {"Out"}, {}};
    t["argmax"] = {"arg_max", {{"X"}, {nullptr, "axis", F::int_scalar}}, {"Out"}, {}};
    t["argmin"] = {"arg_min", {{"X"}, {nullptr, "axis", F::int_scalar}}, {"Out"}, {}};
    t["gather"] = {"gather", {{"X"}, {"Index"}, {"Axis", "axis", F::int_scalar}}, {"Out"}, {}};
    // full_with_tensor: a constant `value` operand broadcast to the shape operand, what the
    // legacy fill_constant does with a ShapeTensor; shape64 has no legacy op (shape gives int32)
    // and keeps its name, for rules/paddle/pir.lua.
    t["full_with_tensor"] = {"fill_constant", {{nullptr, "value", F::float_scalar}, {"ShapeTensor", "shape", F::int_list}},
                             {"Out"}, {}};
    t["shape64"] = {"shape64", {{"Input"}}, {"Out"}, {}};
    // full_batch_size_like: the legacy fill_constant_batch_size_like, same attributes
    t["full_batch_size_like"] = {"fill_constant_batch_size_like", {{"Input"}}, {"Out"}, {}};
    t["im2sequence"] = {"im2sequence", {{"X"}, {"Y"}}, {"Out"}, {}};
    t["ctc_align"] = {"ctc_align", {{"Input"}, {"InputLength"}}, {"Output", "OutputLength"}, {}};
    // Recurrent and detection ops: the attribute names are the legacy ones unless renamed.
    t["rnn"] = {"rnn",
                {{"Input"}, {"PreState"}, {"WeightList"}, {"SequenceLength"}, {"DropoutState"}},
                {"Out", "DropoutState", "State", "Reserve"}, {}};
    t["prior_box"] = {"prior_box", {{"Input"}, {"Image"}}, {"Boxes", "Variances"}, {}};
    t["density_prior_box"] = {"density_prior_box", {{"Input"}, {"Image"}}, {"Boxes", "Variances"}, {}};
    t["box_coder"] = {"box_coder", {{"PriorBox"}, {"PriorBoxVar"}, {"TargetBox"}}, {"OutputBox"}, {}};
    t["yolo_box"] = {"yolo_box", {{"X"}, {"ImgSize"}}, {"Boxes", "Scores"}, {}};
    t["roi_align"] = {"roi_align", {{"X"}, {"ROIs"}, {"RoisNum"}}, {"Out"}, {}};
    t["multiclass_nms3"] = {"multiclass_nms3", {{"BBoxes"}, {"Scores"}, {"RoisNum"}}, {"Out", "Index", "NmsRoisNum"}, {}};
    t["matrix_nms"] = {"matrix_nms", {{"BBoxes"}, {"Scores"}}, {"Out", "Index", "RoisNum"}, {}};
    t["anchor_generator"] = {"anchor_generator", {{"Input"}}, {"Anchors", "Variances"}, {}};
    t["generate_proposals"] = {"generate_proposals_v2",
                               {{"Scores"}, {"BboxDeltas"}, {"ImShape"}, {"Anchors"}, {"Variances"}},
                               {"RpnRois", "RpnRoiProbs", "RpnRoisNum"},
                               {{"pre_nms_top_n", "pre_nms_topN"}, {"post_nms_top_n", "post_nms_topN"}}};
    t["collect_fpn_proposals"] = {"collect_fpn_proposals",
                                  {{"MultiLevelRois"}, {"MultiLevelScores"}, {"MultiLevelRoIsNum"}},
                                  {"FpnRois", "RoisNum"}, {{"post_nms_topn", "post_nms_topN"}}};
    t["distribute_fpn_proposals"] = {"distribute_fpn_proposals", {{"FpnRois"}, {"RoisNum"}},
                                     {"MultiFpnRois", "MultiLevelRoIsNum", "RestoreIndex"}, {}};
    return t;
  }();
  return kTable;
}

}  // namespace

std::optional<PirOpMapping> pir_op_mapping(const std::string& name) {
  const auto& t = table();
  if (auto it = t.find(name); it != t.end()) return it->second;
  if (name.size() > 1 && name.back() == '_')
    if (auto it = t.find(name.substr(0, name.size() - 1)); it != t.end()) return it->second;
  return std::nullopt;
}

}  // namespace remo::paddle_import
