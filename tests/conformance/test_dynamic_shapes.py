#!/usr/bin/env python3
"""Dynamic shapes end to end: symbolic and unknown ONNX dims stay dynamic in the IR unless
--input_shape fixes them, and an IR stays reshapeable (OpenVINO's model.reshape to new shapes,
then inference, gives onnxruntime's numbers). Runs in the venv.

  test_dynamic_shapes.py [REMO_BINARY]      (default: build/remo)

Prints one line per case and ends with "N passed, M failed"; exits non-zero on failure.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import openvino as ov
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def check(cond: bool, msg: str):
    if not cond:
        raise AssertionError(msg)


def convert(model: onnx.ModelProto, tmp: Path, *extra: str) -> ov.Model:
    path = tmp / "model.onnx"
    onnx.save(model, str(path))
    proc = subprocess.run([str(REMO), "--input_model", str(path), "--output_dir", str(tmp / "ir"),
                           "--compress_to_fp16=False", *extra],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT_S)
    check(proc.returncode == 0, f"remo exit {proc.returncode}: {proc.stderr.strip()[:300]}")
    return ov.Core().read_model(str(tmp / "ir" / "model.xml"))


def ir_shapes(model: ov.Model) -> dict:
    return {port.get_any_name(): str(port.get_partial_shape()) for port in model.inputs}


def same_as_onnxruntime(ov_model: ov.Model, onnx_model: onnx.ModelProto, feeds: dict, what: str):
    sess = ort.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])
    want = sess.run(None, feeds)
    compiled = ov.Core().compile_model(ov_model, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    got = compiled(feeds)
    for k, w in enumerate(want):
        g = got[compiled.outputs[k]]
        check(g.shape == w.shape, f"{what}: output {k} shape {list(g.shape)}, onnxruntime {list(w.shape)}")
        err = float(np.max(np.abs(g - w), initial=0.0))
        check(err <= 1e-4 * max(1.0, float(np.max(np.abs(w), initial=0.0))), f"{what}: output {k} max abs err {err:.3g}")


def weight(name: str, shape, seed: int) -> TensorProto:
    return numpy_helper.from_array(np.random.default_rng(seed).uniform(-1, 1, shape).astype(np.float32), name)


def matmul_model() -> onnx.ModelProto:
    """x [batch, seq, 8] (symbolic) @ w + y [?, 4] (a dim with neither value nor name), Relu."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "seq", 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 4])
    z = helper.make_tensor_value_info("z", TensorProto.FLOAT, None)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "y"], ["s"]),
             helper.make_node("Relu", ["s"], ["z"])]
    graph = helper.make_graph(nodes, "dyn", [x, y], [z], [weight("w", (8, 4), 1)])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)


def feeds_for(shapes: dict, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(-1, 1, shape).astype(np.float32) for name, shape in shapes.items()}


def flatten_model(batch, height, width) -> onnx.ModelProto:
    """Conv, then the flatten an exporter writes for x.view(x.size(0), -1): Shape, Gather of
    dim 0, Concat with -1, Reshape; then Gemm. Reshapeable only if the shape stays computed."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, height, width])
    out = helper.make_tensor_value_info("out", TensorProto.FLOAT, None)
    nodes = [
        helper.make_node("Conv", ["x", "k"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["p"]),
        helper.make_node("Shape", ["p"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
        helper.make_node("Reshape", ["p", "target"], ["flat"]),
        helper.make_node("Gemm", ["flat", "g"], ["out"]),
    ]
    inits = [weight("k", (4, 3, 3, 3), 2), weight("g", (4, 2), 3),
             numpy_helper.from_array(np.array(0, np.int64), "zero"),
             numpy_helper.from_array(np.array([0], np.int64), "axes0"),
             numpy_helper.from_array(np.array([-1], np.int64), "minus1")]
    graph = helper.make_graph(nodes, "flatten", [x], [out], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)


# --- cases --------------------------------------------------------------------------------
@case
def symbolic_and_unknown_dims_stay_dynamic(tmp: Path):
    model = matmul_model()
    ir = convert(model, tmp)
    check(ir_shapes(ir) == {"x": "[?,?,8]", "y": "[?,4]"}, f"IR input shapes {ir_shapes(ir)}")
    for seed, (b, s) in enumerate([(2, 3), (1, 5)]):
        same_as_onnxruntime(ir, model, feeds_for({"x": (b, s, 8), "y": (s, 4)}, seed), f"x [{b},{s},8]")


@case
def input_shape_fixes_every_dim(tmp: Path):
    model = matmul_model()
    ir = convert(model, tmp, "--input_shape", "[2,3,8],[3,4]")
    check(ir_shapes(ir) == {"x": "[2,3,8]", "y": "[3,4]"}, f"IR input shapes {ir_shapes(ir)}")
    same_as_onnxruntime(ir, model, feeds_for({"x": (2, 3, 8), "y": (3, 4)}, 7), "fixed shapes")


@case
def input_shape_with_minus_one_keeps_that_dim_dynamic(tmp: Path):
    model = matmul_model()
    ir = convert(model, tmp, "--input", "x,y", "--input_shape", "[-1,3,8],[3,4]")
    check(ir_shapes(ir) == {"x": "[?,3,8]", "y": "[3,4]"}, f"IR input shapes {ir_shapes(ir)}")
    same_as_onnxruntime(ir, model, feeds_for({"x": (4, 3, 8), "y": (3, 4)}, 8), "batch 4")


@case
def dynamic_ir_reshapes_to_static_shapes(tmp: Path):
    model = flatten_model("n", "h", "w")
    ir = convert(model, tmp)
    check(ir_shapes(ir) == {"x": "[?,3,?,?]"}, f"IR input shapes {ir_shapes(ir)}")
    for seed, shape in enumerate([(1, 3, 8, 8), (3, 3, 10, 12)]):
        ir.reshape({"x": shape})
        same_as_onnxruntime(ir, model, {"x": feeds_for({"x": shape}, seed)["x"]}, f"reshaped to {list(shape)}")


@case
def static_ir_stays_reshapeable(tmp: Path):
    model = flatten_model(1, 8, 8)
    ir = convert(model, tmp)
    check(ir_shapes(ir) == {"x": "[1,3,8,8]"}, f"IR input shapes {ir_shapes(ir)}")
    shape = (2, 3, 16, 16)
    ir.reshape({"x": shape})
    dynamic = flatten_model("n", "h", "w")  # onnxruntime checks the static model's declared shape
    same_as_onnxruntime(ir, dynamic, {"x": feeds_for({"x": shape}, 9)["x"]}, f"reshaped to {list(shape)}")


def main() -> int:
    global REMO
    REMO = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build" / "remo").resolve()
    width = max(len(fn.__name__) for fn in CASES)
    passed = failed = 0
    for fn in CASES:
        with tempfile.TemporaryDirectory(prefix="remo-dyn-") as tmp:
            try:
                fn(Path(tmp))
                status, remark = "pass", ""
            except Exception as e:  # noqa: BLE001 - every failure is a reported case
                status, remark = "FAIL", str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"{fn.__name__:<{width}} | {status:<4} | {remark}", flush=True)
        passed += status == "pass"
        failed += status == "FAIL"
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
