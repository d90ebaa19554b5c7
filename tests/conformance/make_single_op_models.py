#!/usr/bin/env python3
"""Writes one small ONNX model per op (or per op variant) into the model cache and prints
the folder on stdout. Runs in the venv (needs onnx and numpy).

Conventions the conformance runner relies on:
- inputs have static shapes, except in the *_dynamic_batch models (dim 'N');
- weights are initializers drawn from a generator seeded by the model's name, so adding
  a model never changes the others;
- metadata_props "remo.input_range" = {"input name": [low, high]} narrows the random
  inputs where the op needs it (a divisor away from zero, say).
"""
import json
import sys
import zlib
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

MODELS = {}  # name -> function(rng) returning (nodes, inputs, outputs, initializers, extra)


def model(name, opset=13):
    def register(fn):
        MODELS[name] = (fn, opset)
        return fn
    return register


# --- helpers ------------------------------------------------------------------------
def build_all(out_dir: Path):
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    class B:
        """A tiny graph builder handed to each recipe."""

        def __init__(self, rng):
            self.rng = rng
            self.nodes, self.inputs, self.outputs, self.inits = [], [], [], []
            self.ranges = {}

        def input(self, name, shape, elem=TensorProto.FLOAT, rng=None):
            self.inputs.append(helper.make_tensor_value_info(name, elem, shape))
            if rng:
                self.ranges[name] = list(rng)
            return name

        def output(self, name, elem=TensorProto.FLOAT, shape=None):
            self.outputs.append(helper.make_tensor_value_info(name, elem, shape))
            return name

        def init(self, name, array):
            self.inits.append(numpy_helper.from_array(np.asarray(array), name))
            return name

        def weight(self, name, shape, low=-1.0, high=1.0):
            return self.init(name, self.rng.uniform(low, high, shape).astype(np.float32))

        def ints(self, name, values):
            return self.init(name, np.array(values, dtype=np.int64))

        def node(self, op, ins, outs, domain="", **attrs):
            self.nodes.append(helper.make_node(op, ins, outs, domain=domain, **attrs))

    for name, (fn, opset) in MODELS.items():
        b = B(np.random.default_rng(zlib.crc32(name.encode())))
        fn(b)
        graph = helper.make_graph(b.nodes, name, b.inputs, b.outputs, b.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="remo-conformance")
        m.ir_version = 8  # readable by every onnxruntime/openvino of the last years
        if b.ranges:
            helper.set_model_props(m, {"remo.input_range": json.dumps(b.ranges)})
        # Shape inference fills in the outputs' shapes, which the recipes leave out.
        try:
            m = onnx.shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
            onnx.checker.check_model(m, full_check=True)
        except Exception as e:
            raise SystemExit(f"{name}: {e}")
        onnx.save(m, out_dir / f"{name}.onnx")


def unary(op, opset=13, **attrs):
    def fn(b):
        b.node(op, [b.input("x", [1, 3, 8, 8])], [b.output("y")], **attrs)
    return fn


def binary(op, b_shape, b_range=None):
    def fn(b):
        b.node(op, [b.input("a", [1, 3, 8, 8]), b.input("b", b_shape, rng=b_range)],
               [b.output("y")])
    return fn


# --- Conv -----------------------------------------------------------------------------
@model("conv_bias_pads")
def _(b):
    b.node("Conv", [b.input("x", [1, 3, 8, 8]), b.weight("w", [4, 3, 3, 3]), b.weight("bias", [4])],
           [b.output("y")], pads=[1, 1, 1, 1])


@model("conv_strides_dilations_asym_pads")
def _(b):
    b.node("Conv", [b.input("x", [1, 3, 11, 9]), b.weight("w", [5, 3, 3, 2]), b.weight("bias", [5])],
           [b.output("y")], strides=[2, 1], dilations=[2, 1], pads=[1, 0, 2, 1])


@model("conv_auto_pad_same_upper_no_bias")
def _(b):
    b.node("Conv", [b.input("x", [1, 3, 9, 9]), b.weight("w", [4, 3, 3, 3])], [b.output("y")],
           strides=[2, 2], auto_pad="SAME_UPPER")


@model("conv_group")
def _(b):
    b.node("Conv", [b.input("x", [1, 4, 8, 8]), b.weight("w", [6, 2, 3, 3]), b.weight("bias", [6])],
           [b.output("y")], group=2, pads=[1, 1, 1, 1])


