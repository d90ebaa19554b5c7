#!/usr/bin/env python3
"""Compares the IR remo writes with the IR of OpenVINO's converters, model by model.

  quality.py [--remo build/remo] [--write docs/quality.md] [--models DIR ...] [--iterations 200]
             [--min-seconds 3]

For each corpus model (the cached CNNs of tests/conformance/make_cnn_models.py, the README's
example, the encoder and detector of make_real_models.py, plus every .onnx in each --models folder) it converts with remo, ovc and legacy mo (openvino-dev in its own
venv, made by scripts/python-env.sh --legacy-mo), all with their default options, and reports:
  - the IR's node count (every <layer>, sub-graph bodies included) for each converter;
  - OpenVINO CPU latency of remo's IR over ovc's IR, measured in one process, interleaved
    (remo, ovc, remo, ovc, ...) so that both see the same machine load; the ratio of the medians
    and the ratio of the fastest runs (the median also carries the machine's other load);
  - conversion wall time and peak RSS of each converter (one child process each, the median of
    --runs runs), as ratios to remo.
With --write the table goes to the given Markdown file (docs/quality.md), else to stdout.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import openvino as ov

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
from bench import run_once  # noqa: E402


def generated(maker: str) -> list[Path]:
    """The models of a conformance maker (cached; the maker prints its folder last)."""
    out = subprocess.run(["/usr/bin/python3", str(REPO / "tests/conformance" / maker)],
                         stdout=subprocess.PIPE, text=True, check=True)
    return sorted(Path(out.stdout.split()[-1]).glob("*.onnx"))


def corpus_models() -> list[Path]:
    """The CNNs, the README's example, then the BERT-like encoder and the detector."""
    return (generated("make_cnn_models.py") + [REPO / "tests/data/example/tiny_cnn.onnx"]
            + generated("make_real_models.py"))


def legacy_mo() -> str | None:
    cache = Path(os.environ.get("REMO_CACHE", Path.home() / ".cache" / "remo"))
    mo = cache / "venv-mo" / "bin" / "mo"
    return str(mo) if mo.exists() else None


def node_count(xml: Path) -> int:
    return len(re.findall(r"<layer ", xml.read_text()))


def convert(name: str, cmd: list[str], out: Path, runs: int) -> dict:
    """Runs a converter `runs` times; the IR of the last run stays in `out`."""
    walls, rss = [], []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        try:
            w, r = run_once(cmd)
        except SystemExit as e:  # run_once reports a failed conversion this way
            return {"name": name, "error": str(e).splitlines()[-1].strip()}
        walls.append(w)
        rss.append(r)
    xml = next(out.glob("*.xml"))
    return {"name": name, "time": statistics.median(walls), "rss": statistics.median(rss),
            "nodes": node_count(xml), "xml": xml}


def inputs_for(model: ov.Model) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    values = []
    for port in model.inputs:
        shape = [d.get_length() if d.is_static else 1 for d in port.get_partial_shape()]
        dtype = port.get_element_type().to_dtype()
        values.append(rng.standard_normal(shape).astype(dtype) if dtype.kind == "f"
                      else np.zeros(shape, dtype))
    return values


def interleaved_times(xmls: tuple, iterations: int, min_seconds: float) -> tuple:
    """Seconds of each inference of each IR, compiled for CPU in the given order and run
    alternately, which one runs first flipping every iteration (on a model of a tenth of a
    millisecond the first of a pair measures several percent slower), at least `iterations` times
    each and until each has run `min_seconds` in all."""
    core = ov.Core()
    compiled = []
    for xml in xmls:
        model = core.read_model(str(xml))
        c = core.compile_model(model, "CPU", {"PERFORMANCE_HINT": "LATENCY"})
        compiled.append((c.create_infer_request(), inputs_for(model)))
    times = ([], [])
    i = 0
    while i < iterations + 10 or min(sum(times[0]), sum(times[1])) < min_seconds:
        for k in ((0, 1) if i % 2 == 0 else (1, 0)):
            request, values = compiled[k]
            t0 = time.perf_counter()
            request.infer(values)
            if i >= 10:  # the first runs warm caches up
                times[k].append(time.perf_counter() - t0)
        i += 1
    return times


