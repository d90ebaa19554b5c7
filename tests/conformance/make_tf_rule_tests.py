#!/usr/bin/env python3
"""Writes rules/tensorflow/tests/ops.test.json: one rule test per TensorFlow op attribute case,
with the expected outputs computed by TensorFlow itself (tf.raw_ops) on small seeded inputs.

    ~/.cache/remo/venv/bin/python tests/conformance/make_tf_rule_tests.py

Run it again after changing a case; the JSON is committed, so the rule tests need no TensorFlow.
"""
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = Path(__file__).resolve().parents[2] / "rules" / "tensorflow" / "tests" / "ops.test.json"
rng = np.random.default_rng(3)
TYPES = {np.float32: "f32", np.int32: "i32", np.int64: "i64"}


def arr(shape, dtype=np.float32):
    if dtype == np.float32:
        return np.round(rng.standard_normal(shape), 2).astype(np.float32)
    return rng.integers(-5, 5, shape).astype(dtype)


def case(name, op, inputs, attrs, fn, consts=(), expect=None, tf_attrs=None):
    """inputs: list of (name, array); those named in `consts` become constants. fn(*tensors)
    computes the expectation with tf.raw_ops."""
    test = {"name": name, "inputs": {}, "constants": {}}
    for n, a in inputs:
        spec = {"type": TYPES[a.dtype.type], "shape": list(a.shape)}
        if n in consts:
            test["constants"][n] = {**spec, "values": a.ravel().tolist()}
        else:
            test["inputs"][n] = spec
    if not test["constants"]:
        del test["constants"]
    y = fn(*[tf.constant(a) for _, a in inputs])
    test["nodes"] = [{"op": "tf." + op, "inputs": [n for n, _ in inputs], "outputs": ["y"], "attrs": attrs}]
    test["outputs"] = ["y"]
    if expect:
        test["expect"] = expect
    test["check"] = {"inputs": {n: a.ravel().tolist() for n, a in inputs if n not in consts},
                     "outputs": {"y": np.asarray(y).ravel().astype(np.float64).round(6).tolist()},
                     "tolerance": 1e-4}
    return test


def conv_cases():
    x, w = arr([1, 5, 6, 2]), arr([3, 3, 2, 3])
    out = []
    for padding, strides, dil in (("SAME", [1, 2, 2, 1], [1, 1, 1, 1]), ("VALID", [1, 1, 1, 1], [1, 1, 2, 1])):
        out.append(case(f"Conv2D NHWC {padding} strides {strides[1:3]} dilations {dil[1:3]}", "Conv2D",
                        [("x", x), ("w", w)], {"strides": strides, "dilations": dil, "padding": padding},
                        lambda a, b: tf.raw_ops.Conv2D(input=a, filter=b, strides=strides, padding=padding,
                                                       dilations=dil), consts=("w",)))
    pads = [0, 0, 1, 0, 2, 1, 0, 0]
    out.append(case("Conv2D EXPLICIT padding", "Conv2D", [("x", x), ("w", w)],
                    {"strides": [1, 1, 1, 1], "padding": "EXPLICIT", "explicit_paddings": pads},
                    lambda a, b: tf.raw_ops.Conv2D(input=a, filter=b, strides=[1, 1, 1, 1], padding="EXPLICIT",
                                                   explicit_paddings=pads), consts=("w",)))
    wd = arr([2, 2, 2, 2])
    out.append(case("DepthwiseConv2dNative, channel multiplier 2", "DepthwiseConv2dNative", [("x", x), ("w", wd)],
                    {"strides": [1, 1, 2, 1], "padding": "SAME"},
                    lambda a, b: tf.raw_ops.DepthwiseConv2dNative(input=a, filter=b, strides=[1, 1, 2, 1],
                                                                  padding="SAME"), consts=("w",),
                    expect={"ops": ["opset1.Transpose", "opset1.Transpose", "opset1.Unsqueeze", "opset1.GroupConvolution", "opset1.Transpose"]}))
    return out