@model("conv_depthwise")
def _(b):
    b.node("Conv", [b.input("x", [1, 4, 8, 8]), b.weight("w", [4, 1, 3, 3]), b.weight("bias", [4])],
           [b.output("y")], group=4, pads=[1, 1, 1, 1], strides=[2, 2])


@model("conv_1x1")
def _(b):
    b.node("Conv", [b.input("x", [1, 8, 5, 5]), b.weight("w", [16, 8, 1, 1]), b.weight("bias", [16])],
           [b.output("y")])


# --- elementwise binary (broadcasting) ----------------------------------------------
model("add_broadcast_channel")(binary("Add", [3, 1, 1]))
model("sub_broadcast_last_axis")(binary("Sub", [8]))
model("mul_broadcast_both")(lambda b: b.node(
    "Mul", [b.input("a", [1, 3, 1, 8]), b.input("b", [2, 1, 4, 1])], [b.output("y")]))
model("div_broadcast")(binary("Div", [1, 3, 1, 1], b_range=(0.5, 2.0)))


@model("add_const")
def _(b):
    b.node("Add", [b.input("x", [1, 3, 8, 8]), b.weight("c", [1, 3, 1, 1])], [b.output("y")])


@model("mul_scalar_const")
def _(b):
    import numpy as np
    b.node("Mul", [b.input("x", [1, 3, 8, 8]), b.init("s", np.float32(0.125))], [b.output("y")])


# --- MatMul / Gemm --------------------------------------------------------------------
@model("matmul_const")
def _(b):
    b.node("MatMul", [b.input("x", [1, 3, 8]), b.weight("w", [8, 6])], [b.output("y")])


@model("matmul_batched_inputs")
def _(b):
    b.node("MatMul", [b.input("a", [2, 3, 4]), b.input("b", [2, 4, 5])], [b.output("y")])


@model("gemm_transb_bias")
def _(b):
    b.node("Gemm", [b.input("x", [2, 8]), b.weight("w", [6, 8]), b.weight("bias", [6])],
           [b.output("y")], transB=1)


@model("gemm_alpha_beta_transa")
def _(b):
    b.node("Gemm", [b.input("x", [8, 2]), b.weight("w", [8, 6]), b.weight("bias", [1, 6])],
           [b.output("y")], transA=1, alpha=0.5, beta=2.0)


# --- activations ----------------------------------------------------------------------
model("relu")(unary("Relu"))
model("sigmoid")(unary("Sigmoid"))
model("tanh")(unary("Tanh"))
model("hardswish", opset=14)(lambda b: b.node(
    "HardSwish", [b.input("x", [1, 3, 8, 8], rng=(-4, 4))], [b.output("y")]))
model("identity")(unary("Identity"))


@model("clip_min_max_inputs")
def _(b):
    import numpy as np
    b.node("Clip", [b.input("x", [1, 3, 8, 8]), b.init("lo", np.float32(-0.5)),
                    b.init("hi", np.float32(0.6))], [b.output("y")])


@model("clip_min_only_opset11", opset=11)
def _(b):
    import numpy as np
    b.node("Clip", [b.input("x", [1, 3, 8, 8]), b.init("lo", np.float32(-0.25))], [b.output("y")])


@model("clip_attributes_opset6", opset=6)
def _(b):
    b.node("Clip", [b.input("x", [1, 3, 8, 8])], [b.output("y")], min=-0.5, max=0.6)


