"""What the frontends' conformance runners share: converting a model with remo and with ovc, timed;
running an IR on OpenVINO's CPU plugin in f32; counting its nodes; comparing with the source
framework's output; and writing a support table in markdown. Runs in the venv.
"""
import subprocess
import time
from pathlib import Path

import numpy as np

TIMEOUT_S = 600


class ConversionError(RuntimeError):
    """A converter refused the model; the message is its first meaningful line."""


def first_line(text: str, fallback: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # remo prints warnings before the error: the error is what the row has to say.
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [fallback])[0]


def convert_remo(remo: str, args: list, xml: Path):
    """Runs remo with `args` (model and options; --output_dir/--model_name come from `xml`),
    f32 weights. Returns (xml, seconds of wall time)."""
    cmd = [str(remo), *map(str, args), "--output_dir", str(xml.parent), "--model_name", xml.stem,
           "--compress_to_fp16=False"]  # the check measures the translation, not f16 rounding
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT_S)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        line = first_line(proc.stderr, f"exit {proc.returncode}")
        raise ConversionError(line if line.startswith("remo") else "remo: " + line)
    return xml, seconds


def convert_ovc(source, xml: Path, **kwargs):
    """openvino.convert_model(source) saved with f32 weights. Returns (xml, seconds of conversion)."""
    import openvino as ov

    start = time.perf_counter()
    try:
        model = ov.convert_model(source, **kwargs)
    except Exception as e:  # noqa: BLE001 - ovc's refusal is a result, not a crash of the runner
        raise ConversionError("ovc: " + first_line(str(e), type(e).__name__)) from e
    seconds = time.perf_counter() - start
    ov.save_model(model, str(xml), compress_to_fp16=False)
    return xml, seconds


def run_ir(core, xml: Path, feeds) -> list:
    """Every output of the IR, in order. Inference in f32: CPUs with bf16 units would otherwise
    run in bf16."""
    compiled = core.compile_model(core.read_model(str(xml)), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    results = compiled(feeds)
    return [results[out] for out in compiled.outputs]


def node_count(core, xml: Path) -> int:
    return len(core.read_model(str(xml)).get_ordered_ops())


def relative_error(got, want, floor: float = 0.0) -> float:
    """max|got - want| / max(floor, max|want|) (the absolute error when the scale is 0)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if want.size == 0:
        return 0.0
    err = float(np.max(np.abs(got - want)))
    scale = max(floor, float(np.max(np.abs(want))))
    return err / scale if scale else err


def markdown_table(head: list, rows: list) -> list:
    """Lines of a markdown table; '|' inside a cell would end it, so it becomes '/'."""
    def line(cells):
        return "| " + " | ".join(str(c).replace("|", "/").replace("\n", " ") for c in cells) + " |"
    return [line(head), "|" + "---|" * len(head)] + [line(row) for row in rows]
