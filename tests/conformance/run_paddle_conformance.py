#!/usr/bin/env python3
"""Paddle conformance: each model make_paddle_models.py saved, in both formats (legacy:
.pdmodel + .pdiparams; PIR: .json + .pdiparams) -> remo -> OpenVINO IR -> OpenVINO CPU inference,
compared with Paddle's own inference output on the same input (stored beside each format's
files). legacy/NAME_separate/ folders (the older layout: __model__ plus one file per weight) are
converted too, against NAME's reference. Runs in the venv.

  run_paddle_conformance.py [REMO_BINARY] [--ovc] [--only PATTERNS] [--format legacy|pir] [--table FILE]
                            [--maker SCRIPT]

--maker names another generator with the same folder layout (make_paddle_op_models.py: small
programs of detection, control flow and recurrent ops); NAME.input_K.npy are further inputs in
feed order, and outputs listed in NAME.unordered are compared as sets of rows (where Paddle does
not specify their order).

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
from pathlib import Path

import numpy as np
import openvino as ov

import conformance_common as common

HERE = Path(__file__).resolve().parent
TOLERANCE = 1e-4


def model_dir(maker: str = "make_paddle_models.py") -> Path:
    out = subprocess.run([sys.executable, str(HERE / maker)], stdout=subprocess.PIPE,
                         text=True, check=True)
    return Path(out.stdout.strip().splitlines()[-1])


def reference(folder: Path, name: str):
    """Paddle's outputs as the generator stored them: NAME.output.npy, then NAME.output_K.npy."""
    wants = [np.load(folder / f"{name}.output.npy")]
    while (folder / f"{name}.output_{len(wants)}.npy").exists():
        wants.append(np.load(folder / f"{name}.output_{len(wants)}.npy"))
    return [w.astype(np.float64) for w in wants]


def convert_remo(remo: str, pdmodel: Path, out: Path):
    xml = out / f"{pdmodel.name if pdmodel.is_dir() else pdmodel.stem}.xml"
    return common.convert_remo(remo, ["--input_model", pdmodel], xml)


FORMATS = {"legacy": "*.pdmodel", "pir": "*.json"}


def convert_ovc(pdmodel: Path, out: Path):
    # the older Paddle layout goes by its __model__ file
    xml = out / f"{pdmodel.name if pdmodel.is_dir() else pdmodel.stem}.ovc.xml"
    return common.convert_ovc(str(pdmodel / "__model__" if pdmodel.is_dir() else pdmodel), xml)


def inputs(folder: Path, name: str):
    """NAME.input.npy, then NAME.input_K.npy: one array, or a list when there are several."""
    xs = [np.load(folder / f"{name}.input.npy")]
    while (folder / f"{name}.input_{len(xs)}.npy").exists():
        xs.append(np.load(folder / f"{name}.input_{len(xs)}.npy"))
    return xs[0] if len(xs) == 1 else xs


def unordered_outputs(folder: Path, name: str) -> set:
    f = folder / f"{name}.unordered"
    return {int(line) for line in f.read_text().split()} if f.exists() else set()


def sorted_rows(a):
    """The rows of a (2-D or more) in lexicographic order, for outputs whose row order is unspecified."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim < 2 or a.shape[0] == 0:
        return a
    flat = a.reshape(a.shape[0], -1)
    return flat[np.lexsort(flat.T[::-1])].reshape(a.shape)


def compare(gots, wants, unordered=frozenset()) -> str:
    if len(gots) != len(wants):
        return f"{len(gots)} outputs, Paddle gives {len(wants)}"
    for k, (got, want) in enumerate(zip(gots, wants)):
        if k in unordered:
            got, want = sorted_rows(got), sorted_rows(want)
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


def convert_and_check(label, convert, core, x, want, unordered=frozenset()):
    """One converter on one model: (status, nodes, seconds) with status "ok" or "FAIL reason"."""
    try:
        xml, seconds = convert()
        problem = compare(common.run_ir(core, xml, x if isinstance(x, list) else [x]), want, unordered)
        return ("FAIL " + problem if problem else "ok"), common.node_count(core, xml), seconds
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
             ""]
    lines += common.markdown_table(head, [[name, fmt] + cells(remo_result) + (cells(ovc_result) if with_ovc else [])
                                          for name, fmt, remo_result, ovc_result in rows])
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("remo", nargs="?", default="build/remo")
    ap.add_argument("--ovc", action="store_true", help="also convert with ovc, side by side")
    ap.add_argument("--only", default="*", help="model name patterns, comma-separated")
    ap.add_argument("--format", choices=sorted(FORMATS), action="append",
                    help="only this format (repeatable); default both")
    ap.add_argument("--table", type=Path, help="also write the results as a markdown table here")
    ap.add_argument("--maker", default="make_paddle_models.py", help="the generator script in tests/conformance")
    args = ap.parse_args()
    core = ov.Core()
    folder = model_dir(args.maker)
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
        x = inputs(pdmodel.parent, base)
        want = reference(pdmodel.parent, base)
        unordered = unordered_outputs(pdmodel.parent, base)
        ovc_result = None
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            remo_result = convert_and_check("remo", lambda: convert_remo(args.remo, pdmodel, tmp), core, x, want,
                                            unordered)
            line = f"{name} ({fmt}): " + describe("remo", remo_result)
            if args.ovc:
                ovc_result = convert_and_check("ovc", lambda: convert_ovc(pdmodel, tmp), core, x, want, unordered)
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
