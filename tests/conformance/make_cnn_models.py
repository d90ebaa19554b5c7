#!/usr/bin/python3
"""Exports a few torchvision CNNs to ONNX into the model cache and prints the folder.

Runs under Debian's /usr/bin/python3, whose python3-torchvision (torch 1.13, torchvision
0.14) comes from apt; the venv has no torch. Weights are random (weights=None: nothing
may be downloaded here) but seeded, so a recipe always gives the same models.
"""
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

MODELS = ["resnet50", "mobilenet_v2", "squeezenet1_1", "efficientnet_b0"]


def versions():
    def v(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:  # Debian's torch may ship without dist-info
            return "?"
    return f"torch {v('torch')}, torchvision {v('torchvision')}"


def calibrate_batchnorm(torch, net):
    """Random init leaves every BatchNorm at mean 0 / var 1; through dozens of layers the
    activations of some nets (mobilenet_v2, efficientnet_b0) then shrink to ~1e-14 and any
    IR would "match" onnxruntime. A few train-mode passes on random data set the running
    statistics as training would, so outputs are O(1) like a trained net's."""
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the passes
    net.train()
    with torch.no_grad():
        for _ in range(2):
            net(torch.randn(8, 3, 224, 224))
    net.eval()


def build(out_dir: Path):
    import torch
    import torchvision

    for name in MODELS:
        torch.manual_seed(0)
        net = getattr(torchvision.models, name)(weights=None)
        calibrate_batchnorm(torch, net)
        x = torch.randn(1, 3, 224, 224)
        path = out_dir / f"{name}.onnx"
        try:
            torch.onnx.export(net, x, str(path), opset_version=13, do_constant_folding=True,
                              input_names=["input"], output_names=["output"])
        except Exception as e:  # an optional model that doesn't export is left out, loudly
            print(f"make_cnn_models: {name} not exported: {e}", file=sys.stderr)
            path.unlink(missing_ok=True)
            if name != "efficientnet_b0":
                raise
        else:
            print(f"make_cnn_models: wrote {name}.onnx", file=sys.stderr)


if __name__ == "__main__":
    print(ensure_models(Path(__file__), versions(), build))
