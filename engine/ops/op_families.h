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
void register_pooling_ops(OpRegistry& registry);        // MaxPool-1/8/14, AvgPool-1/14
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
void register_recurrent_ops(OpRegistry& registry);      // LSTMSequence-5, GRUSequence-5, RNNSequence-5
void register_quantization_ops(OpRegistry& registry);   // FakeQuantize-1
void register_subgraph_ops(OpRegistry& registry);       // If-8, Loop-5, TensorIterator-1
void register_scatter_ops(OpRegistry& registry);        // GatherElements, GatherND, ScatterElementsUpdate, ScatterNDUpdate
void register_topk_ops(OpRegistry& registry);           // TopK-11, NonZero-3, Unique-10
void register_index_ops(OpRegistry& registry);          // OneHot, CumSum, ReverseSequence, Einsum, DepthToSpace, SpaceToDepth
void register_trigonometric_ops(OpRegistry& registry);  // Sin, Cos, Tan, Asin..., Sinh, Cosh, Asinh, Acosh, Atanh
void register_bitwise_ops(OpRegistry& registry);        // BitwiseAnd/Or/Xor/Not-13, BitwiseLeft/RightShift-15
void register_numeric_ops(OpRegistry& registry);        // Sign, Round-5, Mod, FloorMod, IsInf/IsNaN/IsFinite-10
void register_log_softmax_ops(OpRegistry& registry);    // LogSoftmax-5
void register_deconvolution_ops(OpRegistry& registry);  // ConvolutionBackpropData, GroupConvolutionBackpropData
void register_lrn_ops(OpRegistry& registry);            // LRN-1
void register_sampling_ops(OpRegistry& registry);       // GridSample-9, Col2Im-15
void register_signal_ops(OpRegistry& registry);         // DFT, IDFT, RDFT, IRDFT, STFT
void register_deformable_ops(OpRegistry& registry);     // DeformableConvolution-8
void register_roi_pooling_ops(OpRegistry& registry);    // ROIPooling-2
void register_detection_ops(OpRegistry& registry);      // NonMaxSuppression-9, ROIAlign-9
void register_normalize_l2_ops(OpRegistry& registry);   // NormalizeL2-1

}  // namespace remo
