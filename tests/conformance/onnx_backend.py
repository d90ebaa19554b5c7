#!/usr/bin/env python3
"""Runs the ONNX backend node tests through remo (and, with --ovc, OpenVINO's converter) and
OpenVINO's CPU plugin, and sorts every failure into a category.

usage: onnx_backend.py REMO [GLOB ...] [--ovc] [--doc FILE] [--floor FILE] [--jobs N] [--quiet]

  REMO          the remo binary
  GLOB          test folder names to run (default: all), e.g. 'test_lstm*'
  --ovc         also convert every test with openvino.convert_model, in the same run
  --doc FILE    write the results table (both converters; implies --ovc) as Markdown to FILE;
                `onnx_backend.py build/remo --doc docs/onnx-support.md` regenerates the docs page
  --floor FILE  exit 1 if remo passes fewer tests than the count recorded in FILE (a file
                holding just that number, or a page written by --doc): the regression check
                of scripts/test.sh, which reads tests/conformance/onnx_node_tests.floor
  --jobs N      worker processes (default 2)
  --rerun-ovc   run ovc on every test even when its results are cached. ovc's results depend
                only on OpenVINO, the onnx version and this harness's judging code
                (onnx_backend_worker.py), so they are kept under the node-test folder, keyed
                by a hash of those, and reused by later runs
  --quiet       no line per failing test

The tests come from make_onnx_node_tests.py. Each (test, converter) pair runs in a worker
process (onnx_backend_worker.py) with a time limit, so a converter or OpenVINO that crashes or
hangs costs one test, not the run. The last line printed is "N passed, M failed" for remo.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import onnx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_onnx_node_tests  # noqa: E402
import onnx_backend_report  # noqa: E402
from onnx_backend_worker import not_runnable  # noqa: E402

JOB_TIMEOUT_S = 120
WHERE_IT_DIED = {None: "conversion error", "convert": "conversion error",
                 "compile": "IR rejected by OpenVINO", "infer": "IR rejected by OpenVINO"}


class Worker:
    """One onnx_backend_worker.py process, restarted after it crashes or times out."""

    def __init__(self, work: Path):
        self.work, self.proc, self.buf = work, None, b""

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(HERE / "onnx_backend_worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.buf = b""

    def stop(self) -> None:
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def run(self, job: dict, timeout: float) -> tuple[str, str]:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        self.proc.stdin.write((json.dumps({**job, "work": str(self.work)}) + "\n").encode())
        self.proc.stdin.flush()
        stage, deadline = None, time.monotonic() + timeout
        while True:
            line = self.read_line(deadline)
            if line is None:  # died or hung: the stage it last announced says where
                code = self.proc.poll()
                self.stop()
                what = f"killed by signal {-code}" if code and code < 0 else \
                    f"exited with {code}" if code is not None else f"no answer after {timeout:.0f} s"
                return WHERE_IT_DIED[stage], f"{'converter' if stage in (None, 'convert') else 'OpenVINO'} " \
                                             f"{what} (during {stage or 'start'})"
            msg = json.loads(line)
            if "stage" in msg:
                stage = msg["stage"]
            else:
                return msg["result"]["status"], msg["result"]["reason"]

    def read_line(self, deadline: float) -> bytes | None:
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line


def test_op(name: str, model: onnx.ModelProto, ops_by_test: dict) -> str:
    """The op a test is about: its one non-Constant node type; an *_expanded test (the op's
    function body spelled out) belongs to the op of the test it expands."""
    if "_expanded" in name:
        base = name.split("_expanded")[0]
        if base in ops_by_test:
            return ops_by_test[base]
    types = sorted({(f"{n.domain}." if n.domain not in ("", "ai.onnx") else "") + n.op_type
                    for n in model.graph.node if n.op_type != "Constant"})
    return "+".join(types) or "Constant"


def load_cases(patterns: list[str]) -> list[dict]:
    root = Path(make_onnx_node_tests.cache_dir())
    if not (root / ".complete").exists():
        make_onnx_node_tests.main()
    folders = [c for c in sorted(root.iterdir()) if c.is_dir()
               and any(fnmatch.fnmatch(c.name, p) for p in patterns)]
    cases, ops_by_test = [], {}
    # Plain tests first, so that an expanded test finds its base test's op.
    for folder in sorted(folders, key=lambda f: ("_expanded" in f.name, f.name)):
        model = onnx.load(str(folder / "model.onnx"), load_external_data=False)
        op = test_op(folder.name, model, ops_by_test)
        ops_by_test[folder.name] = op
        cases.append({"name": folder.name, "dir": folder, "op": op, "not_runnable": not_runnable(model)})
    return sorted(cases, key=lambda c: c["name"])


def scrub(reason: str, case: dict, work: Path) -> str:
    """Reasons without machine-specific paths, so that the page is the same on every machine."""
    return reason.replace(str(case["dir"]), "<test>").replace(str(work), "<out>")


def run_all(cases: list[dict], converters: list[str], remo: str, jobs: int, timeout: float,
            on_result, known: dict) -> dict:
    """Runs every (case, converter) pair not already in `known` (cached results)."""
    results: dict = {}
    todo = []
    for c in cases:
        for conv in converters:
            if (c["name"], conv) in known:
                results[(c["name"], conv)] = known[(c["name"], conv)]
                on_result(c, conv, *known[(c["name"], conv)])
            else:
                todo.append((c, conv))
    lock = threading.Lock()

    def drain(index: int, tmp: Path) -> None:
        worker = Worker(tmp / f"w{index}")
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    case, conv = todo.pop(0)
                if case["not_runnable"]:
                    status, reason = "reference not runnable", case["not_runnable"]
                else:
                    status, reason = worker.run({"case": str(case["dir"]), "converter": conv, "remo": remo},
                                                timeout)
                    reason = scrub(reason, case, worker.work)
                with lock:
                    results[(case["name"], conv)] = (status, reason)
                    on_result(case, conv, status, reason)
        finally:
            worker.stop()

    with tempfile.TemporaryDirectory(prefix="remo-onnx-backend-") as tmp:
        threads = [threading.Thread(target=drain, args=(i, Path(tmp))) for i in range(max(1, jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return results


def ovc_cache_path(root: Path) -> Path:
    """Where ovc's results are kept: they depend only on OpenVINO, the tests (the onnx version
    names the folder) and the judging code, so the key hashes the worker's source."""
    import hashlib

    import openvino

    key = hashlib.sha256((HERE / "onnx_backend_worker.py").read_bytes() + openvino.get_version().encode())
    return root / f"ovc-results-{key.hexdigest()[:16]}.json"


