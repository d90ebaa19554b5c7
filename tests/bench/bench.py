#!/usr/bin/env python3
"""Times remo against OpenVINO's ovc converting the same ONNX model. Runs in the venv.

  bench.py [--remo build/remo] [--model PATH] [--runs 5]

Each converter runs --runs times as a child process; for each run the wall time and the
child's peak RSS (GNU time's %M) are taken, and the table gives their medians.
ovc runs with --compress_to_fp16=False, as remo writes f32 weights: otherwise ovc would
do extra work (and write half the bytes). ovc is a Python program, so its numbers include
starting Python and importing openvino: that is what a user of ovc pays too.
Default model: the cached ResNet-50 from tests/conformance/make_cnn_models.py.
"""
import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def default_model() -> Path:
    out = subprocess.run(["/usr/bin/python3", str(REPO / "tests/conformance/make_cnn_models.py")],
                         stdout=subprocess.PIPE, text=True, check=True)
    return Path(out.stdout.split()[-1]) / "resnet50.onnx"


def run_once(cmd: list[str]) -> tuple[float, float]:
    """Returns (wall seconds, peak RSS in MiB) of one run of cmd; raises if it fails.

    The peak RSS comes from GNU time (/usr/bin/time -f %M) wrapping the command: a child's
    ru_maxrss also counts the memory of the process it was forked from, so measuring from this
    Python process (with numpy or openvino loaded) would inflate small converters' numbers.
    """
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        t0 = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak.name, *cmd],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            err.seek(0)
            msg = err.read().decode(errors="replace").strip().splitlines()[:1]
            raise SystemExit(f"failed (exit {proc.returncode}): {shlex.join(cmd)}\n  {msg}")
        kib = int(peak.read().split()[-1])
    return wall, kib / 1024


def bench(name: str, make_cmd, runs: int) -> dict:
    walls, rss = [], []
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        cmd = make_cmd(Path(tmp))
        print(f"{name}: {shlex.join(cmd)}", flush=True)
        for i in range(runs):
            w, r = run_once(cmd)
            walls.append(w), rss.append(r)
            print(f"  run {i + 1}: {w:.3f} s, {r:.0f} MiB", flush=True)
            for f in Path(tmp).iterdir():  # each run starts from an empty folder
                shutil.rmtree(f) if f.is_dir() else f.unlink()
    return {"name": name, "time": statistics.median(walls), "rss": statistics.median(rss),
            "walls": walls, "rsss": rss}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--remo", default=str(REPO / "build/remo"))
    ap.add_argument("--model", type=Path, help="ONNX model (default: cached ResNet-50)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    model = (args.model or default_model()).resolve()
    remo = str(Path(args.remo).resolve())
    ovc = shutil.which("ovc", path=str(Path(sys.executable).parent)) or "ovc"
    print(f"model: {model} ({model.stat().st_size / 2**20:.1f} MiB), {args.runs} runs each, "
          f"{os.cpu_count()} CPUs\n")

    results = [
        bench("remo", lambda d: [remo, "--input_model", str(model), "--output_dir", str(d)], args.runs),
        bench("ovc", lambda d: [ovc, str(model), "--output_model", str(d / f"{model.stem}.xml"),
                                "--compress_to_fp16=False"], args.runs),
    ]
    print(f"\n{'converter':<10} | {'median time (s)':>15} | {'median peak RSS (MiB)':>21} | runs (s)")
    print(f"{'-' * 10}-|-{'-' * 15}-|-{'-' * 21}-|---------")
    for r in results:
        runs = " ".join(f"{w:.2f}" for w in r["walls"])
        print(f"{r['name']:<10} | {r['time']:>15.3f} | {r['rss']:>21.0f} | {runs}")
    remo_r, ovc_r = results
    print(f"\nremo/ovc: time {remo_r['time'] / ovc_r['time']:.2f}x, "
          f"peak RSS {remo_r['rss'] / ovc_r['rss']:.2f}x  (below 1 = remo better)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
