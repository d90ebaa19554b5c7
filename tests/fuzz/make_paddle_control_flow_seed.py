#!/usr/bin/env python3
"""Writes tests/fuzz/seeds/paddle_model/tiny_control_flow: a small Paddle Layer with a tensor
`if` and `while` (conditional_block, select_input and while ops with sub-blocks, a weight used in
a branch) saved in the legacy inference format, packed as fuzz_paddle_model.cpp reads its input
(uint32 program size, program, parameters), so the fuzzer starts from programs with sub-blocks.
Run in the venv: paddle.jit.save needs this file's source, so it cannot come from stdin."""
import os
import struct
import tempfile
from pathlib import Path

os.environ["FLAGS_enable_pir_api"] = "0"
import paddle  # noqa: E402


class TinyControlFlow(paddle.nn.Layer):
    def __init__(self):
        super().__init__()
        self.fc = paddle.nn.Linear(2, 2)

    def forward(self, x, n):
        if paddle.mean(x) > 0:
            y = self.fc(x)
        else:
            y = x - 1.0
        i = paddle.zeros([1], "int64")
        while i < n:
            y = paddle.tanh(y) + x
            i += 1
        return y


def main():
    paddle.seed(0)
    net = TinyControlFlow()
    net.eval()
    spec = [paddle.static.InputSpec([None, 2], "float32", "x"), paddle.static.InputSpec([1], "int64", "n")]
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "tiny"
        paddle.jit.save(net, str(prefix), input_spec=spec)
        program = prefix.with_suffix(".pdmodel").read_bytes()
        params = prefix.with_suffix(".pdiparams").read_bytes()
    out = Path(__file__).resolve().parent / "seeds" / "paddle_model" / "tiny_control_flow"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(struct.pack("<I", len(program)) + program + params)
    print(out)


if __name__ == "__main__":
    main()
