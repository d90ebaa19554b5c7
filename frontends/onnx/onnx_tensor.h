#pragma once
// TensorProto -> Tensor: element type, shape and bytes, with every size checked against the data
// actually present. raw_data and external data are used in place (views into mapped files);
// the typed fields (float_data, int32_data...) are converted into owned little-endian buffers.
#include <onnx/onnx_pb.h>

#include <memory>

#include "engine/graph/buffer.h"
#include "engine/graph/tensor.h"

namespace remo::onnx_import {

class ExternalData;

// `mapped_raw_data` is the tensor's raw_data as a view into the mapped model file when the wire
// walk took it out of `proto` (top-level initializers); otherwise pass nullptr and the proto's own
// raw_data, if any, is copied. Throws remo::Error starting with "tensor 'NAME'" ("tensor" when
// unnamed).
Tensor tensor_from_onnx(const onnx::TensorProto& proto, std::shared_ptr<const Buffer> mapped_raw_data,
                        ExternalData& external);

}  // namespace remo::onnx_import
