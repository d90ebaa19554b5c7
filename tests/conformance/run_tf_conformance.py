#!/usr/bin/env python3
"""TensorFlow frozen graphs through remo, run in OpenVINO CPU, compared with TensorFlow.

    run_tf_conformance.py REMO [MODEL_DIR]

MODEL_DIR defaults to the folders the MAKERS fill (each built first if missing); each
<name>.pb there comes with <name>.input.npy (NHWC) and TensorFlow's <name>.output.npy. Every
model is converted twice: by default (rank-4 inputs become NCHW, so the input is fed transposed)
and with --disable_nhwc_to_nchw (fed as is). A case passes when the output has TensorFlow's
shape and max|ov - tf| <= 1e-4 * max|tf| (relative to the output's scale: a softmax over 1000
classes is ~1e-3). Prints one line per case with the error, the
IR's layer count and how many Transposes it keeps, then "N passed, M failed".
"""
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import openvino as ov

HERE = Path(__file__).resolve().parent
TOLERANCE = 1e-4
TIMEOUT_S = 600
MODES = {"nchw": [], "nhwc": ["--disable_nhwc_to_nchw"]}


# Keras CNNs and an op graph; control flow (v1 frames, TensorArrays) and fake quantization.
MAKERS = ["make_tf_models.py", "make_tf_controlflow_models.py"]


def model_dir(maker: str = "make_tf_models.py") -> Path:
    out = subprocess.run([sys.executable, str(HERE / maker)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return Path(out.strip().splitlines()[-1])


def layer_counts(xml: Path) -> tuple[int, int]:
    layers = ET.parse(xml).getroot().find("layers")
    types = [layer.get("type") for layer in layers]
    return len(types), types.count("Transpose")


def run_case(remo: str, core, pb: Path, mode: str, tmp: Path) -> tuple[bool, str]:
    x = np.load(pb.with_suffix(".input.npy"))
    ref = np.load(pb.with_suffix(".output.npy"))
    # f32 weights: the check measures the translation, not f16 rounding.
    cmd = [remo, "--input_model", str(pb), "--output_dir", str(tmp), "--compress_to_fp16=False", *MODES[mode]]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        return False, "remo: " + (proc.stderr.strip().splitlines() or ["exit %d" % proc.returncode])[0]
    xml = tmp / f"{pb.stem}.xml"
    layers, transposes = layer_counts(xml)
    feed = x.transpose(0, 3, 1, 2) if mode == "nchw" and x.ndim == 4 else x
    compiled = core.compile_model(core.read_model(str(xml)), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    got = compiled([feed])[compiled.outputs[0]]
    if got.shape != ref.shape:
        return False, f"shape {list(got.shape)}, expected {list(ref.shape)}"
    err = float(np.max(np.abs(got.astype(np.float64) - ref)))
    scale = float(np.max(np.abs(ref)))
    rel = err / scale if scale else err
    detail = f"relative err {rel:.3g} (max abs {err:.3g}), {layers} layers, {transposes} Transpose"
    return rel <= TOLERANCE, detail


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    remo = sys.argv[1]
    folders = [Path(sys.argv[2])] if len(sys.argv) == 3 else [model_dir(m) for m in MAKERS]
    models = []
    for folder in folders:
        found = sorted(folder.glob("*.pb"))
        if not found:
            print(f"run_tf_conformance: no .pb models in {folder}", file=sys.stderr)
            return 1
        models += found
    core = ov.Core()
    passed = failed = 0
    for pb in models:
        for mode in MODES:
            with tempfile.TemporaryDirectory(prefix="remo-tf-") as tmp:
                ok, detail = run_case(remo, core, pb, mode, Path(tmp))
            print(f"{'PASS' if ok else 'FAIL'} {pb.stem} [{mode}]: {detail}")
            passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
