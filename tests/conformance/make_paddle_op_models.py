#!/usr/bin/env python3
"""Saves small Paddle programs in the legacy inference format into the model cache and prints
the folder: CRNN-style recognizers (the `rnn` op of paddle.nn.LSTM / GRU / SimpleRNN), detection
post-processing ops and control flow, each built with paddle.static and saved with
paddle.static.save_inference_model (PIR off, so the program is a ProgramDesc).

Runs under the venv (paddlepaddle CPU wheel). The folder layout is make_paddle_models.py's:
NAME.pdmodel + NAME.pdiparams, NAME.input.npy (NAME.input_K.npy for each further input, in feed
order) and NAME.output.npy / NAME.output_K.npy (what Paddle's inference predictor computes). A file
NAME.unordered lists the outputs (one index a line) whose rows Paddle emits in an order it does not
specify; the runner compares those as sets of rows. Weights are random but seeded.
"""
import os
import sys
from importlib.metadata import version
from pathlib import Path

os.environ["FLAGS_enable_pir_api"] = "0"  # before paddle is imported: legacy ProgramDesc output

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402


# Each builder runs inside a program guard and returns (inputs, outputs, unordered):
# inputs a list of (static data variable, numpy value), outputs the variables to fetch.

def crnn(paddle, np, rng, rnn_kind="lstm"):
    """conv backbone -> squeeze the height -> [N, W, C] -> 2-layer BiLSTM (or BiGRU) -> fc ->
    softmax, the shape of a CRNN text recognizer."""
    x = paddle.static.data("x", [None, 3, 32, 64], "float32")
    y = paddle.nn.Conv2D(3, 16, 3, padding=1)(x)
    y = paddle.nn.BatchNorm2D(16)(y)
    y = paddle.nn.functional.relu(y)
    y = paddle.nn.MaxPool2D(2, 2)(y)                       # [N, 16, 16, 32]
    y = paddle.nn.Conv2D(16, 32, 3, padding=1)(y)
    y = paddle.nn.functional.relu(y)
    y = paddle.nn.MaxPool2D((16, 1), (16, 1))(y)           # [N, 32, 1, 32]
    y = paddle.squeeze(y, axis=2)                          # [N, 32, 32]
    y = paddle.transpose(y, [0, 2, 1])                     # [N, W=32, C=32]
    if rnn_kind == "lstm":
        y, _ = paddle.nn.LSTM(32, 24, num_layers=2, direction="bidirect")(y)
    else:
        y, _ = paddle.nn.GRU(32, 24, num_layers=2, direction="bidirect")(y)
    y = paddle.nn.Linear(48, 11)(y)
    y = paddle.nn.functional.softmax(y, axis=-1)
    return [(x, rng.standard_normal((2, 3, 32, 64), dtype=np.float32))], [y], []


def crnn_gru(paddle, np, rng):
    return crnn(paddle, np, rng, "gru")


def rnn_states(paddle, np, rng):
    """Every rnn mode with given initial states, time-major, returning the final states too;
    the LSTM takes per-sequence lengths. The sequence axis is static: OpenVINO's CPU plugin
    (2026.4) ignores sequence_lengths when it is dynamic."""
    x = paddle.static.data("x", [7, 5, 6], "float32")       # time-major [T, N, I]
    lens = paddle.static.data("lens", [5], "int32")
    h0 = paddle.static.data("h0", [2, 5, 4], "float32")
    c0 = paddle.static.data("c0", [2, 5, 4], "float32")
    y1, (h1, c1) = paddle.nn.LSTM(6, 4, direction="bidirect", time_major=True)(x, (h0, c0), lens)
    y2, h2 = paddle.nn.GRU(8, 4, num_layers=2, time_major=True)(y1, h0)
    y3, h3 = paddle.nn.SimpleRNN(4, 4, direction="bidirect", time_major=True, activation="relu")(y2)
    y4, h4 = paddle.nn.SimpleRNN(8, 3, time_major=True)(y3)
    inputs = [(x, rng.standard_normal((7, 5, 6), dtype=np.float32)),
              (lens, np.array([7, 3, 5, 1, 7], dtype=np.int32)),
              (h0, rng.standard_normal((2, 5, 4), dtype=np.float32)),
              (c0, rng.standard_normal((2, 5, 4), dtype=np.float32))]
    return inputs, [y1, h1, c1, y2, h2, y3, h3, y4, h4], []


MODELS = {"crnn_lstm": crnn, "crnn_gru": crnn_gru, "rnn_states": rnn_states}


def reference_outputs(prefix: Path, values):
    """Paddle's inference predictor on the saved files."""
    from paddle import inference
    config = inference.Config(str(prefix) + ".pdmodel", str(prefix) + ".pdiparams")
    config.disable_gpu()
    config.switch_ir_optim(False)  # the program as saved
    config.disable_mkldnn()
    predictor = inference.create_predictor(config)
    for name, value in zip(predictor.get_input_names(), values):
        predictor.get_input_handle(name).copy_from_cpu(value)
    predictor.run()
    return [predictor.get_output_handle(n).copy_to_cpu() for n in predictor.get_output_names()]


def build(out_dir: Path):
    import numpy as np
    import paddle

    paddle.set_device("cpu")
    paddle.enable_static()
    for name, builder in MODELS.items():
        paddle.seed(0)
        rng = np.random.default_rng(0)
        main, startup = paddle.static.Program(), paddle.static.Program()
        with paddle.static.program_guard(main, startup):
            inputs, outputs, unordered = builder(paddle, np, rng)
        exe = paddle.static.Executor(paddle.CPUPlace())
        exe.run(startup)
        prefix = out_dir / name
        paddle.static.save_inference_model(str(prefix), [v for v, _ in inputs], outputs, exe, program=main)
        values = [value for _, value in inputs]
        for k, value in enumerate(values):
            np.save(out_dir / (f"{name}.input.npy" if k == 0 else f"{name}.input_{k}.npy"), value)
        for k, y in enumerate(reference_outputs(prefix, values)):
            np.save(out_dir / (f"{name}.output.npy" if k == 0 else f"{name}.output_{k}.npy"), y)
        if unordered:
            (out_dir / f"{name}.unordered").write_text("".join(f"{k}\n" for k in unordered))
        print(f"make_paddle_op_models: wrote {name}.pdmodel", file=sys.stderr)


if __name__ == "__main__":
    print(ensure_models(Path(__file__), f"paddlepaddle {version('paddlepaddle')}", build))
