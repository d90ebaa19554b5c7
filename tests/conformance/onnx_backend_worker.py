#!/usr/bin/env python3
"""One ONNX backend node test through one converter and OpenVINO's CPU plugin.

Started by onnx_backend.py as a long-lived worker: reads one JSON job per line on stdin
({"case": DIR, "converter": "remo"|"ovc", "remo": BINARY, "work": DIR}) and answers on its
own stdout with {"stage": ...} lines while it works and one {"result": ...} line at the end.
A converter or OpenVINO crash or hang therefore kills only this process; the parent reads
the last stage to say where it died. Everything else the libraries print goes to stderr.

Judging follows the backend suite's runner: outputs in order, the same dtype, allclose with
rtol 1e-3 / atol 1e-7 (NaN equal to NaN) for floating types, exact equality otherwise.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import ml_dtypes
import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

RTOL, ATOL = 1e-3, 1e-7
REMO_TIMEOUT_S = 60
# f32 as the reference computes; one thread, as the harness runs one worker per core.
COMPILE_CONFIG = {"INFERENCE_PRECISION_HINT": "f32", "INFERENCE_NUM_THREADS": 1}

# ONNX element types exchanged with OpenVINO as raw bytes: (OpenVINO type name, numpy
# dtype of one unpacked element, bits per element). The ONNX and OpenVINO layouts agree:
# sub-byte elements are packed first-element-in-the-low-bits.
RAW_TYPES = {
    TensorProto.BFLOAT16: ("bf16", ml_dtypes.bfloat16, 16),
    TensorProto.FLOAT8E4M3FN: ("f8e4m3", ml_dtypes.float8_e4m3fn, 8),
    TensorProto.FLOAT8E5M2: ("f8e5m2", ml_dtypes.float8_e5m2, 8),
    TensorProto.FLOAT8E8M0: ("f8e8m0", ml_dtypes.float8_e8m0fnu, 8),
    TensorProto.UINT4: ("u4", ml_dtypes.uint4, 4),
    TensorProto.INT4: ("i4", ml_dtypes.int4, 4),
    TensorProto.FLOAT4E2M1: ("f4e2m1", ml_dtypes.float4_e2m1fn, 4),
    TensorProto.UINT2: ("u2", ml_dtypes.uint2, 2),
}
# Element types OpenVINO has no counterpart for.
NO_OPENVINO_TYPE = {TensorProto.FLOAT8E4M3FNUZ, TensorProto.FLOAT8E5M2FNUZ, TensorProto.INT2,
                    TensorProto.COMPLEX64, TensorProto.COMPLEX128, TensorProto.UNDEFINED}


def not_runnable(model: onnx.ModelProto) -> str | None:
    """Why the reference values cannot be exchanged with OpenVINO, or None.

    OpenVINO models take and give dense tensors only, so a graph input or output that is a
    sequence, optional, map or sparse tensor, or a tensor of an element type OpenVINO lacks
    (float8 *FNUZ, int2, complex), makes the test not runnable for any converter."""
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        for v in values:
            which = v.type.WhichOneof("value")
            if which != "tensor_type":
                return f"{kind} '{v.name}' is a {which.replace('_type', '')}"
            if v.type.tensor_type.elem_type in NO_OPENVINO_TYPE:
                name = TensorProto.DataType.Name(v.type.tensor_type.elem_type)
                return f"{kind} '{v.name}' has element type {name}, which OpenVINO lacks"
    return None


def load_values(folder: Path, prefix: str) -> list[tuple[int, np.ndarray]]:
    """(ONNX element type, value) of each prefix_K.pb, in K order."""
    values = []
    for path in sorted(folder.glob(f"{prefix}_*.pb"), key=lambda p: int(p.stem.split("_")[1])):
        tensor = TensorProto()
        tensor.ParseFromString(path.read_bytes())
        values.append((tensor.data_type, numpy_helper.to_array(tensor)))
    return values


def pack(value: np.ndarray, bits: int) -> np.ndarray:
    codes = value.reshape(-1).view(np.uint8) & ((1 << bits) - 1)
    per_byte = 8 // bits
    codes = np.concatenate([codes, np.zeros(-len(codes) % per_byte, np.uint8)])
    out = np.zeros(len(codes) // per_byte, np.uint8)
    for k in range(per_byte):
        out |= codes[k::per_byte] << (k * bits)
    return out


def unpack(raw: np.ndarray, bits: int, count: int) -> np.ndarray:
    raw = raw.reshape(-1).view(np.uint8)
    per_byte = 8 // bits
    codes = np.stack([(raw >> (k * bits)) & ((1 << bits) - 1) for k in range(per_byte)], axis=1)
    return codes.reshape(-1)[:count]


def to_openvino(ov, elem_type: int, value: np.ndarray):
    if elem_type not in RAW_TYPES:
        return value if value.dtype != object else value.astype(str)
    type_name, _, bits = RAW_TYPES[elem_type]
    tensor = ov.Tensor(getattr(ov.Type, type_name), ov.Shape(list(value.shape)))
    if bits >= 8:
        raw = value.reshape(-1).view(np.uint8 if bits == 8 else np.uint16)
    else:
        raw = pack(value, bits)
    tensor.data.reshape(-1).view(raw.dtype)[:] = raw.reshape(-1)
    return tensor


def from_openvino(tensor, want_type: int) -> np.ndarray:
    if want_type in RAW_TYPES and tensor.element_type.get_type_name() == RAW_TYPES[want_type][0]:
        _, dtype, bits = RAW_TYPES[want_type]
        shape = tuple(tensor.shape)
        raw = np.array(tensor.data).reshape(-1)
        if bits >= 8:
            return raw.view(dtype).reshape(shape)
        count = int(np.prod(shape, dtype=np.int64))
        return unpack(raw, bits, count).view(dtype).reshape(shape)
    if tensor.element_type.get_type_name() == "string":
        return np.array(tensor.str_data, dtype=object)
    return np.array(tensor.data)


def differs(got: np.ndarray, want: np.ndarray) -> str | None:
    if got.dtype != want.dtype:
        return f"dtype {got.dtype}, expected {want.dtype}"
    if got.shape != want.shape:
        return f"shape {list(got.shape)}, expected {list(want.shape)}"
    if want.dtype == object:
        return None if got.tolist() == want.tolist() else "strings differ"
    if want.dtype.kind in "fc" or is_ml_float(want.dtype):
        g, w = got.astype(np.float64), want.astype(np.float64)
        if not np.allclose(g, w, rtol=RTOL, atol=ATOL, equal_nan=True):
            bad = ~np.isclose(g, w, rtol=RTOL, atol=ATOL, equal_nan=True)
            return f"{int(bad.sum())} of {bad.size} values off, max abs diff " \
                   f"{np.nanmax(np.abs(g - w)[bad]) if bad.any() else 0:.3g}"
        return None
    g, w = (got.astype(np.int64), want.astype(np.int64)) if is_ml_int(want.dtype) else (got, want)
    if not np.array_equal(g, w):
        return f"{int(np.sum(g != w))} of {w.size} values differ"
    return None


def is_ml_float(dtype: np.dtype) -> bool:
    return dtype in {np.dtype(t) for t in (ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2,
                                           ml_dtypes.float8_e8m0fnu, ml_dtypes.float4_e2m1fn)}


def is_ml_int(dtype: np.dtype) -> bool:
    return dtype in {np.dtype(t) for t in (ml_dtypes.int4, ml_dtypes.uint4, ml_dtypes.uint2)}


class Failure(Exception):
    def __init__(self, category: str, reason: str):
        super().__init__(reason)
        self.category, self.reason = category, reason


def first_line(text: str, skip=()) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line and not any(line.startswith(s) for s in skip):
            return line[:300]
    return ""


def convert_remo(remo: str, case: Path, work: Path):
    # f32 weights, as ovc's IR is saved: the comparison measures the translation, not f16 rounding.
    proc = subprocess.run([remo, "--input_model", str(case / "model.onnx"), "--output_dir", str(work),
                           "--model_name", "model", "--compress_to_fp16=False"],
                          stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace", timeout=REMO_TIMEOUT_S)
    if proc.returncode != 0:
        missing = re.findall(r"^\s+(\S+): no translation", proc.stderr, re.M)
        if missing:
            raise Failure("unsupported op", "no translation: " + ", ".join(sorted(set(missing))))
        if proc.returncode < 0:
            raise Failure("conversion error", f"remo killed by signal {-proc.returncode}")
        raise Failure("conversion error", first_line(proc.stderr) or f"exit {proc.returncode}")
    return work / "model.xml"


OVC_UNSUPPORTED = re.compile(r"No conversion rule found for operations:\s*(.*)")


def convert_ovc(ov, case: Path, work: Path):
    try:
        model = ov.convert_model(str(case / "model.onnx"))
    except Exception as e:  # noqa: BLE001 - the frontend raises plain exceptions
        text = str(e)
        m = OVC_UNSUPPORTED.search(text)
        if m:
            raise Failure("unsupported op", "no conversion rule: " + first_line(m.group(1)))
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        detail = next((ln for ln in lines if " with a message:" in ln or ln.startswith("--")), None)
        raise Failure("conversion error", (detail or first_line(text))[:300])
    xml = work / "model.xml"
    ov.save_model(model, str(xml), compress_to_fp16=False)
    return xml


def run(job: dict, ov, core, say) -> tuple[str, str]:
    case = Path(job["case"])
    model = onnx.load(str(case / "model.onnx"), load_external_data=False)
    why = not_runnable(model)
    if why:
        return "reference not runnable", why
    work = Path(job["work"])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        say("convert")
        try:
            if job["converter"] == "remo":
                xml = convert_remo(job["remo"], case, work)
            else:
                xml = convert_ovc(ov, case, work)
        except subprocess.TimeoutExpired:
            raise Failure("conversion error", f"remo timed out after {REMO_TIMEOUT_S} s")
        say("compile")
        try:
            compiled = core.compile_model(core.read_model(str(xml)), "CPU", COMPILE_CONFIG)
        except Exception as e:  # noqa: BLE001
            raise Failure("IR rejected by OpenVINO", first_line(str(e), skip=("Exception from",)))
        in_names = [v.name for v in model.graph.input if v.name not in {t.name for t in model.graph.initializer}]
        out_types = [v.type.tensor_type.elem_type for v in model.graph.output]
        for data in sorted(case.glob("test_data_set_*")):
            inputs, wants = load_values(data, "input"), load_values(data, "output")
            say("infer")
            request = compiled.create_infer_request()
            try:
                for k, (elem_type, value) in enumerate(inputs):
                    port = find_port(compiled.inputs, in_names[k], k, len(inputs))
                    if port is not None:
                        request.set_tensor(port, to_ov_tensor(ov, elem_type, value))
                request.infer()
            except Failure:
                raise
            except Exception as e:  # noqa: BLE001
                raise Failure("IR rejected by OpenVINO", "inference: " + first_line(str(e), skip=("Exception from",)))
            if len(compiled.outputs) != len(wants):
                raise Failure("wrong numbers", f"{len(compiled.outputs)} outputs, expected {len(wants)}")
            for k, (_, want) in enumerate(wants):
                port = find_port(compiled.outputs, model.graph.output[k].name, k, len(wants))
                got = from_openvino(request.get_tensor(port), out_types[k])
                problem = differs(got, want)
                if problem:
                    raise Failure("wrong numbers", f"{data.name} output {k} ('{model.graph.output[k].name}'): {problem}")
        return "pass", ""
    except Failure as f:
        return f.category, f.reason
    finally:
        shutil.rmtree(work, ignore_errors=True)


def to_ov_tensor(ov, elem_type, value):
    t = to_openvino(ov, elem_type, value)
    return t if isinstance(t, ov.Tensor) else ov.Tensor(np.array(t, order="C"))  # keeps 0-d shapes


def find_port(ports, name: str, index: int, onnx_count: int):
    """The port carrying ONNX name `name`. When no port has it: the port at the same position
    if the IR has as many ports as the ONNX graph (names lost), else None (an input the
    converter dropped because nothing reads it; a missing output fails on the count)."""
    for port in ports:
        if name in port.get_names():
            return port
    if len(ports) == onnx_count:
        return ports[index]
    return None


def main() -> int:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever OpenVINO or onnx print must not garble the answers
    import openvino as ov

    core = ov.Core()

    def say(stage: str) -> None:
        proto.write(json.dumps({"stage": stage}) + "\n")

    for line in sys.stdin:
        job = json.loads(line)
        try:
            status, reason = run(job, ov, core, say)
        except Exception as e:  # noqa: BLE001 - a harness problem is reported, not fatal
            status, reason = "harness error", f"{type(e).__name__}: {first_line(str(e))}"
        proto.write(json.dumps({"result": {"status": status, "reason": reason}}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
