#!/usr/bin/env python3
"""Runs ONNX backend node tests through remo and OpenVINO's CPU plugin.

usage: onnx_backend.py REMO [GLOB ...] [--verbose]
Each test folder (from make_onnx_node_tests.py) is converted with REMO, read and compiled by
OpenVINO, run on every data set and compared with the reference outputs (rtol 1e-3, atol 1e-7,
the backend suite's defaults). Prints one line per failing test and "N passed, M failed".
"""
from __future__ import annotations

import fnmatch
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import openvino as ov
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).parent))
import make_onnx_node_tests  # noqa: E402
import ov_narrow_types  # noqa: E402


def load_values(folder: Path, prefix: str) -> list[np.ndarray]:
    values = []
    for path in sorted(folder.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1])):
        tensor = onnx.TensorProto()
        tensor.ParseFromString(path.read_bytes())
        values.append(np.array(numpy_helper.to_array(tensor)))  # a writeable copy: OpenVINO may need one
    return values


def close(got: np.ndarray, want: np.ndarray) -> str | None:
    if got.shape != want.shape:
        return f"shape {got.shape} != {want.shape}"
    if want.dtype.kind in "fc":
        if not np.allclose(got.astype(want.dtype), want, rtol=1e-3, atol=1e-7, equal_nan=True):
            return f"max abs diff {np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))}"
        return None
    if not np.array_equal(got.astype(want.dtype), want):
        return "values differ"
    return None


def run_case(remo: str, case: Path, core: ov.Core, work: Path) -> str | None:
    """None when the test passes, else the reason."""
    out = work / case.name
    proc = subprocess.run([remo, "--input_model", str(case / "model.onnx"), "--output_dir", str(out),
                           "--model_name", "model", "--compress_to_fp16=False"], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return "conversion: " + (proc.stderr.strip().splitlines() or ["?"])[0]
    try:
        compiled = core.compile_model(core.read_model(str(out / "model.xml")), "CPU",
                                      {"INFERENCE_PRECISION_HINT": "f32"})
    except Exception as e:  # noqa: BLE001 - OpenVINO raises plain RuntimeError
        return "openvino: " + str(e).strip().splitlines()[0][:200]
    for data in sorted(case.glob("test_data_set_*")):
        inputs, wants = load_values(data, "input"), load_values(data, "output")
        try:
            results = compiled([ov_narrow_types.to_ov(x) for x in inputs])
        except Exception as e:  # noqa: BLE001
            return "inference: " + str(e).strip().splitlines()[0][:200]
        for k, want in enumerate(wants):
            why = close(*ov_narrow_types.comparable(np.asarray(results[compiled.outputs[k]]), want))
            if why:
                return f"output {k}: {why}"
    return None


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    remo, patterns = args[0], args[1:] or ["*"]
    root = Path(make_onnx_node_tests.cache_dir())
    if not (root / ".complete").exists():
        make_onnx_node_tests.main()
    cases = [c for c in sorted(root.iterdir()) if c.is_dir()
             and any(fnmatch.fnmatch(c.name, p) for p in patterns)]
    core = ov.Core()
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            try:
                why = run_case(remo, case, core, Path(tmp))
            except Exception as e:  # noqa: BLE001 - a harness problem is reported, not fatal
                why = f"harness: {e}"
            if why is None:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {case.name}: {why}")
    print(f"{passed} passed, {failed} failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
