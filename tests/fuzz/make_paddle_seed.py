#!/usr/bin/env python3
"""Writes tests/fuzz/seeds/paddle_model/tiny_cnn: a small Paddle CNN (conv, batch_norm, relu,
adaptive pool, flatten, linear, softmax) saved in the legacy inference format, packed as
fuzz_paddle_model.cpp reads its input (uint32 program size, program, parameters). With --pir,
tests/fuzz/seeds/paddle_pir/tiny_cnn: the same CNN saved as Paddle 3's PIR program (.json),
packed the same way for fuzz_paddle_pir.cpp. Run in the venv: paddle.jit.save needs this file's
source, so it cannot come from stdin."""
import os
import struct
import sys
import tempfile
from pathlib import Path

PIR = "--pir" in sys.argv[1:]
os.environ["FLAGS_enable_pir_api"] = "1" if PIR else "0"  # read when paddle is imported
import paddle  # noqa: E402


class TinyCnn(paddle.nn.Layer):
    def __init__(self):
        super().__init__()
        self.conv = paddle.nn.Conv2D(3, 4, 3, padding=1)
        self.bn = paddle.nn.BatchNorm2D(4)
        self.fc = paddle.nn.Linear(4, 2)

    def forward(self, x):
        y = paddle.nn.functional.relu(self.bn(self.conv(x)))
        y = paddle.nn.functional.adaptive_avg_pool2d(y, 1)
        return paddle.nn.functional.softmax(self.fc(paddle.flatten(y, 1)))


def main():
    paddle.seed(0)
    net = TinyCnn()
    net.eval()
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "tiny"
        paddle.jit.save(net, str(prefix), input_spec=[paddle.static.InputSpec([None, 3, 4, 4], "float32", "x")])
        program = prefix.with_suffix(".json" if PIR else ".pdmodel").read_bytes()
        params = prefix.with_suffix(".pdiparams").read_bytes()
    out = Path(__file__).resolve().parent / "seeds" / ("paddle_pir" if PIR else "paddle_model") / "tiny_cnn"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(struct.pack("<I", len(program)) + program + params)
    print(out)


if __name__ == "__main__":
    main()
