#!/usr/bin/env python3
"""TensorFlow models, in every stored form, through remo, run in OpenVINO CPU, compared with TensorFlow.

    run_tf_conformance.py REMO [MODEL_DIR ...] [--only PATTERNS] [--skip PATTERNS]

MODEL_DIR defaults to the folders every TensorFlow maker fills (make_tf_*models*.py: the Keras
applications and an op mix, control flow, topologies...; each builds only when its recipe
changed, and prints its folder last). A model NAME
there is NAME.input.npy (or NAME.input_0.npy, NAME.input_1.npy ...; NHWC images) with TensorFlow's
NAME.output.npy (or NAME.output_0.npy ...), in one or more forms (FORMS; the layout is described
at the top of make_tf_models.py): NAME.pb (frozen GraphDef), NAME.pbtxt (text GraphDef),
NAME.meta (MetaGraph), NAME.savedmodel/ (SavedModel; also NAME_saved_model/ or
NAME.saved_model/), and NAME.graph.pbtxt with the checkpoint NAME.index + NAME.data-*. This
runner converts every stored form twice: by default (rank-4 inputs become NCHW, so they are fed
transposed) and with --disable_nhwc_to_nchw (fed as is); tf_support_table.py adds ovc beside it.
--only keeps the models whose name matches one of the comma-separated fnmatch patterns, --skip
drops those that match one.

A case passes when every output has TensorFlow's shape and max|ov - tf| <= 1e-4 * max|tf|
(relative to the output's scale: a softmax over 1000 classes is ~1e-3). Prints one line per case
with the error, the IR's layer count and how many Transposes it keeps, then "N passed, M failed".
"""
import argparse
import fnmatch
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

import conformance_common as common

HERE = Path(__file__).resolve().parent
TOLERANCE = 1e-4
MODES = {"nchw": [], "nhwc": ["--disable_nhwc_to_nchw"]}


def stored_as(*suffixes):
    """Where a form of model NAME is: the first of NAME+suffix that exists, else the first."""
    def where(folder: Path, name: str) -> Path:
        paths = [folder / f"{name}{suffix}" for suffix in suffixes]
        return next((p for p in paths if p.exists()), paths[0])
    return where


# How each form of model NAME is stored: where, remo's options for it, ovc's input for it.
FORMS = {
    "frozen .pb": (stored_as(".pb"), lambda p: ["--input_model", p], str),
    "text .pbtxt": (stored_as(".pbtxt"), lambda p: ["--input_model", p], str),
    "MetaGraph": (stored_as(".meta"), lambda p: ["--input_meta_graph", p], str),
    "SavedModel": (stored_as(".savedmodel", "_saved_model", ".saved_model"), lambda p: ["--saved_model_dir", p], str),
    # NAME.index is the checkpoint's; its graph is NAME.graph.pbtxt
    "checkpoint": (stored_as(".index"),
                   lambda p: ["--input_model", p.with_suffix(".graph.pbtxt"), "--input_checkpoint", p.with_suffix("")],
                   lambda p: [str(p.with_suffix(".graph.pbtxt")), str(p.with_suffix(""))]),
}


def makers() -> list:
    """Every TensorFlow model maker: tests/conformance/make_tf_*models*.py."""
    return sorted(HERE.glob("make_tf_*models*.py"))


def run_maker(maker: Path) -> Path:
    """Runs a make_tf_*.py generator (it builds into the cache only when its recipe changed) and
    returns the folder it prints last."""
    out = subprocess.run([sys.executable, str(maker)], check=True, stdout=subprocess.PIPE, text=True).stdout
    return Path(out.strip().splitlines()[-1])


def numbered(folder: Path, name: str, kind: str) -> list:
    """NAME.KIND.npy alone, or NAME.KIND_0.npy, NAME.KIND_1.npy ... in order."""
    if (folder / f"{name}.{kind}.npy").exists():
        return [np.load(folder / f"{name}.{kind}.npy")]
    arrays = []
    while (folder / f"{name}.{kind}_{len(arrays)}.npy").exists():
        arrays.append(np.load(folder / f"{name}.{kind}_{len(arrays)}.npy"))
    return arrays


def model_names(folder: Path, only: str = "*") -> list:
    """Every model of the folder: the names that have an input and a reference output."""
    names = set()
    for npy in folder.glob("*.input*.npy"):
        name = npy.name.split(".input")[0]
        if numbered(folder, name, "output") and fnmatch_any(name, only):
            names.add(name)
    return sorted(names)


def fnmatch_any(name: str, patterns: str) -> bool:
    return any(fnmatch.fnmatch(name, p.strip()) for p in patterns.split(","))


def feeds(inputs: list, nchw: bool) -> list:
    """The inputs as the IR takes them: remo's default turns every rank-4 input to NCHW."""
    return [x.transpose(0, 3, 1, 2) if nchw and x.ndim == 4 else x for x in inputs]


def compare(gots: list, wants: list):
    """(problem or "", the largest relative error over the outputs)."""
    if len(gots) < len(wants):
        return f"{len(gots)} outputs, TensorFlow gives {len(wants)}", None
    worst = 0.0
    for k, (got, want) in enumerate(zip(gots, wants)):
        if got.shape != want.shape:
            return f"output {k}: shape {list(got.shape)}, TensorFlow gives {list(want.shape)}", None
        worst = max(worst, common.relative_error(got, want))
    if worst > TOLERANCE:
        return f"relative error {worst:.3g} > {TOLERANCE}", worst
    return "", worst


def layer_counts(xml: Path) -> tuple:
    layers = ET.parse(xml).getroot().find("layers")
    types = [layer.get("type") for layer in layers]
    return len(types), types.count("Transpose")


def stored_forms(folder: Path, name: str) -> list:
    """(form, path) for every form of model NAME stored in the folder, in FORMS order."""
    return [(form, where(folder, name)) for form, (where, _, _) in FORMS.items() if where(folder, name).exists()]


def run_case(remo: str, core, folder: Path, name: str, form: str, path: Path, mode: str, tmp: Path) -> tuple:
    try:
        xml, _ = common.convert_remo(remo, [*FORMS[form][1](path), "--model_name", name, *MODES[mode]],
                                     tmp / f"{name}.xml")
    except common.ConversionError as e:
        return False, str(e)
    layers, transposes = layer_counts(xml)
    gots = common.run_ir(core, xml, feeds(numbered(folder, name, "input"), mode == "nchw"))
    problem, err = compare(gots, numbered(folder, name, "output"))
    if problem:
        return False, problem
    return True, f"relative err {err:.3g}, {layers} layers, {transposes} Transpose"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("remo")
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--only", default="*", help="comma-separated model name patterns to run")
    ap.add_argument("--skip", default="", help="comma-separated model name patterns not to run")
    args = ap.parse_args()
    import openvino as ov

    folders = args.folders or [run_maker(m) for m in makers()]
    core = ov.Core()
    passed = failed = 0
    cases = [(folder, n, form, path) for folder in folders for n in model_names(folder, args.only)
             if not (args.skip and fnmatch_any(n, args.skip)) for form, path in stored_forms(folder, n)]
    if not cases:
        print(f"run_tf_conformance: no models matching '{args.only}' in {', '.join(map(str, folders))}",
              file=sys.stderr)
        return 1
    for folder, name, form, path in cases:
        for mode in MODES:
            with tempfile.TemporaryDirectory(prefix="remo-tf-") as tmp:
                ok, detail = run_case(args.remo, core, folder, name, form, path, mode, Path(tmp))
            print(f"{'PASS' if ok else 'FAIL'} {name} {form} [{mode}]: {detail}", flush=True)
            passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
