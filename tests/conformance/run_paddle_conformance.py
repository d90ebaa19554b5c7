#!/usr/bin/env python3
"""Paddle conformance: each model make_paddle_models.py saved, in both formats (legacy:
.pdmodel + .pdiparams; PIR: .json + .pdiparams) -> remo -> OpenVINO IR -> OpenVINO CPU inference,
compared with Paddle's own inference output on the same input (stored beside each format's
files). legacy/NAME_separate/ folders (the older layout: __model__ plus one file per weight) are
converted too, against NAME's reference. Runs in the venv.

  run_paddle_conformance.py [REMO_BINARY] [--ovc] [--only PATTERN] [--format legacy|pir] [--table FILE]

A model passes when the IR's output has Paddle's shape and max|ov - paddle| <= 1e-4 *
max(1, max|paddle|). With --ovc, ovc converts the same files and its status, node count and
conversion time are printed beside remo's; --table writes the same as a markdown table
(docs/paddle-support.md). The last line is "N passed, M failed"; the exit
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
    # f32 weights: the check measures the translation, not f16 rounding.
    proc = subprocess.run([remo, "--input_model", str(pdmodel), "--output_dir", str(out), "--compress_to_fp16=False"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT_S)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "remo failed")
    return out / f"{pdmodel.name if pdmodel.is_dir() else pdmodel.stem}.xml", seconds


FORMATS = {"legacy": "*.pdmodel", "pir": "*.json"}


def convert_ovc(pdmodel: Path, out: Path):
    start = time.perf_counter()
    # ovc takes a folder for a TensorFlow SavedModel; the older Paddle layout goes by its __model__
    model = ov.convert_model(str(pdmodel / "__model__" if pdmodel.is_dir() else pdmodel))
    seconds = time.perf_counter() - start
    xml = out / f"{pdmodel.name if pdmodel.is_dir() else pdmodel.stem}.ovc.xml"
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


def convert_and_check(label, convert, core, x, want):
    """One converter on one model: (status, nodes, seconds) with status "ok" or "FAIL reason"."""
    try:
        xml, seconds = convert()
        problem = compare(run_ir(core, xml, x), want)
        return ("FAIL " + problem if problem else "ok"), node_count(core, xml), seconds
    except Exception as e:  # noqa: BLE001 - every failure is a line of the table
        lines = [line for line in str(e).splitlines() if line.strip()]
        return f"FAIL {lines[0] if lines else type(e).__name__}", None, None


def describe(label, result):
    status, nodes, seconds = result
    return f"{label} {status}" + (f" ({nodes} nodes, {seconds:.2f} s)" if nodes is not None else "")


def write_table(path: Path, rows, with_ovc: bool):
    """The support table (docs/paddle-support.md): one row per model and format."""
    def cells(result):
        status, nodes, seconds = result
        return [status.replace("|", "/"), "" if nodes is None else str(nodes),
                "" if seconds is None else f"{seconds:.2f}"]
    head = ["model", "format", "remo", "nodes", "time (s)"] + (["ovc", "nodes", "time (s)"] if with_ovc else [])
    lines = ["# Paddle models: remo" + (" and ovc" if with_ovc else ""), "",
             "Generated by `tests/conformance/run_paddle_conformance.py build/remo"
             + (" --ovc" if with_ovc else "") + f" --table {path}` (see docs/paddle.md): each model",
             "from tests/conformance/make_paddle_models.py, saved by `paddle.jit.save` in Paddle's legacy",
             "format (`.pdmodel`, FLAGS_enable_pir_api=0) and in Paddle 3's PIR format (`.json`), converted,",
             f"run in OpenVINO CPU (f32) and compared with Paddle's inference output within {TOLERANCE} relative.",
             "Time is the whole conversion (process start to IR written for remo, `convert_model` for ovc).",
             "ovc reads only the legacy format: its PIR cells show what it answers when given the `.json`.",
             "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, fmt, remo_result, ovc_result in rows:
        row = [name, fmt] + cells(remo_result) + (cells(ovc_result) if with_ovc else [])
        lines.append("| " + " | ".join(row) + " |")
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("remo", nargs="?", default="build/remo")
    ap.add_argument("--ovc", action="store_true", help="also convert with ovc, side by side")
    ap.add_argument("--only", default="*", help="model name patterns, comma-separated")
    ap.add_argument("--format", choices=sorted(FORMATS), action="append",
                    help="only this format (repeatable); default both")
    ap.add_argument("--table", type=Path, help="also write the results as a markdown table here")
    args = ap.parse_args()
    core = ov.Core()
    folder = model_dir()
    passed = failed = 0
    rows = []
    # legacy/NAME.pdmodel (+ .pdiparams) and legacy/NAME_separate/ (the older one-file-per-weight
    # layout); pir/NAME.json (+ .pdiparams)
    models = []
    for fmt in args.format or sorted(FORMATS):
        part = folder / fmt
        if not part.is_dir():
            if fmt != "legacy":
                continue
            part = folder  # a maker without the two parts: one flat folder of legacy files
        found = list(part.glob(FORMATS[fmt])) + [d for d in part.glob("*_separate") if d.is_dir()]
        models += [(fmt, m) for m in sorted(found)]
    for fmt, pdmodel in models:
        name = pdmodel.name if pdmodel.is_dir() else pdmodel.stem
        if not any(fnmatch.fnmatch(name, p) for p in args.only.split(",")):
            continue
        base = name.removesuffix("_separate")
        x = np.load(pdmodel.parent / f"{base}.input.npy")
        want = reference(pdmodel.parent, base)
        ovc_result = None
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            remo_result = convert_and_check("remo", lambda: convert_remo(args.remo, pdmodel, tmp), core, x, want)
            line = f"{name} ({fmt}): " + describe("remo", remo_result)
            if args.ovc:
                ovc_result = convert_and_check("ovc", lambda: convert_ovc(pdmodel, tmp), core, x, want)
                line += " | " + describe("ovc", ovc_result)
        rows.append((name, fmt, remo_result, ovc_result))
        print(line, flush=True)
        if remo_result[0] == "ok":
            passed += 1
        else:
            failed += 1
    if args.table:
        write_table(args.table, rows, args.ovc)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
