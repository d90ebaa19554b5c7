#!/usr/bin/env python3
"""TensorFlow models, in every form, through remo, run in OpenVINO CPU, compared with TensorFlow.

    run_tf_conformance.py REMO [MODEL_DIR]

MODEL_DIR defaults to the folder make_tf_models.py fills (built first if missing); each case
<name> there has <name>.input.npy (NHWC) and TensorFlow's <name>.output.npy, and one or more
forms (the layout is described at the top of make_tf_models.py): a frozen <name>.pb, a
<name>.savedmodel/ folder, a <name>.graph.pbtxt with the checkpoint <name> (<name>.index and
<name>.data-*), a MetaGraph <name>.meta. Every form is converted twice: by default (rank-4 inputs become NCHW, so the
input is fed transposed) and with --disable_nhwc_to_nchw (fed as is). A case passes when the output has TensorFlow's
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


def model_dir() -> Path:
    out = subprocess.run([sys.executable, str(HERE / "make_tf_models.py")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return Path(out.strip().splitlines()[-1])


def layer_counts(xml: Path) -> tuple[int, int]:
    layers = ET.parse(xml).getroot().find("layers")
    types = [layer.get("type") for layer in layers]
    return len(types), types.count("Transpose")


def forms(folder: Path, name: str) -> dict:
    """form -> remo's options for it, for the forms of case `name` present in `folder`."""
    found = {}
    if (folder / f"{name}.pb").is_file():
        found["frozen"] = ["--input_model", str(folder / f"{name}.pb")]
    if (folder / f"{name}.savedmodel").is_dir():
        found["savedmodel"] = ["--saved_model_dir", str(folder / f"{name}.savedmodel")]
    if (folder / f"{name}.graph.pbtxt").is_file() and (folder / f"{name}.index").is_file():
        found["checkpoint"] = ["--input_model", str(folder / f"{name}.graph.pbtxt"),
                               "--input_checkpoint", str(folder / name)]
    if (folder / f"{name}.meta").is_file():
        found["metagraph"] = ["--input_meta_graph", str(folder / f"{name}.meta")]
    return found


def run_case(remo: str, core, folder: Path, name: str, source: list, mode: str, tmp: Path) -> tuple[bool, str]:
    x = np.load(folder / f"{name}.input.npy")
    ref = np.load(folder / f"{name}.output.npy")
    # f32 weights: the check measures the translation, not f16 rounding.
    cmd = [remo, *source, "--model_name", name, "--output_dir", str(tmp), "--compress_to_fp16=False", *MODES[mode]]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        return False, "remo: " + (proc.stderr.strip().splitlines() or ["exit %d" % proc.returncode])[0]
    xml = tmp / f"{name}.xml"
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
    folder = Path(sys.argv[2]) if len(sys.argv) == 3 else model_dir()
    names = sorted(p.name[:-len(".input.npy")] for p in folder.glob("*.input.npy"))
    cases = [(name, form, source) for name in names for form, source in forms(folder, name).items()]
    if not cases:
        print(f"run_tf_conformance: no models in {folder}", file=sys.stderr)
        return 1
    core = ov.Core()
    passed = failed = 0
    for name, form, source in cases:
        for mode in MODES:
            with tempfile.TemporaryDirectory(prefix="remo-tf-") as tmp:
                ok, detail = run_case(remo, core, folder, name, source, mode, Path(tmp))
            print(f"{'PASS' if ok else 'FAIL'} {name} {form} [{mode}]: {detail}")
            passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
