#!/usr/bin/env python3
"""Saves paddle.vision classification models (and op_zoo, a layer of the ops they lack) in both of Paddle 3's inference formats into the
model cache and prints the folder.

Runs under the venv (paddlepaddle CPU wheel). The folder has two parts:
- legacy/NAME.pdmodel + NAME.pdiparams: paddle.jit.save with FLAGS_enable_pir_api=0, so the
  program is a ProgramDesc;
- pir/NAME.json + NAME.pdiparams: paddle.jit.save as Paddle 3 does by default (the PIR program).
Each part also holds NAME.input.npy (a fixed input) and NAME.output.npy (what Paddle's own
inference predictor computes on that part's files; NAME.output_K.npy for each further output K).
The flag is read when paddle is imported, so each format is written by its own process
(`make_paddle_models.py --format legacy|pir FOLDER`). The models of SEPARATE_FILES are also saved
in Paddle's older layout, legacy/NAME_separate/ with the program in __model__ and one file per
weight. Weights are random (pretrained=False) but seeded, and the same in both formats.
"""
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

SEPARATE_FILES = ["mobilenet_v1"]
# Every classification topology of paddle.vision.models; the spatial size is the smallest
# multiple of 32 the architecture takes without a feature map shrinking to nothing, which keeps
# generation and inference cheap (alexnet and vgg16 end in fixed-size fully connected layers
# behind an adaptive pooling, so a smaller input changes none of their weights).
MODELS = {
    "alexnet": 224, "vgg16": 224, "squeezenet1_1": 224, "resnet50": 224, "resnet101": 224,
    "resnet152": 224, "resnext50_32x4d": 224, "inception_v3": 299, "googlenet": 224,
    "mobilenet_v1": 224, "mobilenet_v2": 224, "mobilenet_v3_small": 224, "mobilenet_v3_large": 224,
    "shufflenet_v2_x0_25": 224, "shufflenet_v2_x1_0": 224, "shufflenet_v2_swish": 224,
    "densenet121": 224,
}


def op_zoo_layer(paddle):
    """op_zoo: one small layer whose outputs each exercise ops the vision models do not (the
    reductions, scale, clip, gelu, layer_norm, slice, stack, cast, split by number...), so that
    each PIR op of the reader's table is checked against Paddle in both formats."""
    F = paddle.nn.functional

    class OpZoo(paddle.nn.Layer):
        def __init__(self):
            super().__init__()
            self.ln = paddle.nn.LayerNorm([6])

        def forward(self, x):
            a, b, c = paddle.split(x, 3, axis=2)
            return [paddle.mean(x, axis=[1], keepdim=True), paddle.sum(x, axis=-1), paddle.max(x, axis=1),
                    paddle.min(x, axis=[1, 2]), paddle.prod(x, axis=2, keepdim=True), F.softmax(x, axis=1),
                    paddle.scale(x, scale=2.5, bias=0.5), paddle.clip(x, -0.5, 0.7), F.gelu(x),
                    F.gelu(x, approximate=True), self.ln(x), paddle.unsqueeze(x, [0, 2]), x[:, 1:3, 2:],
                    paddle.stack([x, x * 2], axis=1), paddle.cast(x * 3, "int32"), F.leaky_relu(x, 0.1),
                    F.sigmoid(x) + paddle.tanh(x), a - b / (paddle.abs(c) + 1),
                    paddle.pow(paddle.abs(x), 1.5) + paddle.sqrt(paddle.abs(x)) + paddle.exp(x),
                    F.hardsigmoid(x) * F.hardswish(x), paddle.maximum(x, x * 0.5) + paddle.minimum(x, x * 0.5),
                    paddle.reshape(x, [0, -1]), paddle.transpose(x, [2, 0, 1])]

    return OpZoo()


def calibrate_batchnorm(paddle, net, size):
    """Random init leaves every BatchNorm at mean 0 / var 1, and through dozens of layers the
    activations shrink towards 0, where any conversion would "match". One train-mode pass on
    random data with momentum 0 sets the running statistics to that batch's, as training would."""
    for m in net.sublayers():
        if isinstance(m, paddle.nn.layer.norm._BatchNormBase):
            m._momentum = 0.0
    net.train()
    with paddle.no_grad():
        net(paddle.randn([4, 3, size, size]))
    net.eval()