# --- pooling --------------------------------------------------------------------------
model("maxpool_pads_strides")(unary("MaxPool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))
model("maxpool_ceil_mode")(unary("MaxPool", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1))
model("avgpool_count_include_pad")(
    unary("AveragePool", kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1))
model("avgpool_exclude_pad")(
    unary("AveragePool", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0))
model("global_average_pool")(unary("GlobalAveragePool"))


# --- shape manipulation ---------------------------------------------------------------
@model("concat_axis1")
def _(b):
    b.node("Concat", [b.input("a", [1, 2, 4, 4]), b.input("b", [1, 3, 4, 4]),
                      b.weight("c", [1, 1, 4, 4])], [b.output("y")], axis=1)


@model("concat_negative_axis")
def _(b):
    b.node("Concat", [b.input("a", [2, 3]), b.input("b", [2, 5])], [b.output("y")], axis=-1)


@model("reshape_zero_and_minus_one")
def _(b):
    b.node("Reshape", [b.input("x", [1, 3, 8, 8]), b.ints("shape", [0, -1, 4])], [b.output("y")])


model("flatten_default")(unary("Flatten"))
model("flatten_axis2")(unary("Flatten", axis=2))
model("transpose_nhwc")(unary("Transpose", perm=[0, 2, 3, 1]))


@model("squeeze_axes_input")
def _(b):
    b.node("Squeeze", [b.input("x", [1, 3, 1, 8]), b.ints("axes", [2])], [b.output("y")])


@model("squeeze_axes_attribute_opset11", opset=11)
def _(b):
    b.node("Squeeze", [b.input("x", [1, 3, 1, 8])], [b.output("y")], axes=[0, -2])


@model("unsqueeze_axes_input")
def _(b):
    b.node("Unsqueeze", [b.input("x", [3, 8]), b.ints("axes", [0, 3])], [b.output("y")])


@model("unsqueeze_axes_attribute_opset11", opset=11)
def _(b):
    b.node("Unsqueeze", [b.input("x", [3, 8])], [b.output("y")], axes=[1])


@model("shape")
def _(b):
    b.node("Shape", [b.input("x", [1, 3, 8, 8])], [b.output("y", 7)])  # 7 = INT64


def shape_gather_reshape(b, batch):
    # The flatten idiom of PyTorch exports: x.view(x.size(0), -1).
    x = b.input("x", [batch, 3, 4, 4])
    b.node("Shape", [x], ["s"])
    b.node("Gather", ["s", b.ints("i0", 0)], ["n"], axis=0)
    b.node("Unsqueeze", ["n", b.ints("ax0", [0])], ["n1"])
    b.node("Concat", ["n1", b.ints("m1", [-1])], ["shape"], axis=0)
    b.node("Reshape", [x, "shape"], [b.output("y", shape=[batch, 48])])


model("shape_gather_reshape")(lambda b: shape_gather_reshape(b, 1))


# --- Softmax: opset 11 coerces to 2-D at `axis`, opset 13 works along `axis` alone ----
model("softmax_opset11_axis1", opset=11)(
    lambda b: b.node("Softmax", [b.input("x", [2, 3, 4], rng=(-4, 4))], [b.output("y")], axis=1))
model("softmax_opset11_default_axis", opset=11)(
    lambda b: b.node("Softmax", [b.input("x", [2, 3, 4], rng=(-4, 4))], [b.output("y")]))
model("softmax_opset13_axis1")(
    lambda b: b.node("Softmax", [b.input("x", [2, 3, 4], rng=(-4, 4))], [b.output("y")], axis=1))
model("softmax_opset13_default_axis")(
    lambda b: b.node("Softmax", [b.input("x", [2, 3, 4], rng=(-4, 4))], [b.output("y")]))

# --- reductions -----------------------------------------------------------------------
model("reducemean_keepdims")(unary("ReduceMean", axes=[2, 3], keepdims=1))
model("reducemean_no_keepdims")(unary("ReduceMean", axes=[1], keepdims=0))
model("reducemean_all_axes")(unary("ReduceMean"))


@model("reducemean_axes_input_opset18", opset=18)
def _(b):
    b.node("ReduceMean", [b.input("x", [1, 3, 8, 8]), b.ints("axes", [-1])], [b.output("y")],
           keepdims=1)


# --- Gather ---------------------------------------------------------------------------
@model("gather_axis1")
def _(b):
    b.node("Gather", [b.input("x", [1, 3, 8, 8]), b.ints("idx", [2, 0])], [b.output("y")], axis=1)


@model("gather_scalar_negative_index")
def _(b):
    b.node("Gather", [b.input("x", [5, 4]), b.ints("idx", -2)], [b.output("y")], axis=0)


@model("gather_indices_input")
def _(b):
    b.node("Gather", [b.weight("table", [10, 4]), b.input("idx", [2, 3], elem=7, rng=(0, 9))],
           [b.output("y")], axis=0)


# --- Cast -----------------------------------------------------------------------------
@model("cast_float_to_int32")
def _(b):
    b.node("Cast", [b.input("x", [1, 3, 8, 8], rng=(-50, 50))], [b.output("y", 6)], to=6)  # INT32


@model("cast_int64_to_float")
def _(b):
    b.node("Cast", [b.input("x", [2, 5], elem=7, rng=(-100, 100))], [b.output("y")], to=1)


# --- Pad ------------------------------------------------------------------------------
def pad(mode):
    def fn(b):
        import numpy as np
        ins = [b.input("x", [1, 3, 6, 6]), b.ints("pads", [0, 0, 2, 1, 0, 0, 1, 2])]
        if mode == "constant":
            ins.append(b.init("value", np.float32(0.5)))
        b.node("Pad", ins, [b.output("y")], mode=mode)
    return fn


model("pad_constant")(pad("constant"))
model("pad_reflect")(pad("reflect"))
model("pad_edge")(pad("edge"))


# --- Resize ---------------------------------------------------------------------------
def resize(b, scales=None, sizes=None, **attrs):
    import numpy as np
    ins = [b.input("x", [1, 3, 5, 6]), ""]
    ins.append(b.init("scales", np.array(scales, np.float32)) if scales else "")
    if sizes:
        ins.append(b.ints("sizes", sizes))
    b.node("Resize", ins, [b.output("y")], **attrs)


model("resize_nearest_scales_asymmetric_floor")(lambda b: resize(
    b, scales=[1, 1, 2, 2], mode="nearest", coordinate_transformation_mode="asymmetric",
    nearest_mode="floor"))
model("resize_nearest_sizes_default_modes")(lambda b: resize(
    b, sizes=[1, 3, 9, 13], mode="nearest"))
model("resize_linear_scales_half_pixel")(lambda b: resize(
    b, scales=[1, 1, 2, 1.5], mode="linear"))
model("resize_linear_sizes_align_corners")(lambda b: resize(
    b, sizes=[1, 3, 8, 11], mode="linear", coordinate_transformation_mode="align_corners"))


# --- BatchNormalization ---------------------------------------------------------------
@model("batchnorm_inference")
def _(b):
    b.node("BatchNormalization",
           [b.input("x", [1, 3, 8, 8]), b.weight("scale", [3]), b.weight("bias", [3]),
            b.weight("mean", [3]), b.weight("var", [3], 0.5, 2.0)],
           [b.output("y")], epsilon=1e-3)


# --- dynamic batch --------------------------------------------------------------------
@model("conv_relu_dynamic_batch")
def _(b):
    b.node("Conv", [b.input("x", ["N", 3, 8, 8]), b.weight("w", [4, 3, 3, 3]), b.weight("bias", [4])],
           ["c"], pads=[1, 1, 1, 1])
    b.node("Relu", ["c"], [b.output("y")])


model("shape_gather_reshape_dynamic_batch")(lambda b: shape_gather_reshape(b, "N"))


# --- quantization (constant scales and zero points: the FakeQuantize form) -----------
U8, I8, I32 = 2, 3, 6  # TensorProto element types


def _np():
    import numpy as np
    return np


@model("quantize_linear_u8")
def _(b):
    np = _np()
    b.node("QuantizeLinear", [b.input("x", [1, 3, 8, 8], rng=(-15, 15)), b.init("s", np.float32(0.1)),
                              b.init("z", np.uint8(128))], [b.output("y", U8)])


@model("quantize_linear_i8_per_axis")
def _(b):
    np = _np()
    b.node("QuantizeLinear", [b.input("x", [1, 3, 8, 8], rng=(-20, 20)),
                              b.init("s", np.array([0.05, 0.1, 0.2], np.float32)),
                              b.init("z", np.array([-3, 0, 5], np.int8))], [b.output("y", I8)], axis=1)


@model("dequantize_linear_per_axis")
def _(b):
    np = _np()
    b.node("DequantizeLinear", [b.input("x", [1, 3, 4, 4], U8, rng=(0, 255)),
                                b.init("s", np.array([0.05, 0.1, 0.2], np.float32)),
                                b.init("z", np.array([100, 128, 0], np.uint8))], [b.output("y")], axis=1)


@model("qdq_conv")
def _(b):
    np = _np()
    b.node("QuantizeLinear", [b.input("x", [1, 3, 8, 8], rng=(-2, 2)), b.init("xs", np.float32(0.02)),
                              b.init("xz", np.uint8(128))], ["xq"])
    b.node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"])
    b.node("DequantizeLinear", [b.init("wq", b.rng.integers(-127, 127, (4, 3, 3, 3)).astype(np.int8)),
                                b.init("ws", np.array([0.01, 0.02, 0.005, 0.01], np.float32)),
                                b.init("wz", np.zeros(4, np.int8))], ["wd"], axis=0)
    b.node("Conv", ["xd", "wd", b.weight("bias", [4])], [b.output("y")], pads=[1, 1, 1, 1])


@model("qlinear_conv", opset=10)
def _(b):
    np = _np()
    b.node("QLinearConv", [b.input("x", [1, 2, 6, 6], U8, rng=(0, 255)), b.init("xs", np.float32(0.02)),
                           b.init("xz", np.uint8(120)),
                           b.init("w", b.rng.integers(-30, 30, (3, 2, 3, 3)).astype(np.int8)),
                           b.init("ws", np.array([0.01, 0.02, 0.005], np.float32)),
                           b.init("wz", np.zeros(3, np.int8)), b.init("ys", np.float32(0.08)),
                           b.init("yz", np.uint8(100)), b.init("b", np.array([100, -200, 50], np.int32))],
           [b.output("y", U8)], pads=[1, 1, 1, 1], strides=[2, 2])


@model("qlinear_matmul", opset=10)
def _(b):
    np = _np()
    b.node("QLinearMatMul", [b.input("a", [2, 4, 8], U8, rng=(0, 255)), b.init("as", np.float32(0.01)),
                             b.init("az", np.uint8(113)), b.init("b", b.rng.integers(0, 255, (8, 5)).astype(np.uint8)),
                             b.init("bs", np.float32(0.007)), b.init("bz", np.uint8(114)),
                             b.init("ys", np.float32(0.02)), b.init("yz", np.uint8(118))], [b.output("y", U8)])


@model("matmul_integer", opset=10)
def _(b):
    np = _np()
    b.node("MatMulInteger", [b.input("a", [3, 8], U8, rng=(0, 255)),
                             b.init("b", b.rng.integers(0, 255, (8, 4)).astype(np.uint8)),
                             b.init("az", np.uint8(12)), b.init("bz", np.array([0, 1, 2, 3], np.uint8))],
           [b.output("y", I32)])


@model("conv_integer", opset=10)
def _(b):
    np = _np()
    b.node("ConvInteger", [b.input("x", [1, 2, 5, 5], U8, rng=(0, 255)),
                           b.init("w", b.rng.integers(0, 255, (3, 2, 2, 2)).astype(np.uint8)),
                           b.init("xz", np.uint8(7)), b.init("wz", np.uint8(128))],
           [b.output("y", I32)], pads=[0, 1, 0, 1])
# --- control flow: bodies read outer values, use the iteration number, walk backwards ---
def body_graph(name, nodes, inputs, outputs, inits=()):
    from onnx import helper
    return helper.make_graph(nodes, name, inputs, outputs, list(inits))


def f32_info(name, shape):
    from onnx import TensorProto, helper
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


@model("if_branches_capture_input")
def _(b):
    from onnx import helper
    import numpy as np
    from onnx import numpy_helper
    x = b.input("x", [2, 3])
    b.node("ReduceSum", [x], ["total"], keepdims=0)
    b.node("Greater", ["total", b.init("zero", np.float32(0))], ["positive"])
    then_body = body_graph("then", [helper.make_node("Mul", ["x", "two"], ["t"])], [], [f32_info("t", [2, 3])],
                           [numpy_helper.from_array(np.float32(2), "two")])
    else_body = body_graph("else", [helper.make_node("Sub", ["x", "one"], ["e"])], [], [f32_info("e", [2, 3])],
                           [numpy_helper.from_array(np.float32(1), "one")])
    b.node("If", ["positive"], [b.output("y", shape=[2, 3])], then_branch=then_body, else_branch=else_body)


@model("loop_carried_iteration_and_scan")
def _(b):
    from onnx import TensorProto, helper
    import numpy as np
    x = b.input("x", [2, 3])
    body = body_graph("body", [
        helper.make_node("Identity", ["c"], ["c_out"]),
        helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["v", "half"], ["hv"]),
        helper.make_node("Add", ["hv", "x"], ["hvx"]),
        helper.make_node("Add", ["hvx", "fi"], ["v_out"]),
        helper.make_node("Neg", ["v_out"], ["scan"]),
    ], [helper.make_tensor_value_info("i", TensorProto.INT64, []),
        helper.make_tensor_value_info("c", TensorProto.BOOL, []), f32_info("v", [2, 3])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), f32_info("v_out", [2, 3]),
         f32_info("scan", [2, 3])],
        [__import__("onnx").numpy_helper.from_array(np.float32(0.5), "half")])
    b.node("Loop", [b.ints("trips", np.int64(4)), b.init("go", np.array(True)), x], [b.output("v_final", shape=[2, 3]), b.output("scans", shape=[4, 2, 3])],
           body=body)