def main():
    tests = conv_cases()
    x4 = arr([1, 4, 4, 3])
    xc = arr([1, 3, 4, 4])
    bias = arr([3])
    tests.append(case("BiasAdd NHWC", "BiasAdd", [("x", x4), ("b", bias)], {},
                      lambda a, b: tf.raw_ops.BiasAdd(value=a, bias=b), consts=("b",)))
    tests.append(case("BiasAdd NCHW", "BiasAdd", [("x", xc), ("b", bias)], {"data_format": "NCHW"},
                      lambda a, b: tf.raw_ops.BiasAdd(value=a, bias=b, data_format="NCHW"), consts=("b",)))
    s, o, m, v = arr([3]), arr([3]), arr([3]), np.abs(arr([3])) + 0.5
    tests.append(case("FusedBatchNormV3 inference NHWC", "FusedBatchNormV3",
                      [("x", x4), ("s", s), ("o", o), ("m", m), ("v", v)], {"epsilon": 0.001, "is_training": False},
                      lambda *t: tf.raw_ops.FusedBatchNormV3(x=t[0], scale=t[1], offset=t[2], mean=t[3], variance=t[4],
                                                             epsilon=0.001, is_training=False)[0],
                      consts=("s", "o", "m", "v")))
    tests.append(case("FusedBatchNorm inference NCHW", "FusedBatchNorm",
                      [("x", xc), ("s", s), ("o", o), ("m", m), ("v", v)],
                      {"epsilon": 0.01, "is_training": False, "data_format": "NCHW"},
                      lambda *t: tf.raw_ops.FusedBatchNorm(x=t[0], scale=t[1], offset=t[2], mean=t[3], variance=t[4],
                                                           epsilon=0.01, is_training=False, data_format="NCHW")[0],
                      consts=("s", "o", "m", "v")))
    for op, padding, ksize, strides in (("MaxPool", "SAME", [1, 3, 3, 1], [1, 2, 2, 1]),
                                        ("AvgPool", "SAME", [1, 3, 3, 1], [1, 2, 2, 1]),
                                        ("AvgPool", "VALID", [1, 2, 2, 1], [1, 1, 1, 1])):
        fn = getattr(tf.raw_ops, op)
        tests.append(case(f"{op} {padding} ksize {ksize[1:3]} strides {strides[1:3]}", op, [("x", x4)],
                          {"ksize": ksize, "strides": strides, "padding": padding},
                          lambda a, fn=fn, k=ksize, st=strides, p=padding: fn(input=a, ksize=k, strides=st, padding=p)
                          if op == "MaxPool" else fn(value=a, ksize=k, strides=st, padding=p)))
    tests.append(case("MaxPool NCHW", "MaxPool", [("x", xc)],
                      {"ksize": [1, 1, 2, 2], "strides": [1, 1, 2, 2], "padding": "VALID", "data_format": "NCHW"},
                      lambda a: tf.transpose(tf.raw_ops.MaxPool(input=tf.transpose(a, [0, 2, 3, 1]), ksize=[1, 2, 2, 1],
                                                                strides=[1, 2, 2, 1], padding="VALID"), [0, 3, 1, 2])))
    for op in ("Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "Softmax"):
        a = arr([2, 5]) * 4
        fn = getattr(tf.raw_ops, op)
        tests.append(case(op, op, [("x", a)], {},
                          lambda t, fn=fn, op=op: fn(logits=t) if op == "Softmax" else fn(features=t) if op != "Sigmoid"
                          and op != "Tanh" else fn(x=t)))
    tests.append(case("LeakyRelu alpha 0.3", "LeakyRelu", [("x", arr([2, 5]))], {"alpha": 0.3},
                      lambda t: tf.raw_ops.LeakyRelu(features=t, alpha=0.3)))
    tests.append(case("_FusedConv2D BiasAdd, LeakyRelu", "_FusedConv2D",
                      [("x", arr([1, 3, 3, 2])), ("w", arr([2, 2, 2, 2])), ("b", arr([2]))],
                      {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["BiasAdd", "LeakyRelu"],
                       "num_args": 1, "leakyrelu_alpha": 0.1},
                      lambda u, w, b: tf.nn.leaky_relu(tf.nn.bias_add(tf.nn.conv2d(u, w, 1, "SAME"), b), 0.1),
                      consts=("w", "b")))
    a, b = arr([2, 3]), arr([3, 4])
    tests.append(case("MatMul", "MatMul", [("a", a), ("b", b)], {},
                      lambda p, q: tf.raw_ops.MatMul(a=p, b=q)))
    tests.append(case("MatMul transpose_a and transpose_b", "MatMul", [("a", a.T.copy()), ("b", b.T.copy())],
                      {"transpose_a": True, "transpose_b": True},
                      lambda p, q: tf.raw_ops.MatMul(a=p, b=q, transpose_a=True, transpose_b=True)))
    ba, bb = arr([2, 1, 3, 4]), arr([3, 5, 4])
    tests.append(case("BatchMatMulV2 broadcast, adj_y", "BatchMatMulV2", [("a", ba), ("b", bb)], {"adj_y": True},
                      lambda p, q: tf.raw_ops.BatchMatMulV2(x=p, y=q, adj_y=True)))
    for op in ("AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "SquaredDifference"):
        p, q = arr([2, 3]), arr([3])
        if op == "RealDiv":
            q = np.abs(q) + 0.5
        fn = getattr(tf.raw_ops, op)
        tests.append(case(f"{op} with broadcasting", op, [("a", p), ("b", q)], {}, lambda u, w, fn=fn: fn(x=u, y=w)))
    for op in ("Rsqrt", "Sqrt", "Square"):
        p = np.abs(arr([4])) + 0.1
        fn = getattr(tf.raw_ops, op)
        tests.append(case(op, op, [("x", p)], {}, lambda u, fn=fn: fn(x=u)))
    r = arr([2, 3, 4])
    for op, keep in (("Mean", True), ("Sum", False), ("Max", False)):
        axes = np.array([0, -1], np.int32)
        fn = getattr(tf.raw_ops, op)
        tests.append(case(f"{op} keep_dims {keep}", op, [("x", r), ("axes", axes)], {"keep_dims": keep},
                          lambda u, ax, fn=fn, keep=keep: fn(input=u, axis=ax, keep_dims=keep), consts=("axes",)))
    tests.append(case("Reshape with -1", "Reshape", [("x", r), ("shape", np.array([4, -1], np.int32))], {},
                      lambda u, s: tf.raw_ops.Reshape(tensor=u, shape=s), consts=("shape",)))
    sq = arr([1, 3, 1, 2])
    tests.append(case("Squeeze of listed dims", "Squeeze", [("x", sq)], {"squeeze_dims": [2]},
                      lambda u: tf.raw_ops.Squeeze(input=u, axis=[2]), expect={"shapes": {"y": [1, 3, 2]}}))
    tests.append(case("Squeeze of every 1", "Squeeze", [("x", sq)], {},
                      lambda u: tf.raw_ops.Squeeze(input=u), expect={"shapes": {"y": [3, 2]}}))
    tests.append(case("ExpandDims at -1", "ExpandDims", [("x", r), ("axis", np.array(-1, np.int32))], {},
                      lambda u, ax: tf.raw_ops.ExpandDims(input=u, axis=ax), consts=("axis",),
                      expect={"shapes": {"y": [2, 3, 4, 1]}}))
    tests.append(case("ConcatV2 on a negative axis", "ConcatV2",
                      [("a", arr([2, 3])), ("b", arr([2, 2])), ("axis", np.array(-1, np.int32))], {},
                      lambda u, w, ax: tf.raw_ops.ConcatV2(values=[u, w], axis=ax), consts=("axis",)))
    pads = np.array([[1, 0], [0, 2]], np.int32)
    pm = arr([2, 3])
    tests.append(case("Pad", "Pad", [("x", pm), ("p", pads)], {},
                      lambda u, p: tf.raw_ops.Pad(input=u, paddings=p), consts=("p",)))
    tests.append(case("PadV2 with a value", "PadV2", [("x", pm), ("p", pads), ("c", np.array(7, np.float32))], {},
                      lambda u, p, c: tf.raw_ops.PadV2(input=u, paddings=p, constant_values=c), consts=("p", "c")))
    for mode in ("REFLECT", "SYMMETRIC"):
        tests.append(case(f"MirrorPad {mode}", "MirrorPad", [("x", pm), ("p", pads)], {"mode": mode},
                          lambda u, p, mode=mode: tf.raw_ops.MirrorPad(input=u, paddings=p, mode=mode), consts=("p",)))
    tests.append(case("Transpose", "Transpose", [("x", r), ("perm", np.array([2, 0, 1], np.int32))], {},
                      lambda u, p: tf.raw_ops.Transpose(x=u, perm=p), consts=("perm",)))
    tests.append(case("Pack on axis -1", "Pack", [("a", arr([2, 3])), ("b", arr([2, 3]))], {"axis": -1},
                      lambda u, w: tf.raw_ops.Pack(values=[u, w], axis=-1), expect={"shapes": {"y": [2, 3, 2]}}))
    st = arr([3, 4, 5])
    for name, b, e, s_, masks in (
            ("begin and end masks, negative stride", [0, 3, 1], [2, 0, 4], [1, -1, 2], {"begin_mask": 1, "end_mask": 0}),
            ("shrink_axis and new_axis", [1, 0, 0], [2, 0, 0], [1, 1, 1], {"shrink_axis_mask": 1, "new_axis_mask": 2, "end_mask": 4}),
            ("ellipsis", [0, 1], [0, 3], [1, 1], {"ellipsis_mask": 1})):
        bb_, ee, ss = (np.array(v, np.int32) for v in (b, e, s_))
        tests.append(case(f"StridedSlice {name}", "StridedSlice",
                          [("x", st), ("b", bb_), ("e", ee), ("s", ss)], masks,
                          lambda u, p, q, w, masks=masks: tf.raw_ops.StridedSlice(input=u, begin=p, end=q, strides=w,
                                                                                  **masks), consts=("b", "e", "s")))
    ff = arr([2, 3]) * 3
    tests.append(case("Cast to i32 truncates", "Cast", [("x", ff)], {"DstT": "i32"},
                      lambda u: tf.raw_ops.Cast(x=u, DstT=tf.int32)))
    fc = arr([1, 4, 4, 2])
    wf = arr([1, 1, 2, 3])
    fb = arr([3])
    tests.append(case("_FusedConv2D BiasAdd, Relu6", "_FusedConv2D", [("x", fc), ("w", wf), ("b", fb)],
                      {"strides": [1, 1, 1, 1], "padding": "VALID", "fused_ops": ["BiasAdd", "Relu6"], "num_args": 1},
                      lambda u, w, b: tf.nn.relu6(tf.nn.bias_add(tf.nn.conv2d(u, w, 1, "VALID"), b)), consts=("w", "b")))
    tests.append(case("_FusedConv2D FusedBatchNorm, Relu", "_FusedConv2D",
                      [("x", fc), ("w", wf), ("s", s), ("o", o), ("m", m), ("v", v)],
                      {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": ["FusedBatchNorm", "Relu"],
                       "num_args": 4, "epsilon": 0.001},
                      lambda u, w, *bn: tf.nn.relu(tf.raw_ops.FusedBatchNormV3(
                          x=tf.nn.conv2d(u, w, 1, "SAME"), scale=bn[0], offset=bn[1], mean=bn[2], variance=bn[3],
                          epsilon=0.001, is_training=False)[0]), consts=("w", "s", "o", "m", "v")))
    ma, mb, mbias = arr([2, 3]), arr([4, 3]), arr([4])
    tests.append(case("_FusedMatMul transpose_b, BiasAdd, Relu", "_FusedMatMul", [("a", ma), ("b", mb), ("c", mbias)],
                      {"transpose_b": True, "fused_ops": ["BiasAdd", "Relu"], "num_args": 1},
                      lambda u, w, c: tf.nn.relu(tf.matmul(u, w, transpose_b=True) + c), consts=("b", "c")))
    doc = {"comment": "Tests of rules/tensorflow/*.lua, expectations computed by TensorFlow: written by "
                      "tests/conformance/make_tf_rule_tests.py, do not edit by hand.", "tests": tests}
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(tests)} tests to {OUT}")


if __name__ == "__main__":
    main()