def damp_residuals(paddle, net):
    """In a deep ResNet each block adds its branch to the residual stream, whose values then grow
    with depth (resnet152's reach the hundreds) until float32 rounding alone, in Paddle and in
    OpenVINO alike, differs by more than the check allows. Scaling the last BatchNorm of every
    bottleneck branch down (as a zero-initialised residual would be, a common training start)
    keeps the stream O(1); the network stays the same topology with other weights."""
    for m in net.sublayers():
        if isinstance(m, paddle.vision.models.resnet.BottleneckBlock):
            with paddle.no_grad():
                m.bn3.weight.set_value(m.bn3.weight * 0.2)
                m.bn3.bias.set_value(m.bn3.bias * 0.2)


def reference_output(prefix: Path, program_suffix: str, x):
    """Paddle's inference predictor on the saved files: the numbers remo's IR must reproduce."""
    from paddle import inference
    config = inference.Config(str(prefix) + program_suffix, str(prefix) + ".pdiparams")
    config.disable_gpu()
    config.switch_ir_optim(False)  # the program as saved, no fused kernels
    config.disable_mkldnn()
    predictor = inference.create_predictor(config)
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    handle.copy_from_cpu(x)
    predictor.run()
    return [predictor.get_output_handle(n).copy_to_cpu() for n in predictor.get_output_names()]


def save_separate_files(paddle, prefix: Path, out: Path):
    """The older layout: program in out/__model__, each persistable variable in a file of its name."""
    paddle.enable_static()
    try:
        exe = paddle.static.Executor(paddle.CPUPlace())
        program, _, _ = paddle.static.load_inference_model(str(prefix), exe)
        out.mkdir()
        (out / "__model__").write_bytes(program.desc.serialize_to_string())
        persistable = [v for v in program.list_vars() if v.persistable and v.name not in ("feed", "fetch")]
        paddle.static.save_vars(exe, str(out), program, vars=persistable, filename=None)
    finally:
        paddle.disable_static()


def build_format(fmt: str, out_dir: Path):
    """Runs in a process whose FLAGS_enable_pir_api was set before paddle was imported."""
    import numpy as np
    import paddle

    paddle.set_device("cpu")
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = ".pdmodel" if fmt == "legacy" else ".json"
    for name, size in list(MODELS.items()) + [("op_zoo", None)]:
        paddle.seed(0)
        if name == "op_zoo":
            net, shape = op_zoo_layer(paddle), [2, 4, 6]
            net.eval()
            spec = [paddle.static.InputSpec(shape=shape, dtype="float32", name="x")]
        else:
            net, shape = getattr(paddle.vision.models, name)(pretrained=False), [1, 3, size, size]
            calibrate_batchnorm(paddle, net, size)
            damp_residuals(paddle, net)
            spec = [paddle.static.InputSpec(shape=[None, 3, size, size], dtype="float32", name="x")]
        prefix = out_dir / name
        paddle.jit.save(net, str(prefix), input_spec=spec)
        if not Path(str(prefix) + suffix).exists():
            raise SystemExit(f"make_paddle_models: paddle.jit.save wrote no {prefix}{suffix}")
        x = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
        np.save(out_dir / f"{name}.input.npy", x)
        for k, y in enumerate(reference_output(prefix, suffix, x)):
            np.save(out_dir / (f"{name}.output.npy" if k == 0 else f"{name}.output_{k}.npy"), y)
        if fmt == "legacy" and name in SEPARATE_FILES:
            save_separate_files(paddle, prefix, out_dir / f"{name}_separate")
        print(f"make_paddle_models: wrote {fmt}/{name}{suffix}", file=sys.stderr, flush=True)


def build(out_dir: Path):
    for fmt, flag in (("legacy", "0"), ("pir", "1")):
        env = dict(os.environ, FLAGS_enable_pir_api=flag)
        subprocess.run([sys.executable, __file__, "--format", fmt, str(out_dir / fmt)], env=env, check=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--format" and sys.argv[2] in ("legacy", "pir"):
        build_format(sys.argv[2], Path(sys.argv[3]))
    else:
        print(ensure_models(Path(__file__), f"paddlepaddle {version('paddlepaddle')}", build))
