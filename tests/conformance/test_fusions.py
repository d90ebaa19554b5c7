#!/usr/bin/env python3
"""Fusions of the middle phase, checked by the numbers: each case builds a small ONNX model in the
form an exporter writes, converts it with remo, checks that the IR holds the fused op (or, for a
look-alike that computes something else, that it does not), and compares OpenVINO CPU's results
with onnxruntime's. Runs in the venv; shares test_options.py's helpers.

  test_fusions.py [REMO_BINARY]      (default: build/remo)

Prints one line per case and ends with "N passed, M failed"; exits non-zero on failure.
"""
import re
import sys
from pathlib import Path

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_options as base  # noqa: E402
from test_options import case, check, close, convert, f32, run_ir, run_ort, save  # noqa: E402

base.CASES.clear()  # this file's cases only


def const(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(value, dtype), name)


def ir_ops(xml: Path) -> list[str]:
    return re.findall(r'<layer [^>]*type="([A-Za-z0-9]+)"', xml.read_text())


def l2_input(shape=(2, 8, 5, 6)) -> np.ndarray:
    """Random values with whole slices of zeros, where epsilon decides the result."""
    x = np.random.default_rng(3).standard_normal(shape).astype(np.float32)
    x[0, :, 1, 2] = 0
    x[1, 3] = 0
    return x


def expect_normalize_l2(tmp: Path, model: Path, mode: str | None, x: np.ndarray):
    """mode: the eps_mode the IR's NormalizeL2 must have, or None when nothing may be fused."""
    xml = convert(model, tmp / "ir")
    ops = ir_ops(xml)
    if mode is None:
        check("NormalizeL2" not in ops, f"fused a look-alike: {ops}")
    else:
        check(ops.count("NormalizeL2") == 1, f"no NormalizeL2 in {ops}")
        check(f'eps_mode="{mode}"' in xml.read_text(), f"eps_mode is not {mode}")
        rest = [o for o in ops if o not in ("Parameter", "Const", "Result", "NormalizeL2")]
        check(not rest, f"ops left besides NormalizeL2: {rest}")
    close(run_ir(xml, {"x": x})[0], run_ort(model, {"x": x})[0])


# --- NormalizeL2 -----------------------------------------------------------------------------
@case
def torch_functional_normalize(tmp: Path):
    """F.normalize(x, dim=1) as torch exports it: x / Expand(Clip(ReduceL2(x), min=eps), Shape(x))."""
    nodes = [helper.make_node("ReduceL2", ["x"], ["n"], axes=[1], keepdims=1),
             helper.make_node("Clip", ["n", "eps"], ["c"]),
             helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("Expand", ["c", "s"], ["e"]),
             helper.make_node("Div", ["x", "e"], ["y"])]
    model = save(tmp / "fnormalize.onnx", nodes, [f32("x", ["n", 8, 5, 6])], [f32("y", 4)], [const("eps", 1e-12)])
    expect_normalize_l2(tmp, model, "max", l2_input())


@case
def sqrt_of_max_of_sum_of_squares(tmp: Path):
    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"]),
             helper.make_node("ReduceSum", ["sq", "axes"], ["s"], keepdims=1),
             helper.make_node("Max", ["s", "eps"], ["m"]),
             helper.make_node("Sqrt", ["m"], ["n"]),
             helper.make_node("Div", ["x", "n"], ["y"])]
    model = save(tmp / "sqrt_max.onnx", nodes, [f32("x", [2, 8, 5, 6])], [f32("y", 4)],
                 [const("axes", [-1], np.int64), const("eps", 1e-6)])
    expect_normalize_l2(tmp, model, "max", l2_input())


@case
def reciprocal_square_root_of_sum_plus_eps(tmp: Path):
    """x * (s + eps) ^ -0.5 over two axes, x^2 as Pow."""
    nodes = [helper.make_node("Pow", ["x", "two"], ["sq"]),
             helper.make_node("ReduceSum", ["sq", "axes"], ["s"], keepdims=1),
             helper.make_node("Add", ["s", "eps"], ["a"]),
             helper.make_node("Pow", ["a", "minus_half"], ["r"]),
             helper.make_node("Mul", ["r", "x"], ["y"])]
    model = save(tmp / "rsqrt_add.onnx", nodes, [f32("x", [2, 8, 5, 6])], [f32("y", 4)],
                 [const("two", 2.0), const("axes", [2, 3], np.int64), const("eps", 1e-3), const("minus_half", -0.5)])
    expect_normalize_l2(tmp, model, "add", l2_input())


@case
def sum_without_keepdims_unsqueezed_back(tmp: Path):
    """x / sqrt(Unsqueeze(ReduceSum(x^2, keepdims=0)) + eps), the one-over form: x * (1 / n)."""
    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"]),
             helper.make_node("ReduceSum", ["sq", "axes"], ["s"], keepdims=0),
             helper.make_node("Unsqueeze", ["s", "axes"], ["u"]),
             helper.make_node("Add", ["u", "eps"], ["a"]),
             helper.make_node("Sqrt", ["a"], ["n"]),
             helper.make_node("Div", ["one", "n"], ["r"]),
             helper.make_node("Mul", ["x", "r"], ["y"])]
    model = save(tmp / "unsqueezed.onnx", nodes, [f32("x", [2, 8, 5, 6])], [f32("y", 4)],
                 [const("axes", [1], np.int64), const("eps", 1e-4), const("one", 1.0)])
    expect_normalize_l2(tmp, model, "add", l2_input())


