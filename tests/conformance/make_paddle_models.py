#!/usr/bin/env python3
"""Saves paddle.vision classification models in Paddle's legacy inference format into the model
cache and prints the folder.

Runs under the venv (paddlepaddle CPU wheel). For each model NAME the folder gets
NAME.pdmodel + NAME.pdiparams (paddle.jit.save with the PIR API off, so the program is a
ProgramDesc), NAME.input.npy (a fixed input) and NAME.output.npy (what Paddle's own inference
predictor computes for it; NAME.output_K.npy for each further output K). The models of
SEPARATE_FILES are also saved in Paddle's older layout, NAME_separate/ with the program in
__model__ and one file per weight.. Weights are random (pretrained=False) but seeded.
"""
import os
import sys
from importlib.metadata import version
from pathlib import Path

os.environ["FLAGS_enable_pir_api"] = "0"  # before paddle is imported: legacy ProgramDesc output

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

SEPARATE_FILES = ["mobilenet_v1"]
MODELS = ["resnet50", "mobilenet_v2", "mobilenet_v1", "mobilenet_v3_small", "shufflenet_v2_x0_25",
          "squeezenet1_1", "googlenet", "densenet121"]


def calibrate_batchnorm(paddle, net):
    """Random init leaves every BatchNorm at mean 0 / var 1, and through dozens of layers the
    activations shrink towards 0, where any conversion would "match". One train-mode pass on
    random data with momentum 0 sets the running statistics to that batch's, as training would."""
    for m in net.sublayers():
        if isinstance(m, paddle.nn.layer.norm._BatchNormBase):
            m._momentum = 0.0
    net.train()
    with paddle.no_grad():
        net(paddle.randn([8, 3, 224, 224]))
    net.eval()


def reference_output(paddle, prefix: Path, x):
    """Paddle's inference predictor on the saved files: the numbers remo's IR must reproduce."""
    from paddle import inference
    config = inference.Config(str(prefix) + ".pdmodel", str(prefix) + ".pdiparams")
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


def build(out_dir: Path):
    import numpy as np
    import paddle

    paddle.set_device("cpu")
    for name in MODELS:
        paddle.seed(0)
        net = getattr(paddle.vision.models, name)(pretrained=False)
        calibrate_batchnorm(paddle, net)
        prefix = out_dir / name
        spec = [paddle.static.InputSpec(shape=[None, 3, 224, 224], dtype="float32", name="x")]
        paddle.jit.save(net, str(prefix), input_spec=spec)
        x = np.random.default_rng(0).standard_normal((1, 3, 224, 224), dtype=np.float32)
        np.save(out_dir / f"{name}.input.npy", x)
        for k, y in enumerate(reference_output(paddle, prefix, x)):
            np.save(out_dir / (f"{name}.output.npy" if k == 0 else f"{name}.output_{k}.npy"), y)
        if name in SEPARATE_FILES:
            save_separate_files(paddle, prefix, out_dir / f"{name}_separate")
        print(f"make_paddle_models: wrote {name}.pdmodel", file=sys.stderr)


if __name__ == "__main__":
    print(ensure_models(Path(__file__), f"paddlepaddle {version('paddlepaddle')}", build))
