#pragma once
// Each family of ops registers itself here; OpRegistry::instance() calls every function below.
// A new family is one .cpp file plus one line here and one in op_registry.cpp.
namespace remo {

class OpRegistry;

void register_io_ops(OpRegistry& registry);             // Parameter, Constant, Result
void register_arithmetic_ops(OpRegistry& registry);     // Add, Subtract, Multiply, Divide, Power, Maximum, Minimum
void register_comparison_ops(OpRegistry& registry);     // Equal, Less..., Logical*, Select
void register_math_ops(OpRegistry& registry);           // Abs, Negative, Floor, Ceiling, Sqrt, Exp, Log, Erf, Sigmoid, Tanh
void register_activation_ops(OpRegistry& registry);     // Relu, Clamp, Elu, Gelu, HSwish, HSigmoid, Mish, SoftPlus, Swish, PRelu
void register_convolution_ops(OpRegistry& registry);    // Convolution, GroupConvolution
void register_pooling_ops(OpRegistry& registry);        // MaxPool-1/8, AvgPool
void register_matmul_ops(OpRegistry& registry);         // MatMul
void register_normalization_ops(OpRegistry& registry);  // Softmax-1/8, BatchNormInference, MVN
void register_reduction_ops(OpRegistry& registry);      // ReduceSum/Mean/Max/Min/Prod/L1/L2
void register_reshape_ops(OpRegistry& registry);        // Reshape, Squeeze, Unsqueeze, ShapeOf
void register_movement_ops(OpRegistry& registry);       // Transpose, Concat, Tile
void register_broadcast_ops(OpRegistry& registry);      // Broadcast-3
void register_gather_ops(OpRegistry& registry);         // Gather-1/7/8
void register_slice_ops(OpRegistry& registry);          // Slice, StridedSlice
void register_split_ops(OpRegistry& registry);          // Split, VariadicSplit
void register_pad_ops(OpRegistry& registry);            // Pad-1/12
void register_interpolate_ops(OpRegistry& registry);    // Interpolate-4/11
void register_convert_ops(OpRegistry& registry);        // Convert
void register_range_ops(OpRegistry& registry);          // Range-4
void register_detection_ops(OpRegistry& registry);      // NonMaxSuppression-9, ROIAlign-9

}  // namespace remo
