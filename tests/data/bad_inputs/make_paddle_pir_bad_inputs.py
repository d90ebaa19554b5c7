#!/usr/bin/env python3
"""Writes the Paddle PIR cases of tests/data/bad_inputs/: a tiny PIR program (.json, the layout
Paddle 3 saves, see docs/paddle.md) with its .pdiparams, broken one way per case. Standard library
only; the outputs are committed. Re-running it rewrites them byte-identically."""
import json
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent


def dtensor(dims, element="0.t_f32"):
    return {"#": "0.t_dtensor", "D": [{"#": element}, dims, "NCHW", [], 0]}


def attr(name, kind, value):
    return {"N": name, "AT": {"#": kind, "D": value}}


def program(op_name="1.add"):
    """y = x + w (w a parameter of 2 floats), fetched as output 0."""
    ops = [
        {"#": "p", "A": [0, 1, 1, "w"], "O": {"%": 1, "TT": dtensor([2])}},
        {"#": "1.data", "A": [attr("name", "0.a_str", "x"), attr("shape", "1.a_intarray", [-1, 2]),
                              attr("dtype", "1.a_dtype", "float32")],
         "I": [], "O": [{"%": 2, "TT": dtensor([-1, 2])}]},
        {"#": op_name, "A": [], "I": [{"%": 2}, {"%": 1}], "O": [{"%": 3, "TT": dtensor([-1, 2])}]},
        {"#": "1.fetch", "A": [attr("name", "0.a_str", "y"), attr("col", "0.a_i32", 0)],
         "I": [{"%": 3}], "O": [{"%": 4, "TT": dtensor([-1, 2])}]},
    ]
    doc = {"base_code": {"magic": "pir", "trainable": False, "version": 1},
           "program": {"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "args": [], "ops": ops}]}]}}
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def tensor_record(dims, values):
    """One tensor in the .pdiparams layout: versions, no LoD, a TensorDesc (FP32 = 5), the data."""
    desc = bytes([0x08, 5]) + b"".join(bytes([0x10, d]) for d in dims)
    return (struct.pack("<IQI", 0, 0, 0) + struct.pack("<i", len(desc)) + desc +
            struct.pack(f"<{len(values)}f", *values))


def write_case(name, json_text, params, stderr):
    d = HERE / name
    d.mkdir(exist_ok=True)
    (d / "model.json").write_text(json_text)
    (d / "model.pdiparams").write_bytes(params)
    case = {"args": ["--input_model", "{case}/model.json"], "exit": 1, "stderr": stderr}
    (d / "case.json").write_text(json.dumps(case, indent=2) + "\n")


def main():
    good = tensor_record([2], [1.0, 2.0])
    write_case("paddle_pir_truncated_params", program(), good[:-3],
               ["{case}/model.pdiparams: variable 'w': truncated data of shape [2] f32: needs 8 bytes"])
    write_case("paddle_pir_unknown_op", program("1.mystery_op"), good,
               ["1 operation type has no translation:", "pd_op.mystery_op: no translation"])
    write_case("paddle_pir_params_mismatch", program(), tensor_record([3], [1.0, 2.0, 3.0]),
               ["{case}/model.pdiparams: parameter 'w': the parameter file holds f32 [3] but the program declares f32 [2]"])


if __name__ == "__main__":
    main()