@model("loop_with_if_in_body")
def _(b):
    # The If reads the loop-carried "a" (from the body) and "x" (from the model), two scopes out.
    from onnx import TensorProto, helper
    import numpy as np
    x = b.input("x", [2])
    then_body = body_graph("then", [helper.make_node("Add", ["a", "x"], ["t"])], [], [f32_info("t", [2])])
    else_body = body_graph("else", [helper.make_node("Sub", ["a", "x"], ["e"])], [], [f32_info("e", [2])])
    body = body_graph("body", [
        helper.make_node("Less", ["i", "two"], ["early"]),
        helper.make_node("If", ["early"], ["a_out"], then_branch=then_body, else_branch=else_body),
        helper.make_node("Identity", ["c"], ["c_out"]),
    ], [helper.make_tensor_value_info("i", TensorProto.INT64, []),
        helper.make_tensor_value_info("c", TensorProto.BOOL, []), f32_info("a", [2])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), f32_info("a_out", [2]), f32_info("a_out", [2])],
        [__import__("onnx").numpy_helper.from_array(np.int64(2), "two")])
    b.node("Loop", [b.ints("trips", np.int64(5)), "", b.input("y", [2])],
           [b.output("a_final", shape=[2]), b.output("all", shape=[5, 2])], body=body)


