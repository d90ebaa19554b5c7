#!/usr/bin/env python3
"""Saves the programs of make_paddle_op_models.py (CRNN recognizers with the `rnn` op, detection
ops, control flow) in Paddle 3's PIR format into the model cache and prints the folder: the same
builders, run with FLAGS_enable_pir_api=1, saved by paddle.static.save_inference_model as
pir/NAME.json (+ NAME.pdiparams when the program has weights).

Runs under the venv. The layout is make_paddle_op_models.py's, inside a pir/ part (what
run_paddle_conformance.py reads for --format pir): NAME.input.npy / NAME.input_K.npy in feed
order, NAME.output.npy / NAME.output_K.npy from Paddle's executor on the saved program, and
NAME.unordered for outputs compared as sets of rows. The cache key covers the builders' file too,
so a change there rebuilds these programs.
"""
import hashlib
import os
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_paddle_op_models as legacy  # noqa: E402  (sets FLAGS_enable_pir_api=0 when imported)
from model_cache import ensure_models  # noqa: E402

os.environ["FLAGS_enable_pir_api"] = "1"  # after the builders' import, before paddle's: PIR programs


# Legacy ops that Paddle 3.0 has no PIR op for: a program using one has no PIR form and is left
# out of the PIR set, with a line saying so (docs/paddle.md lists them).
LEGACY_ONLY = {"multiclass_nms"}


class NoPirForm(Exception):
    """The program uses an op of LEGACY_ONLY."""


# Ops the builders append through LayerHelper (a legacy-program API) are made here by their PIR
# builders instead, with the same attributes in the operand order of Paddle's op definitions.
def pir_append_op(paddle, op_type, inputs, outputs, attrs, dtype="float32"):
    ops = paddle._C_ops
    if op_type == "multiclass_nms3":
        got = ops.multiclass_nms3(inputs["BBoxes"], inputs["Scores"], inputs.get("RoisNum"),
                                  attrs["score_threshold"], attrs["nms_top_k"], attrs["keep_top_k"],
                                  attrs["nms_threshold"], attrs["normalized"], attrs["nms_eta"],
                                  attrs["background_label"])
    elif op_type == "anchor_generator":
        got = ops.anchor_generator(inputs["Input"], attrs["anchor_sizes"], attrs["aspect_ratios"],
                                   attrs["variances"], attrs["stride"], attrs["offset"])
    elif op_type == "collect_fpn_proposals":
        got = ops.collect_fpn_proposals(inputs["MultiLevelRois"], inputs["MultiLevelScores"],
                                        inputs["MultiLevelRoIsNum"], attrs["post_nms_topN"])
    elif op_type == "fill_constant_batch_size_like":
        if attrs["dtype"] != 5:  # VarType FP32, the only one the builders ask for
            raise SystemExit(f"make_paddle_pir_op_models: fill_constant_batch_size_like of dtype {attrs['dtype']}")
        got = [ops.full_batch_size_like(inputs["Input"], attrs["shape"], paddle.float32, attrs["value"],
                                        attrs["input_dim_idx"], attrs["output_dim_idx"], paddle.CPUPlace())]
    elif op_type == "im2sequence":
        got = [ops.im2sequence(inputs["X"], inputs.get("Y"), attrs["kernels"], attrs["strides"], attrs["paddings"],
                               attrs["out_stride"])]
    elif op_type == "ctc_align":
        got = ops.ctc_align(inputs["Input"], inputs.get("InputLength"), attrs["blank"], attrs["merge_repeated"],
                            attrs["padding_value"])
    elif op_type in LEGACY_ONLY:
        raise NoPirForm(op_type)
    else:
        raise SystemExit(f"make_paddle_pir_op_models: no PIR builder for {op_type}")
    return dict(zip(outputs, got))


def loop_ops(paddle, np, rng):
    """A PIR-only program: a while_loop whose condition combines every logical op and whose body
    steps its counter and reads gather_nd of an invariant input. (paddle.increment would save an
    in-place increment_ of a value outside the loop, which remo refuses.)"""
    x = paddle.static.data("x", [4, 3], "float32")
    idx = paddle.static.data("idx", [2, 1], "int64")

    def condition(i, acc):
        never = paddle.logical_xor(i > 10, paddle.logical_or(i > 20, i > 30))
        return paddle.logical_and(i < 4, paddle.logical_not(never))

    def body(i, acc):
        return [i + 1, acc * 0.5 + paddle.gather_nd(x, idx)]

    start = paddle.full([1], 0, "int64")
    count, acc = paddle.static.nn.while_loop(condition, body, [start, paddle.zeros([2, 3])])
    inputs = [(x, rng.standard_normal((4, 3), dtype=np.float32)), (idx, np.array([[3], [1]], dtype=np.int64))]
    return inputs, [count, acc], []


# Programs only the PIR maker saves (ops of the PIR table the shared builders do not reach).
PIR_ONLY = {"loop_ops": loop_ops}


def reference_outputs(paddle, np, prefix: Path, values):
    """Paddle's executor on the program loaded back from the saved .json and .pdiparams. (The
    inference predictor of paddlepaddle 3.0 fails to read the parameter file of a PIR program
    with an `rnn` op: "Cannot read tensor desc size".)"""
    exe = paddle.static.Executor(paddle.CPUPlace())
    program, feeds, fetches = paddle.static.load_inference_model(str(prefix), exe)
    got = exe.run(program, feed=dict(zip(feeds, values)), fetch_list=fetches, return_numpy=False)
    return [np.array(t) for t in got]  # NMS outputs carry LoD, which as_numpy refuses


def build(out_dir: Path):
    import numpy as np
    import paddle

    legacy.append_op = pir_append_op
    out_dir = out_dir / "pir"
    out_dir.mkdir()
    paddle.set_device("cpu")
    paddle.enable_static()
    for name, builder in list(legacy.MODELS.items()) + list(PIR_ONLY.items()):
        paddle.seed(0)
        rng = np.random.default_rng(0)
        main, startup = paddle.static.Program(), paddle.static.Program()
        with paddle.static.program_guard(main, startup):
            try:
                inputs, outputs, unordered = builder(paddle, np, rng)
            except NoPirForm as e:
                print(f"make_paddle_pir_op_models: {name} has no PIR form (Paddle 3.0 has no PIR op {e})",
                      file=sys.stderr)
                continue
        exe = paddle.static.Executor(paddle.CPUPlace())
        exe.run(startup)
        prefix = out_dir / name
        paddle.static.save_inference_model(str(prefix), [v for v, _ in inputs], outputs, exe, program=main)
        if not Path(str(prefix) + ".json").exists():
            raise SystemExit(f"make_paddle_pir_op_models: save_inference_model wrote no {prefix}.json")
        values = [value for _, value in inputs]
        for k, value in enumerate(values):
            np.save(out_dir / (f"{name}.input.npy" if k == 0 else f"{name}.input_{k}.npy"), value)
        for k, y in enumerate(reference_outputs(paddle, np, prefix, values)):
            np.save(out_dir / (f"{name}.output.npy" if k == 0 else f"{name}.output_{k}.npy"), y)
        if unordered:
            (out_dir / f"{name}.unordered").write_text("".join(f"{k}\n" for k in unordered))
        print(f"make_paddle_pir_op_models: wrote pir/{name}.json", file=sys.stderr)


if __name__ == "__main__":
    builders = hashlib.sha256(Path(legacy.__file__).read_bytes()).hexdigest()[:16]
    print(ensure_models(Path(__file__), f"paddlepaddle {version('paddlepaddle')} builders {builders}", build))