def load_ovc_cache(path: Path) -> dict:
    if not path.is_file():
        return {}
    return {(name, "ovc"): tuple(v) for name, v in json.loads(path.read_text()).items()}


def save_ovc_cache(path: Path, results: dict) -> None:
    merged = {name: list(v) for (name, conv), v in load_ovc_cache(path).items()}
    merged.update({name: list(v) for (name, conv), v in results.items() if conv == "ovc"})
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(merged, sort_keys=True, indent=0))
    tmp.rename(path)


def recorded_floor(path: Path) -> int:
    """The count in a file holding just a number, or on a page written by --doc."""
    text = path.read_text()
    if re.fullmatch(r"\s*\d+\s*", text):
        return int(text)
    m = re.search(onnx_backend_report.FLOOR_PATTERN, text)
    if not m:
        raise SystemExit(f"{path}: no line matching '{onnx_backend_report.FLOOR_PATTERN}' to take the floor from")
    return int(m.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("remo")
    ap.add_argument("patterns", nargs="*", metavar="GLOB")
    ap.add_argument("--ovc", action="store_true")
    ap.add_argument("--doc", type=Path)
    ap.add_argument("--floor", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=JOB_TIMEOUT_S)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--rerun-ovc", action="store_true")
    args = ap.parse_intermixed_args()
    if args.doc and args.patterns:
        ap.error("--doc writes the page for the whole suite: give no GLOB")
    if args.floor and args.patterns:
        ap.error("--floor is a count over the whole suite: give no GLOB")
    converters = ["remo"] + (["ovc"] if args.ovc or args.doc else [])
    remo = str(Path(args.remo).resolve())
    floor = recorded_floor(args.floor) if args.floor else None

    started = time.monotonic()
    cases = load_cases(args.patterns or ["*"])

    cache = ovc_cache_path(Path(make_onnx_node_tests.cache_dir()))
    known = load_ovc_cache(cache) if "ovc" in converters and not args.rerun_ovc else {}
    fresh_ovc: dict = {}

    def on_result(case, conv, status, reason):
        if status != "pass" and not args.quiet:
            print(f"FAIL {conv} {case['name']}: [{status}] {reason}", flush=True)
        if conv == "ovc" and (case["name"], conv) not in known:
            # Saved as they come, so that an interrupted run still spares the next one the work.
            fresh_ovc[(case["name"], conv)] = (status, reason)
            if len(fresh_ovc) % 100 == 0:
                save_ovc_cache(cache, fresh_ovc)

    results = run_all(cases, converters, remo, args.jobs, args.timeout, on_result, known)
    if "ovc" in converters:
        save_ovc_cache(cache, results)
        reused = sum(1 for c in cases if (c["name"], "ovc") in known)
        print(f"ovc: {reused} results reused from {cache} (--rerun-ovc runs them again)")
    elapsed = time.monotonic() - started
    counts = {conv: sum(results[(c["name"], conv)][0] == "pass" for c in cases) for conv in converters}
    for conv in converters:
        by_category = onnx_backend_report.categories(cases, results, conv)
        print(f"{conv}: {counts[conv]} of {len(cases)} passed; " +
              ", ".join(f"{k}: {v}" for k, v in by_category.items() if k != "pass"))
    print(f"{len(cases)} tests x {len(converters)} converter(s) in {elapsed:.0f} s with {args.jobs} worker(s)")
    if args.doc:
        args.doc.write_text(onnx_backend_report.markdown(cases, results))
        print(f"wrote {args.doc}")
    print(f"{counts['remo']} passed, {len(cases) - counts['remo']} failed")
    if floor is not None and counts["remo"] < floor:
        print(f"remo passes {counts['remo']} node tests, fewer than the {floor} recorded in {args.floor}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
