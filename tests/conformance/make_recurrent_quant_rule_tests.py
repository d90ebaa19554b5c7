#!/usr/bin/env python3
"""Writes rules/onnx/tests/{recurrent,quantization}.test.json: small ONNX LSTM/GRU/RNN and quantized
nodes with seeded inputs, each expected output computed by onnxruntime (by onnx.reference where
onnxruntime lacks the op, or by the spec's formula where both lack a feature).

usage (in the venv): make_recurrent_quant_rule_tests.py REPO_ROOT
"""
import json
import re
import sys
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper
from onnx.reference import ReferenceEvaluator

NP2T = {np.float32: "f32", np.uint8: "u8", np.int8: "i8", np.int32: "i32", np.int64: "i64", np.float16: "f16"}
def tname(a): return NP2T[a.dtype.type]

def build(name, op, ordered, attrs, outs, opset=13, expect=None, err=None, tol=None, const_names=()):
    """ordered: list of (name, array or None) in node-input order. const_names: which are constants."""
    ins = [(n, a) for n, a in ordered if n and n not in const_names]
    cs = [(n, a) for n, a in ordered if n and n in const_names]
    t = {"name": name, "opset": {"ai.onnx": opset},
         "inputs": {n: {"type": tname(a), "shape": list(a.shape)} for n, a in ins}}
    if cs:
        t["constants"] = {n: {"type": tname(a), "shape": list(a.shape),
                              "values": [round(float(v), 7) if a.dtype.kind == 'f' else int(v) for v in a.flatten()]} for n, a in cs}
    t["nodes"] = [{"op": "onnx." + op, "inputs": [n for n, _ in ordered], "outputs": outs, "attrs": dict(attrs)}]
    t["outputs"] = [o for o in outs if o]
    if expect: t["expect"] = dict(expect)
    if err:
        t.setdefault("expect", {})["error"] = err
        return t
    # onnxruntime lacks layout 1 and needs hidden_size: run the equivalent layout-0 node instead.
    ref_attrs = dict(attrs)
    batchwise = op in ("LSTM", "GRU", "RNN") and ref_attrs.pop("layout", 0) == 1
    if op in ("LSTM", "GRU", "RNN") and "hidden_size" not in ref_attrs:
        ref_attrs["hidden_size"] = int(dict(ordered)["r"].shape[-1])
    if batchwise:
        ordered_ref = [(n, a.transpose(1, 0, 2) if n in ("x", "h0", "c0") else a) for n, a in ordered]
    else:
        ordered_ref = ordered
    node = helper.make_node(op, [n for n, _ in ordered], outs, **ref_attrs)
    vi_in = [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(a.dtype), a.shape) for n, a in ordered_ref if n]
    vi_out = [helper.make_empty_tensor_value_info(o) for o in outs if o]
    g = helper.make_graph([node], "g", vi_in, vi_out)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    feeds = {n: a for n, a in ordered_ref if n}
    try:
        import onnxruntime as ort
        m.ir_version = min(m.ir_version, 10)
        res = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"]).run(None, feeds)
    except Exception as e:
        print(f"{name}: onnxruntime failed ({str(e)[:80]}), using onnx.reference", file=sys.stderr)
        res = ReferenceEvaluator(m).run(None, feeds)
    if batchwise:
        res = [r.transpose(2, 0, 1, 3) if r.ndim == 4 else r.transpose(1, 0, 2) for r in res]
    chk = {"inputs": {n: [float(v) if a.dtype.kind == 'f' else int(v) for v in a.flatten()] for n, a in ins},
           "outputs": {}}
    for o, r in zip([o for o in outs if o], res):
        r = np.asarray(r)
        chk["outputs"][o] = {"shape": list(r.shape), "values": [round(float(v), 7) if r.dtype.kind == 'f' else int(v) for v in r.flatten()]}
        t.setdefault("expect", {}).setdefault("shapes", {})[o] = list(r.shape)
    if tol: chk["tolerance"] = tol
    t["check"] = chk
    return t

rng = np.random.default_rng(7)
def rnd(*s, scale=0.5): return (rng.standard_normal(s) * scale).astype(np.float32)

