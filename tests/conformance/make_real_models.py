#!/usr/bin/python3
"""Exports two small real-world model shapes to ONNX into the model cache and prints the folder.

- bert_encoder.onnx: a BERT-like transformer encoder (token + position embeddings, LayerNorm,
  multi-head self-attention with a padding mask applied through Where, GELU written with Erf,
  two layers) with dynamic batch and sequence length. Inputs input_ids and attention_mask
  (int64 [batch, sequence]; mask 0 = padding, any other value = token).
- detector.onnx: a one-stage detector with its post-processing in the graph: a small conv
  backbone, a box and objectness head decoded against a fixed anchor grid, TopK pre-selection,
  NonMaxSuppression, and RoiAlign pooling of the kept boxes into a class head.

Runs under Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14; the venv has no torch).
Weights are random but seeded, so the recipe always gives the same models.
"""
import math
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

OPSET = 16  # RoiAlign with coordinate_transformation_mode, NonMaxSuppression-11


def versions():
    def v(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "?"
    return f"torch {v('torch')}, torchvision {v('torchvision')}"


def bert_encoder(torch):
    nn = torch.nn

    class Gelu(nn.Module):  # the exact (erf) form, as BERT defines it
        def forward(self, x):
            return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))

    class Layer(nn.Module):
        def __init__(self, hidden, heads):
            super().__init__()
            self.heads, self.size = heads, hidden // heads
            self.qkv = nn.Linear(hidden, 3 * hidden)
            self.out = nn.Linear(hidden, hidden)
            self.norm1, self.norm2 = nn.LayerNorm(hidden, eps=1e-12), nn.LayerNorm(hidden, eps=1e-12)
            self.ff1, self.ff2, self.gelu = nn.Linear(hidden, 4 * hidden), nn.Linear(4 * hidden, hidden), Gelu()

        def forward(self, x, padding):  # padding: bool [batch, 1, 1, seq], True where masked
            b, s, h = x.shape
            q, k, v = self.qkv(x).view(b, s, 3, self.heads, self.size).permute(2, 0, 3, 1, 4)
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.size)
            scores = torch.where(padding, torch.full_like(scores, -1e4), scores)
            context = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, s, h)
            x = self.norm1(x + self.out(context))
            return self.norm2(x + self.ff2(self.gelu(self.ff1(x))))

    class Encoder(nn.Module):
        def __init__(self, vocab=100, hidden=64, heads=4, layers=2, max_len=128):
            super().__init__()
            self.tokens, self.positions = nn.Embedding(vocab, hidden), nn.Embedding(max_len, hidden)
            self.register_buffer("position_ids", torch.arange(max_len).unsqueeze(0))
            self.norm = nn.LayerNorm(hidden, eps=1e-12)
            self.layers = nn.ModuleList(Layer(hidden, heads) for _ in range(layers))
            self.pool = nn.Linear(hidden, hidden)

        def forward(self, input_ids, attention_mask):
            seq = input_ids.shape[1]
            x = self.norm(self.tokens(input_ids) + self.positions(self.position_ids[:, :seq]))
            padding = (attention_mask == 0)[:, None, None, :]
            for layer in self.layers:
                x = layer(x, padding)
            return x, torch.tanh(self.pool(x[:, 0]))

    net = Encoder().eval()
    ids = torch.randint(0, 100, (2, 7))
    mask = torch.ones(2, 7, dtype=torch.int64)
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
            "hidden": {0: "batch", 1: "sequence"}, "pooled": {0: "batch"}}
    return net, (ids, mask), ["input_ids", "attention_mask"], ["hidden", "pooled"], axes


def detector(torch, torchvision):
    nn, ops = torch.nn, torchvision.ops

    class Detector(nn.Module):
        def __init__(self, size=64, stride=4, classes=5, pre_nms=48, keep=8):
            super().__init__()
            self.backbone = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU())
            self.boxes, self.objectness = nn.Conv2d(32, 4, 1), nn.Conv2d(32, 1, 1)
            cells = size // stride
            centers = (torch.arange(cells, dtype=torch.float32) + 0.5) * stride
            cy, cx = torch.meshgrid(centers, centers, indexing="ij")
            self.register_buffer("anchors", torch.stack([cx, cy], -1).reshape(-1, 2))
            self.anchor_size, self.stride, self.pre_nms, self.keep = 8.0, stride, pre_nms, keep
            self.head = nn.Sequential(nn.Flatten(), nn.Linear(32 * 4 * 4, 32), nn.ReLU(), nn.Linear(32, classes))

        def forward(self, image):
            features = self.backbone(image)
            deltas = self.boxes(features)[0].permute(1, 2, 0).reshape(-1, 4)
            scores = torch.sigmoid(self.objectness(features)).reshape(-1)
            centers = self.anchors + deltas[:, :2] * self.anchor_size
            sizes = self.anchor_size * torch.exp(deltas[:, 2:].clamp(max=4.0))
            boxes = torch.cat([centers - sizes / 2, centers + sizes / 2], dim=1)
            top_scores, top = torch.topk(scores, self.pre_nms)
            top_boxes = boxes[top]
            kept = ops.nms(top_boxes, top_scores, 0.3)[: self.keep]
            kept_boxes, kept_scores = top_boxes[kept], top_scores[kept]
            rois = torch.cat([torch.zeros_like(kept_boxes[:, :1]), kept_boxes], dim=1)
            pooled = ops.roi_align(features, rois, (4, 4), spatial_scale=1.0 / self.stride, sampling_ratio=2,
                                   aligned=True)
            return kept_boxes, kept_scores, self.head(pooled)

    net = Detector().eval()
    return net, (torch.randn(1, 3, 64, 64),), ["image"], ["boxes", "scores", "classes"], None


def build(out_dir: Path):
    import torch
    import torchvision

    for name, make in (("bert_encoder", lambda: bert_encoder(torch)),
                       ("detector", lambda: detector(torch, torchvision))):
        torch.manual_seed(0)
        net, args, inputs, outputs, axes = make()
        torch.onnx.export(net, args, str(out_dir / f"{name}.onnx"), opset_version=OPSET, do_constant_folding=True,
                          input_names=inputs, output_names=outputs, dynamic_axes=axes)
        print(f"make_real_models: wrote {name}.onnx", file=sys.stderr)


if __name__ == "__main__":
    print(ensure_models(Path(__file__), versions(), build))