def latency_ratio(remo_xml: Path, ovc_xml: Path, iterations: int, min_seconds: float) -> tuple[float, float, float, float]:
    """(remo median ms, ovc median ms, ratio of the medians, ratio of the fastest runs). Measured
    twice, compiling remo's IR first and then ovc's first, with the samples pooled: which model
    was compiled first also shifts a small model's time by a few percent. On a shared machine the
    median carries the other processes' load, and the fastest run depends on when a quiet moment
    falls."""
    remo_first = interleaved_times((remo_xml, ovc_xml), iterations, min_seconds / 2)
    ovc_first = interleaved_times((ovc_xml, remo_xml), iterations, min_seconds / 2)
    remo, ovc = remo_first[0] + ovc_first[1], remo_first[1] + ovc_first[0]
    remo_ms, ovc_ms = statistics.median(remo) * 1000, statistics.median(ovc) * 1000
    return remo_ms, ovc_ms, remo_ms / ovc_ms, min(remo) / min(ovc)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--remo", default=str(REPO / "build/remo"))
    ap.add_argument("--models", type=Path, nargs="*", default=[], help="extra folders of .onnx models")
    ap.add_argument("--runs", type=int, default=3, help="conversions per converter and model")
    ap.add_argument("--iterations", type=int, default=200, help="inferences per IR for the latency, at least")
    ap.add_argument("--min-seconds", type=float, default=3.0,
                    help="and at least this much inference time per IR, for the latency")
    ap.add_argument("--write", type=Path, help="write the Markdown report here")
    args = ap.parse_args()

    remo = str(Path(args.remo).resolve())
    ovc = shutil.which("ovc", path=str(Path(sys.executable).parent)) or "ovc"
    mo = legacy_mo()
    models = corpus_models() + [m for folder in args.models for m in sorted(folder.glob("*.onnx"))]
    rows = []
    args.load = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory(prefix="quality-") as tmp:
        for model in models:
            work = Path(tmp) / model.stem
            print(f"{model.stem}:", flush=True)
            results = [convert("remo", [remo, "--input_model", str(model), "--output_dir", str(work / "remo")],
                               work / "remo", args.runs),
                       convert("ovc", [ovc, str(model), "--output_model", str(work / "ovc" / f"{model.stem}.xml")],
                               work / "ovc", args.runs)]
            if mo:
                results.append(convert("mo", [mo, "--input_model", str(model), "--output_dir", str(work / "mo")],
                                       work / "mo", args.runs))
            by = {r["name"]: r for r in results}
            for r in results:
                print(f"  {r['name']}: " + (r["error"] if "error" in r else
                      f"{r['nodes']} nodes, {r['time']:.3f} s, {r['rss']:.0f} MiB"), flush=True)
            latency = None
            if "error" not in by["remo"] and "error" not in by["ovc"]:
                latency = latency_ratio(by["remo"]["xml"], by["ovc"]["xml"], args.iterations, args.min_seconds)
                print(f"  latency: remo {latency[0]:.3f} ms, ovc {latency[1]:.3f} ms, ratio {latency[2]:.3f}"
                      f" (fastest runs {latency[3]:.3f})",
                      flush=True)
            rows.append((model.stem, by, latency))

    args.load.append(os.getloadavg()[0])
    report = render(rows, mo is not None, args)
    if args.write:
        args.write.write_text(report)
        print(f"wrote {args.write}")
    else:
        print(report)
    return 0


def render(rows, have_mo: bool, args) -> str:
    def cell(r: dict, key: str, fmt: str) -> str:
        return "error" if "error" in r else format(r[key], fmt)

    def ratio(r: dict, base: dict, key: str) -> str:
        return "–" if "error" in r or "error" in base else f"{r[key] / base[key]:.2f}x"

    names = ["remo", "ovc"] + (["mo"] if have_mo else [])
    lines = [
        "# Output quality: remo against ovc and legacy mo",
        "",
        "Regenerated by `~/.cache/remo/venv/bin/python tests/bench/quality.py --write docs/quality.md`",
        f"({args.runs} conversions per converter and model, at least {args.iterations} inferences and {args.min_seconds:g} s of inference per IR;"
        f" {os.cpu_count()} CPUs). Every converter runs with its default options (remo and ovc"
        " both compress weights to f16).",
        "Node counts include Parameters, Constants and Results. Latency is OpenVINO CPU inference of remo's IR"
        " over ovc's, measured alternately in one process (each IR in turn first, each compiled first in one half of the runs); below 1 means remo's IR runs faster. The first latency"
        " column compares the median inferences, the second the fastest ones: the median also carries the"
        f" machine's other load (1-minute load average {args.load[0]:.1f} at the start, {args.load[1]:.1f} at the"
        " end), the fastest run depends on when a quiet moment falls: on a loaded machine read both.",
        "Time and RSS columns are each converter's median wall time and peak RSS over remo's.",
        "",
        "| model | " + " | ".join(f"nodes {n}" for n in names) + " | latency remo/ovc (median) | latency remo/ovc (fastest) | "
        + " | ".join(f"time {n}/remo" for n in names[1:]) + " | "
        + " | ".join(f"RSS {n}/remo" for n in names[1:]) + " | remo time (s) | remo RSS (MiB) |",
        "|" + "---|" * (3 * len(names) + 3),
    ]
    for stem, by, latency in rows:
        remo = by["remo"]
        cells = [stem] + [cell(by[n], "nodes", "d") for n in names]
        cells += [f"{latency[2]:.3f}", f"{latency[3]:.3f}"] if latency else ["–", "–"]
        cells += [ratio(by[n], remo, "time") for n in names[1:]]
        cells += [ratio(by[n], remo, "rss") for n in names[1:]]
        cells += [cell(remo, "time", ".3f"), cell(remo, "rss", ".0f")]
        lines.append("| " + " | ".join(cells) + " |")
    errors = [(stem, n, by[n]["error"]) for stem, by, _ in rows for n in names if "error" in by[n]]
    if errors:
        lines += ["", "Conversions that failed:", ""]
        lines += [f"- {stem}, {n}: {e}" for stem, n, e in errors]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
