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


if __name__ == "__main__":
    base.REMO = Path(sys.argv[1] if len(sys.argv) > 1 else base.REPO / "build/remo").resolve()
    sys.exit(base.main())
