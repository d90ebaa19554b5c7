#!/usr/bin/env python3
"""Paddle conformance: legacy inference model (.pdmodel + .pdiparams) -> remo -> OpenVINO IR ->
OpenVINO CPU inference, compared with Paddle's own inference output on the same input (both
stored by make_paddle_models.py). Runs in the venv.

  run_paddle_conformance.py [REMO_BINARY] [--ovc] [--only PATTERN]

A model passes when the IR's output has Paddle's shape and max|ov - paddle| <= 1e-4 *
max(1, max|paddle|). With --ovc, ovc converts the same files and its status, node count and
conversion time are printed beside remo's. The last line is "N passed, M failed"; the exit
status is non-zero if M > 0.
"""
import argparse
import fnmatch
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openvino as ov

HERE = Path(__file__).resolve().parent
TOLERANCE = 1e-4
TIMEOUT_S = 600


def model_dir() -> Path:
    out = subprocess.run([sys.executable, str(HERE / "make_paddle_models.py")], stdout=subprocess.PIPE,
                         text=True, check=True)
    return Path(out.stdout.strip().splitlines()[-1])


def run_ir(core, xml: Path, x):
    """Every output of the IR, in order."""
    # f32 throughout: CPUs with bf16 units would otherwise run in bf16.
    compiled = core.compile_model(core.read_model(str(xml)), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    results = compiled([x])
    return [results[out] for out in compiled.outputs]


def reference(folder: Path, name: str):
    """Paddle's outputs as the generator stored them: NAME.output.npy, then NAME.output_K.npy."""
    wants = [np.load(folder / f"{name}.output.npy")]
    while (folder / f"{name}.output_{len(wants)}.npy").exists():
        wants.append(np.load(folder / f"{name}.output_{len(wants)}.npy"))
    return [w.astype(np.float64) for w in wants]


def node_count(core, xml: Path) -> int:
    return len(core.read_model(str(xml)).get_ordered_ops())


def convert_remo(remo: str, pdmodel: Path, out: Path):
    start = time.perf_counter()
    proc = subprocess.run([remo, "--input_model", str(pdmodel), "--output_dir", str(out)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT_S)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "remo failed")
    return out / f"{pdmodel.stem}.xml", seconds


def convert_ovc(pdmodel: Path, out: Path):
    start = time.perf_counter()
    model = ov.convert_model(str(pdmodel))
    seconds = time.perf_counter() - start
    xml = out / f"{pdmodel.stem}.ovc.xml"
    ov.save_model(model, str(xml), compress_to_fp16=False)  # as converted, f32
    return xml, seconds


def compare(gots, wants) -> str:
    if len(gots) != len(wants):
        return f"{len(gots)} outputs, Paddle gives {len(wants)}"
    for k, (got, want) in enumerate(zip(gots, wants)):
        problem = compare_one(got, want)
        if problem:
            return f"output {k}: {problem}"
    return ""


def compare_one(got, want) -> str:
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, Paddle gives {list(want.shape)}"
    err = float(np.max(np.abs(got.astype(np.float64) - want)))
    scale = max(1.0, float(np.max(np.abs(want))))
    if err > TOLERANCE * scale:
        return f"max abs error {err:.3g} > {TOLERANCE} * {scale:.3g}"
    return ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("remo", nargs="?", default="build/remo")
    ap.add_argument("--ovc", action="store_true", help="also convert with ovc, side by side")
    ap.add_argument("--only", default="*", help="model name pattern")
    args = ap.parse_args()
    core = ov.Core()
    folder = model_dir()
    passed = failed = 0
    for pdmodel in sorted(folder.glob("*.pdmodel")):
        name = pdmodel.stem
        if not fnmatch.fnmatch(name, args.only):
            continue
        x = np.load(folder / f"{name}.input.npy")
        want = reference(folder, name)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            try:
                xml, seconds = convert_remo(args.remo, pdmodel, tmp)
                problem = compare(run_ir(core, xml, x), want)
                status = "FAIL " + problem if problem else "ok"
                line = f"{name}: remo {status} ({node_count(core, xml)} nodes, {seconds:.2f} s)"
            except Exception as e:  # noqa: BLE001 - every failure is a line of the table
                problem = str(e) or type(e).__name__
                line = f"{name}: remo FAIL {problem}"
            if args.ovc:
                try:
                    oxml, oseconds = convert_ovc(pdmodel, tmp)
                    oproblem = compare(run_ir(core, oxml, x), want)
                    line += (f" | ovc {'FAIL ' + oproblem if oproblem else 'ok'}"
                             f" ({node_count(core, oxml)} nodes, {oseconds:.2f} s)")
                except Exception as e:  # noqa: BLE001
                    line += f" | ovc FAIL {e}"
        print(line, flush=True)
        if problem:
            failed += 1
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