@case
def norm_over_other_axes_than_the_sum_is_not_fused(tmp: Path):
    """x / sqrt(max(sum over axis 1 of x^2, eps)) keeping dims but dropping them for a middle axis:
    the shapes broadcast differently, so this is not an L2 normalization."""
    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"]),
             helper.make_node("ReduceSum", ["sq", "axes"], ["s"], keepdims=0),
             helper.make_node("Max", ["s", "eps"], ["m"]),
             helper.make_node("Sqrt", ["m"], ["n"]),
             helper.make_node("Div", ["x", "n"], ["y"])]
    model = save(tmp / "dropped_middle.onnx", nodes, [f32("x", [4, 4, 4])], [f32("y", 3)],
                 [const("axes", [1], np.int64), const("eps", 1e-6)])
    expect_normalize_l2(tmp, model, None, np.random.default_rng(4).standard_normal((4, 4, 4)).astype(np.float32))


@case
def norm_of_another_tensor_is_not_fused(tmp: Path):
    """z / sqrt(sum(x^2) + eps): the numerator is not the normalized tensor."""
    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"]),
             helper.make_node("ReduceSum", ["sq", "axes"], ["s"], keepdims=1),
             helper.make_node("Add", ["s", "eps"], ["a"]),
             helper.make_node("Sqrt", ["a"], ["n"]),
             helper.make_node("Relu", ["x"], ["z"]),
             helper.make_node("Div", ["z", "n"], ["y"])]
    model = save(tmp / "other.onnx", nodes, [f32("x", [2, 8, 5, 6])], [f32("y", 4)],
                 [const("axes", [1], np.int64), const("eps", 1e-6)])
    expect_normalize_l2(tmp, model, None, l2_input())


# --- the stable TopK's tie guard -------------------------------------------------------------
def topk_model(path: Path, shape, k, axis, largest) -> Path:
    nodes = [helper.make_node("TopK", ["x", "k"], ["values", "indices"], axis=axis, largest=largest)]
    outs = [f32("values", len(shape)), helper.make_tensor_value_info("indices", 7, [None] * len(shape))]
    return save(path, nodes, [f32("x", list(shape))], outs, [const("k", [k], np.int64)])


def without_guard(tmp: Path) -> Path:
    """An extension folder whose empty pass of the same name switches the guard off."""
    ext = tmp / "no_guard"
    ext.mkdir()
    (ext / "no_guard.lua").write_text('remo.pass("guard_stable_topk", "back", function(graph) end)\n')
    return ext


def tie_inputs(shape, rng) -> dict[str, np.ndarray]:
    x = rng.standard_normal(shape).astype(np.float32)
    ties = rng.integers(0, 4, shape).astype(np.float32)
    mixed = x.copy()
    mixed[0] = ties[0]  # one row with ties, the others without
    zeros = np.zeros(shape, np.float32)
    zeros.reshape(-1)[::2] = -0.0
    signed = np.where(rng.random(shape) < 0.5, np.float32(0.0), np.float32(-0.0)).astype(np.float32)
    with_nan = x.copy()
    with_nan.reshape(-1)[3] = np.nan
    return {"random": x, "ties": ties, "mixed rows": mixed, "all equal": zeros, "signed zeros": signed,
            "nan": with_nan}


def expect_guarded_topk(tmp: Path, shape, k, axis, largest):
    model = topk_model(tmp / "topk.onnx", shape, k, axis, largest)
    xml = convert(model, tmp / "ir")
    check("If" in ir_ops(xml), f"no guard in {ir_ops(xml)}")
    plain = convert(model, tmp / "plain", "--extensions", without_guard(tmp))
    check("If" not in ir_ops(plain), "the extension did not switch the guard off")
    for name, x in tie_inputs(shape, np.random.default_rng(7)).items():
        got, stable = run_ir(xml, {"x": x}), run_ir(plain, {"x": x})
        for g, s, what in zip(got, stable, ("values", "indices")):
            check(np.array_equal(g, s, equal_nan=True) and np.array_equal(np.signbit(g), np.signbit(s)),
                  f"{name}: {what} differ from the stable TopK's")
        if name != "nan":  # NaN order is the runtimes' own business; the stable TopK's is kept
            want = run_ort(model, {"x": x})
            check(np.array_equal(got[1], want[1]), f"{name}: indices differ from onnxruntime's")
            close(got[0], want[0], what=f"{name} values")


@case
def topk_guard_keeps_stable_order_along_the_last_axis(tmp: Path):
    expect_guarded_topk(tmp, (3, 64), 10, -1, 1)


@case
def topk_guard_keeps_stable_order_for_the_smallest_along_axis_0(tmp: Path):
    expect_guarded_topk(tmp, (256, 3), 48, 0, 0)


# --- Pad into MaxPool ------------------------------------------------------------------------
@case
def zero_pad_after_relu_joins_max_pool(tmp: Path):
    nodes = [helper.make_node("Relu", ["x"], ["r"]),
             helper.make_node("Pad", ["r", "pads"], ["p"], mode="constant"),
             helper.make_node("MaxPool", ["p"], ["y"], kernel_shape=[3, 3], strides=[2, 2])]
    model = save(tmp / "pad_pool.onnx", nodes, [f32("x", [1, 4, 9, 9])], [f32("y", 4)],
                 [const("pads", [0, 0, 1, 2, 0, 0, 2, 1], np.int64)])
    xml = convert(model, tmp / "ir")
    check("Pad" not in ir_ops(xml), f"the Pad stayed: {ir_ops(xml)}")
    x = np.random.default_rng(5).standard_normal((1, 4, 9, 9)).astype(np.float32)
    close(run_ir(xml, {"x": x})[0], run_ort(model, {"x": x})[0])


if __name__ == "__main__":
    base.REMO = Path(sys.argv[1] if len(sys.argv) > 1 else base.REPO / "build/remo").resolve()
    sys.exit(base.main())
