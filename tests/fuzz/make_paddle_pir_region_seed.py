#!/usr/bin/env python3
"""Writes tests/fuzz/seeds/paddle_pir/control_flow: the control-flow program of
tests/conformance/make_paddle_op_models.py (two conds, a while_loop with a cond and a Linear
layer in its body) saved by Paddle 3 as a PIR program, so pd_op.if / pd_op.while regions, block
arguments and cf.yield are in the fuzz corpus. Packed as fuzz_paddle_pir.cpp reads its input
(uint32 program size, the .json, the .pdiparams). Run in the venv."""
import os
import struct
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "conformance"))
import make_paddle_op_models as builders  # noqa: E402  (sets FLAGS_enable_pir_api=0 when imported)

os.environ["FLAGS_enable_pir_api"] = "1"  # before paddle is imported: a PIR program
import numpy as np  # noqa: E402
import paddle  # noqa: E402


def main():
    paddle.enable_static()
    paddle.seed(0)
    main_program, startup = paddle.static.Program(), paddle.static.Program()
    with paddle.static.program_guard(main_program, startup):
        inputs, outputs, _ = builders.control_flow(paddle, np, np.random.default_rng(0))
    exe = paddle.static.Executor(paddle.CPUPlace())
    exe.run(startup)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "control_flow"
        paddle.static.save_inference_model(str(prefix), [v for v, _ in inputs], outputs, exe, program=main_program)
        program = prefix.with_suffix(".json").read_bytes()
        params = prefix.with_suffix(".pdiparams").read_bytes()
    out = HERE / "seeds" / "paddle_pir" / "control_flow"
    out.write_bytes(struct.pack("<I", len(program)) + program + params)
    print(out)


if __name__ == "__main__":
    main()
