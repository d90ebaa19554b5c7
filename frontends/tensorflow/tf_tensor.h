#pragma once
// TensorProto -> Tensor.
#include <string>

#include "engine/graph/tensor.h"
#include "frontends/tensorflow/proto/tensor.pb.h"

namespace remo::tf_import {

// The static shape of a TensorShapeProto; throws remo::Error if the rank or a dimension is unknown.
Shape static_shape_from_tf(const tensorflow::TensorShapeProto& shape);

// Converts a tensor value. tensor_content is moved out of `proto` (not copied); typed values
// (float_val, int_val, half_val...) are packed, a short list being padded with its last value
// as TensorFlow does. Throws remo::Error saying what is wrong (unsupported dtype, unknown shape,
// byte or value count not matching the shape).
Tensor tensor_from_tf(tensorflow::TensorProto& proto);

}  // namespace remo::tf_import
