#!/usr/bin/env python3
"""Writes tiny_cnn.onnx beside this script: the small CNN the README converts and the CLI
behaviour tests use. Run it in the venv (needs onnx + numpy); seeded, so re-running
gives the same bytes.

input [1,3,32,32] -> Conv 3x3 (8) -> Relu -> MaxPool 2x2 -> Conv 3x3 (16) ->
GlobalAveragePool -> Flatten -> Gemm (10) -> Softmax -> probs [1,10]
"""
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2024)


def weight(name, *shape):
    # He-style scale keeps activations O(1), so the output is not a flat 0.1 everywhere.
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return numpy_helper.from_array(
        (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32), name)


inits = [weight("conv1.w", 8, 3, 3, 3), weight("conv1.b", 8),
         weight("conv2.w", 16, 8, 3, 3), weight("conv2.b", 16),
         weight("fc.w", 10, 16), weight("fc.b", 10)]
nodes = [
    helper.make_node("Conv", ["input", "conv1.w", "conv1.b"], ["c1"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"]),
    helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("Conv", ["p1", "conv2.w", "conv2.b"], ["c2"], pads=[1, 1, 1, 1]),
    helper.make_node("GlobalAveragePool", ["c2"], ["g"]),
    helper.make_node("Flatten", ["g"], ["f"], axis=1),
    helper.make_node("Gemm", ["f", "fc.w", "fc.b"], ["logits"], transB=1),
    helper.make_node("Softmax", ["logits"], ["probs"], axis=1),
]
graph = helper.make_graph(
    nodes, "tiny_cnn",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 32, 32])],
    [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 10])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="remo-example")
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
out = Path(__file__).resolve().parent / "tiny_cnn.onnx"
onnx.save(model, out)
print(out)