@model("loop_carried_value_grows")
def _(b):
    # "a" gains two elements per iteration, so the body's Parameter must not keep the initial shape.
    from onnx import TensorProto, helper
    import numpy as np
    body = body_graph("body", [
        helper.make_node("Concat", ["a", "x"], ["a_out"], axis=0),
        helper.make_node("Identity", ["c"], ["c_out"]),
        helper.make_node("ReduceSum", ["a_out"], ["s"], keepdims=1),
    ], [helper.make_tensor_value_info("i", TensorProto.INT64, []),
        helper.make_tensor_value_info("c", TensorProto.BOOL, []), f32_info("a", ["n"])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []), f32_info("a_out", ["m"]), f32_info("s", [1])])
    b.input("x", [2])
    b.node("Loop", [b.ints("trips", np.int64(3)), "", b.input("y", [1])],
           [b.output("a_final", shape=[7]), b.output("sums", shape=[3, 1])], body=body)


@model("scan8_batch_of_two_backwards", opset=8)
def _(b):
    from onnx import helper
    body = body_graph("body", [
        helper.make_node("Add", ["s", "next"], ["s_out"]),
        helper.make_node("Sigmoid", ["s_out"], ["out"]),
    ], [f32_info("s", [3]), f32_info("next", [3])], [f32_info("s_out", [3]), f32_info("out", [3])])
    b.node("Scan", ["", b.input("init", [2, 3]), b.input("xs", [2, 4, 3])],
           [b.output("final", shape=[2, 3]), b.output("outs", shape=[2, 4, 3])],
           body=body, num_scan_inputs=1, directions=[1])


@model("scan_backwards_both_ways", opset=16)
def _(b):
    from onnx import helper
    import numpy as np
    body = body_graph("body", [
        helper.make_node("Mul", ["next", "two"], ["n2"]),
        helper.make_node("Add", ["s", "n2"], ["s_out"]),
        helper.make_node("Tanh", ["s_out"], ["out"]),
    ], [f32_info("s", [3]), f32_info("next", [3])], [f32_info("s_out", [3]), f32_info("out", [3])],
        [__import__("onnx").numpy_helper.from_array(np.float32(2), "two")])
    b.node("Scan", [b.input("init", [3]), b.input("xs", [5, 3])], [b.output("final", shape=[3]), b.output("outs", shape=[5, 3])],
           body=body, num_scan_inputs=1, scan_input_directions=[1], scan_output_directions=[1])


if __name__ == "__main__":
    out = ensure_models(Path(__file__), f"onnx {version('onnx')}, numpy {version('numpy')}", build_all)
    print(out)