def recurrent():
    T = []
    S, Bt, I, H = 3, 2, 2, 2
    x = rnd(S, Bt, I, scale=1)
    # LSTM forward with bias, weights constant
    W, R, B = rnd(1, 4*H, I), rnd(1, 4*H, H), rnd(1, 8*H)
    T.append(build("LSTM forward with bias: gates reordered, biases summed", "LSTM",
                   [("x", x), ("w", W), ("r", R), ("b", B)], {"hidden_size": H}, ["y", "y_h", "y_c"],
                   const_names={"w", "r", "b"},
                   expect={"ops": ["opset1.Transpose", "opset1.Concat", "opset3.Broadcast", "opset1.Concat", "opset3.Broadcast",
                                   "opset3.Broadcast", "opset1.Split", "opset1.Concat", "opset1.Split", "opset1.Concat",
                                   "opset1.Split", "opset1.Add", "opset1.Split", "opset1.Concat",
                                   "opset5.LSTMSequence", "opset1.Transpose", "opset1.Transpose", "opset1.Transpose"]}))
    # LSTM bidirectional with seq lens, initial states
    W2, R2, B2 = rnd(2, 4*H, I), rnd(2, 4*H, H), rnd(2, 8*H)
    h0, c0 = rnd(2, Bt, H), rnd(2, Bt, H)
    lens = np.array([3, 2], np.int32)
    T.append(build("LSTM bidirectional with sequence_lens and initial states", "LSTM",
                   [("x", x), ("w", W2), ("r", R2), ("b", B2), ("lens", lens), ("h0", h0), ("c0", c0)],
                   {"hidden_size": H, "direction": "bidirectional", "clip": 2.5}, ["y", "y_h", "y_c"],
                   const_names={"w", "r", "b", "lens"}))
    # LSTM with different activations per direction
    T.append(build("LSTM bidirectional with per-direction activations: one sequence op per direction", "LSTM",
                   [("x", x), ("w", W2), ("r", R2), ("b", B2)],
                   {"hidden_size": H, "direction": "bidirectional",
                    "activations": ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Relu", "Tanh"]}, ["y", "y_h"],
                   const_names={"w", "r", "b"}))
    # LSTM layout 1, hidden_size from R, reverse
    xb = rnd(Bt, S, I, scale=1)
    T.append(build("LSTM layout 1 (opset 14), reverse, hidden_size taken from R", "LSTM",
                   [("x", xb), ("w", W), ("r", R)], {"direction": "reverse", "layout": 1}, ["y", "y_h", "y_c"],
                   opset=14, const_names={"w", "r"}))
    # LSTM zero peephole constant accepted
    T.append(build("LSTM with an all-zero constant P", "LSTM",
                   [("x", x), ("w", W), ("r", R), ("b", B), ("", None), ("", None), ("", None), ("p", np.zeros((1, 3*H), np.float32))],
                   {"hidden_size": H}, ["y"], const_names={"w", "r", "b", "p"}, expect={"ops": ["opset1.Transpose", "opset1.Concat", "opset3.Broadcast", "opset1.Concat", "opset3.Broadcast",
                                   "opset3.Broadcast", "opset1.Split", "opset1.Concat", "opset1.Split", "opset1.Concat",
                                   "opset1.Split", "opset1.Add", "opset1.Split", "opset1.Concat",
                                   "opset5.LSTMSequence", "opset1.Transpose", "opset1.Transpose", "opset1.Transpose"]}))
    # GRU linear before reset
    Wg, Rg, Bg = rnd(1, 3*H, I), rnd(1, 3*H, H), rnd(1, 6*H)
    T.append(build("GRU linear_before_reset keeps R's h bias apart", "GRU",
                   [("x", x), ("w", Wg), ("r", Rg), ("b", Bg)], {"hidden_size": H, "linear_before_reset": 1},
                   ["y", "y_h"], const_names={"w", "r", "b"}))
    Wg2, Rg2, Bg2 = rnd(2, 3*H, I), rnd(2, 3*H, H), rnd(2, 6*H)
    T.append(build("GRU bidirectional with sequence_lens and initial_h", "GRU",
                   [("x", x), ("w", Wg2), ("r", Rg2), ("b", Bg2), ("lens", np.array([1, 3], np.int32)), ("h0", rnd(2, Bt, H))],
                   {"hidden_size": H, "direction": "bidirectional"}, ["y", "y_h"], const_names={"w", "r", "b", "lens"}))
    Wr, Rr, Br = rnd(1, H, I), rnd(1, H, H), rnd(1, 2*H)
    T.append(build("RNN layout 1 with initial_h and Relu", "RNN",
                   [("x", xb), ("w", Wr), ("r", Rr), ("b", Br), ("", None), ("h0", rnd(Bt, 1, H))],
                   {"hidden_size": H, "layout": 1, "activations": ["Relu"]}, ["y", "y_h"], opset=14,
                   const_names={"w", "r", "b"}))
    T.append(build("RNN reverse, default bias and state", "RNN",
                   [("x", x), ("w", Wr), ("r", Rr)], {"hidden_size": H, "direction": "reverse"}, ["y", "y_h"],
                   const_names={"w", "r"}))
    Pb = rnd(2, 3*H)
    T.append(build("LSTM bidirectional with peepholes and sequence_lens is written out step by step", "LSTM",
                   [("x", x), ("w", W2), ("r", R2), ("b", B2), ("lens", np.array([2, 3], np.int32)), ("h0", h0), ("c0", c0), ("p", Pb)],
                   {"hidden_size": H, "direction": "bidirectional"}, ["y", "y_h", "y_c"], const_names={"w", "r", "b"}))
    T.append(build("LSTM input_forget, reverse, clipped", "LSTM",
                   [("x", x), ("w", W), ("r", R), ("b", B)], {"hidden_size": H, "input_forget": 1, "direction": "reverse", "clip": 0.7},
                   ["y", "y_h", "y_c"], const_names={"w", "r"}))
    T.append(build("GRU with HardSigmoid and Softsign and their alpha/beta", "GRU",
                   [("x", x), ("w", Wg), ("r", Rg), ("b", Bg)],
                   {"hidden_size": H, "activations": ["HardSigmoid", "Softsign"], "activation_alpha": [0.3], "activation_beta": [0.4]},
                   ["y", "y_h"], const_names={"w", "r", "b"}))
    T.append(build("RNN bidirectional with LeakyRelu and ScaledTanh", "RNN",
                   [("x", x), ("w", rnd(2, H, I)), ("r", rnd(2, H, H)), ("b", rnd(2, 2*H)), ("lens", np.array([3, 1], np.int32))],
                   {"hidden_size": H, "direction": "bidirectional", "activations": ["LeakyRelu", "ScaledTanh"],
                    "activation_alpha": [0.2, 1.5], "activation_beta": [0.7]},
                   ["y", "y_h"], const_names={"w", "r", "b"}))
    e = build("LSTM peepholes with a dynamic sequence length are refused", "LSTM",
              [("x", x), ("w", W), ("r", R), ("b", B), ("", None), ("", None), ("", None), ("p", rnd(1, 3*H))],
              {"hidden_size": H}, ["y"], const_names={"w", "r", "b", "p"}, err="sequence length known at conversion time")
    e["inputs"]["x"]["shape"] = [-1, 2, 2]
    T.append(e)
    T.append(build("GRU with an unknown activation is refused", "GRU",
                   [("x", x), ("w", Wg), ("r", Rg)], {"hidden_size": H, "activations": ["Swish", "Tanh"]}, ["y"],
                   const_names={"w", "r"}, err="activation 'Swish'"))
    return [t for t in T if t]

def quantization():
    T = []
    x = np.array([0, 2, 3, 1000, -254, -1000, 5, 7], np.float32)
    s = np.array(2, np.float32); z = np.array(128, np.uint8)
    T.append(build("QuantizeLinear with constant scale and zero point is FakeQuantize + Convert (ties to even)",
                   "QuantizeLinear", [("x", x), ("s", s), ("z", z)], {}, ["y"], opset=10, const_names={"s", "z"},
                   expect={"ops": ["opset1.Convert", "opset1.Subtract", "opset1.Multiply", "opset1.Subtract",
                                   "opset1.Multiply", "opset1.FakeQuantize", "opset1.Convert"]}))
    T.append(build("QuantizeLinear with scale and zero point from inputs rounds half to even and saturates",
                   "QuantizeLinear", [("x", x), ("s", s), ("z", np.array(-3, np.int8))], {}, ["y"], opset=13))
    T.append(build("QuantizeLinear without zero point is u8", "QuantizeLinear",
                   [("x", x), ("s", s)], {}, ["y"], opset=13, const_names={"s"}))
    x2 = rnd(1, 3, 2, 2, scale=40)
    T.append(build("QuantizeLinear per axis", "QuantizeLinear",
                   [("x", x2), ("s", np.array([1, 2, 4], np.float32)), ("z", np.array([0, -5, 10], np.int8))],
                   {"axis": 1}, ["y"], opset=13, const_names={"s", "z"}))
    T.append(build("QuantizeLinear per axis with a negative axis, scale as input", "QuantizeLinear",
                   [("x", rnd(3, 2, scale=10)), ("s", np.array([0.5, 2], np.float32)), ("z", np.array([1, 2], np.uint8))],
                   {"axis": -1}, ["y"], opset=13))
    xb = rnd(2, 6, scale=20)
    T.append(build("QuantizeLinear blocked (opset 21)", "QuantizeLinear",
                   [("x", xb), ("s", np.array([[1, 2], [4, 0.5]], np.float32)), ("z", np.array([[0, 1], [2, 3]], np.int8))],
                   {"axis": 1, "block_size": 4}, ["y"], opset=21, const_names={"s", "z"}))
    T.append(build("QuantizeLinear output_dtype without zero point (opset 21)", "QuantizeLinear",
                   [("x", x), ("s", s)], {"output_dtype": 3}, ["y"], opset=21, const_names={"s"}))
    T.append(build("DequantizeLinear per tensor", "DequantizeLinear",
                   [("x", np.array([0, 3, 128, 255], np.uint8)), ("s", s), ("z", z)], {}, ["y"], opset=10,
                   const_names={"s", "z"},
                   expect={"ops": ["opset1.Convert", "opset1.Convert", "opset1.Subtract", "opset1.Multiply"]}))
    T.append(build("DequantizeLinear per axis, i32 without zero point", "DequantizeLinear",
                   [("x", np.array([[1, -2, 3], [4, 5, -600]], np.int32)), ("s", np.array([0.5, 2], np.float32))],
                   {"axis": 0}, ["y"], opset=13, const_names={"s"}))
    T.append(build("DequantizeLinear blocked (opset 21)", "DequantizeLinear",
                   [("x", np.array([[1, -2, 3, 7, 8], [4, 5, -6, 0, 1]], np.int8)),
                    ("s", np.array([[0.5, 2], [1, 3]], np.float32)), ("z", np.array([[1, 0], [0, -1]], np.int8))],
                   {"axis": 1, "block_size": 3}, ["y"], opset=21, const_names={"s", "z"}))
    T.append(build("DequantizeLinear blocked along a middle axis (opset 21)", "DequantizeLinear",
                   [("x", rng.integers(-100, 100, (1, 4, 3, 2)).astype(np.int8)),
                    ("s", np.abs(rnd(1, 2, 3, 2)) + 0.1), ("z", rng.integers(-3, 3, (1, 2, 3, 2)).astype(np.int8))],
                   {"axis": 1, "block_size": 2}, ["y"], opset=21))
    T.append(build("DynamicQuantizeLinear", "DynamicQuantizeLinear",
                   [("x", np.array([0, 2, -3, -2.5, 1.34, 0.5], np.float32))], {}, ["y", "y_scale", "y_zp"], opset=11))
    T.append(build("DynamicQuantizeLinear of positive values", "DynamicQuantizeLinear",
                   [("x", np.array([[1, 2.1, 1.3], [2.5, 3.34, 4.0]], np.float32))], {}, ["y", "y_scale", "y_zp"], opset=11))
    a = np.array([[11, 7, 3], [10, 6, 2], [9, 5, 1], [8, 4, 0]], np.uint8)
    b = np.array([[1, 4], [2, 5], [3, 6]], np.uint8)
    T.append(build("MatMulInteger with a scalar A and per-column B zero point", "MatMulInteger",
                   [("a", a), ("b", b), ("az", np.array(12, np.uint8)), ("bz", np.array([0, 1], np.uint8))],
                   {}, ["y"], opset=10))
    # onnxruntime refuses a per-row A zero point, which the spec allows: expected values by the spec's formula.
    ar, br = np.array([[1, 2, 3], [4, 5, 6]], np.uint8), np.array([[1, 0], [0, 1], [1, 1]], np.uint8)
    azr = np.array([1, 4], np.uint8)
    want = (ar.astype(np.int32) - azr[:, None]) @ br.astype(np.int32)
    T.append({"name": "MatMulInteger with a per-row A zero point (expected by the spec's formula)", "opset": {"ai.onnx": 10},
              "inputs": {"a": {"type": "u8", "shape": [2, 3]}},
              "constants": {"b": {"type": "u8", "shape": [3, 2], "values": br.flatten().tolist()},
                            "az": {"type": "u8", "shape": [2], "values": azr.tolist()}},
              "nodes": [{"op": "onnx.MatMulInteger", "inputs": ["a", "b", "az"], "outputs": ["y"]}],
              "outputs": ["y"],
              "check": {"inputs": {"a": ar.flatten().tolist()},
                        "outputs": {"y": {"shape": [2, 2], "values": want.flatten().tolist()}}}})
    T.append(build("MatMulInteger without zero points", "MatMulInteger", [("a", a.astype(np.int8)), ("b", b.astype(np.int8))],
                   {}, ["y"], opset=10))
    xc = np.arange(2, 11, dtype=np.uint8).reshape(1, 1, 3, 3)
    wc = np.ones((1, 1, 2, 2), np.uint8)
    T.append(build("ConvInteger with zero points and padding", "ConvInteger",
                   [("x", xc), ("w", wc), ("xz", np.array(1, np.uint8)), ("wz", np.array([0], np.uint8))],
                   {"pads": [1, 1, 1, 1]}, ["y"], opset=10, const_names={"w"}))
    qa = np.array([[208, 236, 0, 238], [3, 214, 255, 29]], np.uint8)
    qb = np.array([[152, 51, 244], [60, 26, 255], [0, 127, 246], [127, 254, 247]], np.uint8)
    T.append(build("QLinearMatMul u8", "QLinearMatMul",
                   [("a", qa), ("as", np.array(0.0066, np.float32)), ("az", np.array(113, np.uint8)),
                    ("b", qb), ("bs", np.array(0.00705, np.float32)), ("bz", np.array(114, np.uint8)),
                    ("ys", np.array(0.0107, np.float32)), ("yz", np.array(118, np.uint8))], {}, ["y"], opset=10,
                   const_names={"b", "bs", "bz", "ys", "yz"}))
    xq = rng.integers(0, 255, (1, 2, 4, 4)).astype(np.uint8)
    wq = rng.integers(-20, 20, (3, 2, 2, 2)).astype(np.int8)
    T.append(build("QLinearConv with per-channel weight scales and bias", "QLinearConv",
                   [("x", xq), ("xs", np.array(0.02, np.float32)), ("xz", np.array(120, np.uint8)),
                    ("w", wq), ("ws", np.array([0.01, 0.02, 0.005], np.float32)), ("wz", np.array([0, 0, 0], np.int8)),
                    ("ys", np.array(0.05, np.float32)), ("yz", np.array(100, np.uint8)),
                    ("b", np.array([100, -200, 50], np.int32))],
                   {"strides": [2, 2]}, ["y"], opset=10, const_names={"w", "ws", "wz", "ys", "yz", "b"}))
    T.append(build("QuantizeLinear of an unsupported fp8 FNUZ output type is refused", "QuantizeLinear",
                   [("x", x), ("s", s)], {"output_dtype": 18}, ["y"], opset=21, const_names={"s"},
                   err="FLOAT8E4M3FNUZ"))
    return T

root = sys.argv[1]
for fname, fn, comment in [("recurrent", recurrent, "Tests of rules/onnx/recurrent.lua; expected values from onnxruntime (onnx.reference where onnxruntime lacks the op)."),
                           ("quantization", quantization, "Tests of rules/onnx/quantization.lua; expected values from onnxruntime (onnx.reference where onnxruntime lacks the op).")]:
    with open(f"{root}/rules/onnx/tests/{fname}.test.json", "w") as f:
        text = json.dumps({"comment": comment, "tests": fn()}, indent=1)

        # Lists of numbers and strings on one line.
        text = re.sub(r"\[\s*((?:-?[0-9.e+-]+|\"[^\"]*\")(?:,\s*(?:-?[0-9.e+-]+|\"[^\"]*\"))*)\s*\]",
                      lambda m: "[" + re.sub(r",\s*", ", ", m.group(1)) + "]", text)
        f.write(text + "\n")
