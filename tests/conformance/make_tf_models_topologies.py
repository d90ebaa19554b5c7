#!/usr/bin/env python3
"""Compact versions of the architectures the TensorFlow frontend is expected to convert, saved as
frozen GraphDefs into their own cache folder (printed last), in the layout run_tf_conformance.py
reads (<name>.pb, <name>.input.npy, TensorFlow's <name>.output.npy):

- TF-Slim classification nets (VGG, Inception v1/v3/v4, Inception-ResNet v2, ResNet v1/v2,
  MobileNet v1/v2, NASNet), written with the ops the slim library emits (Conv2D + BiasAdd or
  FusedBatchNorm, pools, ConcatV2, Squeeze, Pad, Mean, Softmax...);
- ResNeXt (grouped Conv2D), DenseNet, UNet (Conv2DBackpropInput, ResizeBilinear/NearestNeighbor),
  TCN (causal dilated Conv1D and SpaceToBatchND atrous convolution), a spatial transformer
  (meshgrid, GatherNd bilinear sampling), a YOLOv4-style detector head (Mish, LeakyRelu, SPP,
  upsampling, SplitV, box decoding, TopKV2,
  NonMaxSuppressionV5) and a BERT-style encoder (Keras MultiHeadAttention's
  Einsum, embeddings, LayerNorm, Gelu, attention masks);
- a mix of the general ops (Cumsum, ScatterNd, ReverseV2, Where, LRN, Conv3D, ...).

Widths and resolutions are reduced: the point is op coverage, and the whole set builds in well
under a minute. Weights are seeded random values; BatchNorm statistics are random but positive.

    ~/.cache/remo/venv/bin/python tests/conformance/run_tf_conformance.py build/remo \\
        $(~/.cache/remo/venv/bin/python tests/conformance/make_tf_models_topologies.py)
"""
import hashlib
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tf_models  # noqa: E402
from model_cache import ensure_models  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class Weights:
    """Seeded weights: He-scaled filters, small biases, BatchNorm parameters with positive variance."""

    def __init__(self, tf, seed):
        import numpy as np

        self.tf, self.np = tf, np
        self.seed = seed
        self.restart()

    def restart(self):
        """Back to the first weight: every trace of a model then draws the same ones."""
        self.rng = self.np.random.default_rng(self.seed)

    def const(self, values):
        return self.tf.constant(self.np.asarray(values, self.np.float32))

    def filter(self, shape, fan_in=None):
        fan_in = fan_in or int(self.np.prod(shape[:-1]))
        return self.const(self.rng.standard_normal(shape) * (2.0 / fan_in) ** 0.5)

    def bias(self, n):
        return self.const(self.rng.standard_normal([n]) * 0.1)

    def bn(self, n, scale=True):
        """scale, offset, mean, variance of an inference FusedBatchNorm (slim's scale=False: ones)."""
        s = self.rng.uniform(0.5, 1.5, [n]) if scale else self.np.ones([n])
        return (self.const(s), self.bias(n), self.const(self.rng.standard_normal([n]) * 0.1),
                self.const(self.rng.uniform(0.5, 1.5, [n])))


class Layers:
    """The building blocks slim and Keras emit, on NHWC tensors."""

    def __init__(self, tf, seed):
        self.tf = tf
        self.w = Weights(tf, seed)

    def batch_norm(self, x, scale=True, eps=0.001):
        s, o, m, v = self.w.bn(int(x.shape[-1]), scale)
        return self.tf.compat.v1.nn.fused_batch_norm(x, s, o, m, v, epsilon=eps, is_training=False)[0]

    def conv(self, x, cout, k, stride=1, padding="SAME", act="relu", norm="bn", dilation=1, groups=1):
        """Conv2D (+ FusedBatchNorm or BiasAdd) + activation; k is an int or (kh, kw)."""
        tf = self.tf
        kh, kw = (k, k) if isinstance(k, int) else k
        cin = int(x.shape[-1])
        y = tf.nn.conv2d(x, self.w.filter([kh, kw, cin // groups, cout]), stride, padding, dilations=dilation)
        if norm == "bn":
            y = self.batch_norm(y)
        elif norm == "bias":
            y = tf.nn.bias_add(y, self.w.bias(cout))
        return self.act(y, act)

    def conv_same(self, x, cout, k, stride, act="relu"):
        """slim's conv2d_same: an explicit Pad and a VALID convolution when strided."""
        if stride == 1:
            return self.conv(x, cout, k, 1, "SAME", act)
        total = k - 1
        x = self.tf.pad(x, [[0, 0], [total // 2, total - total // 2], [total // 2, total - total // 2], [0, 0]])
        return self.conv(x, cout, k, stride, "VALID", act)

    def depthwise(self, x, k=3, stride=1, multiplier=1, act="relu6", norm="bn", dilation=1, padding="SAME"):
        tf = self.tf
        cin = int(x.shape[-1])
        y = tf.nn.depthwise_conv2d(x, self.w.filter([k, k, cin, multiplier], k * k), [1, stride, stride, 1],
                                   padding, dilations=[dilation, dilation])
        if norm == "bn":
            y = self.batch_norm(y)
        return self.act(y, act)

    def act(self, y, act):
        tf = self.tf
        return {"relu": tf.nn.relu, "relu6": tf.nn.relu6, "none": lambda t: t, "elu": tf.nn.elu,
                "leaky": lambda t: tf.nn.leaky_relu(t, 0.1), "swish": tf.nn.swish,
                "mish": lambda t: t * tf.tanh(tf.nn.softplus(t)), "sigmoid": tf.sigmoid}[act](y)

    def logits(self, x, classes):
        """slim's classifier head: global average pool (VALID AvgPool over the map), 1x1 conv with a
        bias, Squeeze of the spatial dims, Softmax."""
        tf = self.tf
        h, w = int(x.shape[1]), int(x.shape[2])
        y = tf.nn.avg_pool2d(x, [h, w], 1, "VALID")
        y = self.conv(y, classes, 1, act="none", norm="bias")
        return self.scores(tf.squeeze(y, [1, 2]))

    def scores(self, logits):
        """The logits and their Softmax side by side: a saturated Softmax alone would hide errors."""
        return self.tf.concat([logits, self.tf.nn.softmax(logits)], -1)

    def dense(self, x, n, act="none"):
        return self.act(self.tf.matmul(x, self.w.filter([int(x.shape[-1]), n])) + self.w.bias(n), act)


def slim_vgg(tf, L):
    def fn(x):  # [1, 32, 32, 3]
        y = L.conv(L.conv(x, 8, 3, norm="bias"), 8, 3, norm="bias")
        y = tf.nn.max_pool2d(y, 2, 2, "VALID")
        y = L.conv(L.conv(y, 16, 3, norm="bias"), 16, 3, norm="bias")
        y = tf.nn.max_pool2d(y, 2, 2, "VALID")
        y = L.conv(y, 32, 8, padding="VALID", norm="bias")  # fc6 as a convolution
        y = L.conv(y, 32, 1, norm="bias")  # fc7
        y = L.conv(y, 10, 1, act="none", norm="bias")  # fc8
        return L.scores(tf.squeeze(y, [1, 2], name="fc8/squeezed"))
    return fn, [1, 32, 32, 3]


def slim_inception_v1(tf, L):
    def block(x, c):
        b0 = L.conv(x, c, 1)
        b1 = L.conv(L.conv(x, c, 1), c, 3)
        b2 = L.conv(L.conv(x, c // 2, 1), c, 3)
        b3 = L.conv(tf.nn.max_pool2d(x, 3, 1, "SAME"), c, 1)
        return tf.concat([b0, b1, b2, b3], 3)

    def fn(x):  # [1, 48, 48, 3]
        y = L.conv(x, 16, 7, 2)
        y = tf.nn.max_pool2d(y, 3, 2, "SAME")
        y = tf.nn.local_response_normalization(y, depth_radius=2, bias=1.0, alpha=2e-5, beta=0.75)
        y = L.conv(L.conv(y, 16, 1), 24, 3)
        y = tf.nn.max_pool2d(y, 3, 2, "SAME")
        y = block(block(y, 8), 12)
        y = tf.nn.max_pool2d(y, 2, 2, "SAME")
        return L.logits(block(y, 16), 10)
    return fn, [1, 48, 48, 3]


def slim_inception_v3(tf, L):
    def mixed_a(x, c):  # 5x5 as two 3x3, average pool branch
        b0 = L.conv(x, c, 1)
        b1 = L.conv(L.conv(x, c, 1), c, 5)
        b2 = L.conv(L.conv(L.conv(x, c, 1), c, 3), c, 3)
        b3 = L.conv(tf.nn.avg_pool2d(x, 3, 1, "SAME"), c, 1)
        return tf.concat([b0, b1, b2, b3], 3)

    def reduction(x, c):
        b0 = L.conv(x, c, 3, 2, "VALID")
        b1 = L.conv(L.conv(L.conv(x, c, 1), c, 3), c, 3, 2, "VALID")
        b2 = tf.nn.max_pool2d(x, 3, 2, "VALID")
        return tf.concat([b0, b1, b2], 3)

    def mixed_c(x, c):  # factorized 7x7
        b0 = L.conv(x, c, 1)
        b1 = L.conv(L.conv(L.conv(x, c, 1), c, (1, 7)), c, (7, 1))
        b2 = L.conv(L.conv(L.conv(x, c, 1), c, (7, 1)), c, (1, 7))
        b3 = L.conv(tf.nn.avg_pool2d(x, 3, 1, "SAME"), c, 1)
        return tf.concat([b0, b1, b2, b3], 3)

    def mixed_e(x, c):  # expanded filter bank: 1x3 and 3x1 side by side
        b1 = L.conv(x, c, 1)
        b1 = tf.concat([L.conv(b1, c, (1, 3)), L.conv(b1, c, (3, 1))], 3)
        b2 = L.conv(L.conv(x, c, 1), c, 3)
        b2 = tf.concat([L.conv(b2, c, (1, 3)), L.conv(b2, c, (3, 1))], 3)
        return tf.concat([L.conv(x, c, 1), b1, b2, L.conv(tf.nn.avg_pool2d(x, 3, 1, "SAME"), c, 1)], 3)

    def fn(x):  # [1, 47, 47, 3]
        y = L.conv(x, 8, 3, 2, "VALID")
        y = L.conv(y, 16, 3, padding="VALID")
        y = tf.nn.max_pool2d(y, 3, 2, "VALID")
        y = reduction(mixed_a(y, 8), 12)
        y = mixed_e(mixed_c(y, 12), 8)
        return L.logits(y, 10)
    return fn, [1, 47, 47, 3]


def slim_inception_v4(tf, L):
    def stem(x):
        y = L.conv(L.conv(x, 8, 3, 2, "VALID"), 16, 3)
        y = tf.concat([tf.nn.max_pool2d(y, 3, 2, "VALID"), L.conv(y, 16, 3, 2, "VALID")], 3)
        a = L.conv(L.conv(y, 8, 1), 16, 3, padding="VALID")
        b = L.conv(L.conv(L.conv(L.conv(y, 8, 1), 8, (1, 7)), 8, (7, 1)), 16, 3, padding="VALID")
        return tf.concat([a, b], 3)

    def block_a(x):
        return tf.concat([L.conv(x, 8, 1), L.conv(L.conv(x, 8, 1), 8, 3),
                          L.conv(L.conv(L.conv(x, 8, 1), 8, 3), 8, 3),
                          L.conv(tf.nn.avg_pool2d(x, 3, 1, "SAME"), 8, 1)], 3)

    def reduction_b(x):
        a = L.conv(L.conv(x, 8, 1), 8, 3, 2, "VALID")
        b = L.conv(L.conv(L.conv(L.conv(x, 8, 1), 8, (1, 7)), 8, (7, 1)), 8, 3, 2, "VALID")
        return tf.concat([a, b, tf.nn.max_pool2d(x, 3, 2, "VALID")], 3)

    def fn(x):  # [1, 39, 39, 3]
        y = reduction_b(block_a(stem(x)))
        return L.logits(y, 10)
    return fn, [1, 39, 39, 3]


def slim_inception_resnet_v2(tf, L):
    def block35(x, scale):
        c = int(x.shape[-1])
        mixed = tf.concat([L.conv(x, 8, 1), L.conv(L.conv(x, 8, 1), 8, 3),
                           L.conv(L.conv(L.conv(x, 8, 1), 12, 3), 16, 3)], 3)
        up = L.conv(mixed, c, 1, act="none", norm="bias")
        return tf.nn.relu(x + scale * up)

    def block17(x, scale):
        c = int(x.shape[-1])
        mixed = tf.concat([L.conv(x, 16, 1), L.conv(L.conv(L.conv(x, 8, 1), 12, (1, 7)), 16, (7, 1))], 3)
        return tf.nn.relu(x + scale * L.conv(mixed, c, 1, act="none", norm="bias"))

    def fn(x):  # [1, 35, 35, 3]
        y = L.conv(x, 16, 3, 2, "VALID")
        y = L.conv(y, 32, 3)
        y = block35(block35(y, 0.17), 0.17)
        y = tf.concat([L.conv(y, 16, 3, 2, "VALID"), tf.nn.max_pool2d(y, 3, 2, "VALID")], 3)
        y = block17(y, 0.1)
        y = L.conv(y, 32, 1)
        return L.logits(y, 10)
    return fn, [1, 35, 35, 3]


def slim_resnet_v1(tf, L):
    def bottleneck(x, depth, stride):
        cin = int(x.shape[-1])
        if cin == depth:
            shortcut = x if stride == 1 else tf.nn.max_pool2d(x, 1, stride, "SAME")  # slim's subsample
        else:
            shortcut = L.conv(x, depth, 1, stride, act="none")
        r = L.conv(x, depth // 4, 1)
        r = L.conv_same(r, depth // 4, 3, stride)
        r = L.conv(r, depth, 1, act="none")
        return tf.nn.relu(shortcut + r)

    def fn(x):  # [1, 64, 64, 3]
        y = L.conv_same(x, 16, 7, 2)
        y = tf.nn.max_pool2d(y, 3, 2, "SAME")
        y = bottleneck(bottleneck(y, 32, 1), 32, 2)
        y = bottleneck(y, 64, 2)
        y = tf.reduce_mean(y, [1, 2], keepdims=True, name="pool5")
        y = L.conv(y, 10, 1, act="none", norm="bias")
        return L.scores(tf.squeeze(y, [1, 2]))
    return fn, [1, 64, 64, 3]


def slim_resnet_v2(tf, L):
    def bottleneck(x, depth, stride):
        cin = int(x.shape[-1])
        preact = tf.nn.relu(L.batch_norm(x))
        if cin == depth:
            shortcut = x if stride == 1 else tf.nn.max_pool2d(x, 1, stride, "SAME")
        else:
            shortcut = L.conv(preact, depth, 1, stride, act="none", norm="bias")
        r = L.conv(preact, depth // 4, 1)
        r = L.conv_same(r, depth // 4, 3, stride)
        r = L.conv(r, depth, 1, act="none", norm="bias")
        return shortcut + r

    def fn(x):  # [1, 64, 64, 3]
        y = L.conv_same(x, 16, 7, 2, act="none")
        y = tf.nn.max_pool2d(y, 3, 2, "SAME")
        y = bottleneck(bottleneck(y, 32, 2), 32, 1)
        y = bottleneck(y, 64, 2)
        y = tf.nn.relu(L.batch_norm(y))  # postnorm
        y = tf.reduce_mean(y, [1, 2], keepdims=True)
        y = L.conv(y, 10, 1, act="none", norm="bias")
        return L.scores(tf.squeeze(y, [1, 2]))
    return fn, [1, 64, 64, 3]


def slim_mobilenet_v1(tf, L):
    def fn(x):  # [1, 64, 64, 3]
        y = L.conv(x, 8, 3, 2, act="relu6")
        for cout, stride in ((16, 1), (32, 2), (32, 1), (64, 2), (64, 1)):
            y = L.depthwise(y, 3, stride)
            y = L.conv(y, cout, 1, act="relu6")
        y = tf.nn.avg_pool2d(y, [int(y.shape[1]), int(y.shape[2])], 1, "VALID")
        y = L.conv(y, 10, 1, act="none", norm="bias")
        y = tf.squeeze(y, [1, 2])
        return tf.reshape(L.scores(y), [1, 20])
    return fn, [1, 64, 64, 3]


def slim_mobilenet_v2(tf, L):
    def expanded(x, cout, stride, t=6):
        cin = int(x.shape[-1])
        y = L.conv(x, cin * t, 1, act="relu6")
        if stride == 2:  # explicit fixed padding
            y = L.depthwise(tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, padding="VALID")
        else:
            y = L.depthwise(y, 3, 1)
        y = L.conv(y, cout, 1, act="none")
        return x + y if stride == 1 and cin == cout else y

    def fn(x):  # [1, 64, 64, 3]
        y = L.conv(x, 8, 3, 2, act="relu6")
        y = L.depthwise(y)
        y = L.conv(y, 8, 1, act="none")
        y = expanded(expanded(y, 12, 2), 12, 1)
        y = expanded(expanded(y, 16, 2), 16, 1)
        y = L.conv(y, 64, 1, act="relu6")
        return L.logits(y, 10)
    return fn, [1, 64, 64, 3]


def slim_nasnet(tf, L):
    def separable(x, cout, k, stride=1):
        y = tf.nn.relu(x)
        for s in (stride, 1):
            cin = int(y.shape[-1])
            y = tf.nn.separable_conv2d(y, L.w.filter([k, k, cin, 1], k * k), L.w.filter([1, 1, cin, cout]),
                                       [1, s, s, 1], "SAME")
            y = tf.nn.relu(L.batch_norm(y)) if s == stride else L.batch_norm(y)
        return y

    def factorized_reduction(x, cout):
        """Two half-width strided 1x1 paths, the second shifted by one pixel (Pad + slice)."""
        p1 = tf.nn.avg_pool2d(x, 1, 2, "VALID")
        p1 = L.conv(p1, cout // 2, 1, act="none", norm="none")
        p2 = tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]])[:, 1:, 1:, :]
        p2 = L.conv(tf.nn.avg_pool2d(p2, 1, 2, "VALID"), cout // 2, 1, act="none", norm="none")
        return L.batch_norm(tf.concat([p1, p2], 3))

    def normal_cell(x, prev, c):
        h = L.conv(tf.nn.relu(x), c, 1, act="none")
        p = L.conv(tf.nn.relu(prev), c, 1, act="none") if int(prev.shape[1]) == int(x.shape[1]) \
            else factorized_reduction(tf.nn.relu(prev), c)
        b0 = separable(h, c, 5) + separable(p, c, 3)
        b1 = separable(p, c, 5) + separable(p, c, 3)
        b2 = tf.nn.avg_pool2d(h, 3, 1, "SAME") + p
        b3 = tf.nn.avg_pool2d(p, 3, 1, "SAME") + tf.nn.avg_pool2d(p, 3, 1, "SAME")
        return tf.concat([p, b0, b1, b2, b3], 3)

    def reduction_cell(x, c):
        h = L.conv(tf.nn.relu(x), c, 1, act="none")
        b0 = separable(h, c, 5, 2) + separable(h, c, 7, 2)
        b1 = tf.nn.max_pool2d(h, 3, 2, "SAME") + separable(h, c, 7, 2)
        b2 = tf.nn.avg_pool2d(h, 3, 2, "SAME") + separable(h, c, 5, 2)
        return tf.concat([b0, b1, b2], 3)

    def fn(x):  # [1, 32, 32, 3]
        stem = L.conv(x, 16, 3, 2, "VALID", act="none")
        cell = normal_cell(stem, stem, 8)
        red = reduction_cell(cell, 12)
        cell = normal_cell(red, cell, 12)
        return L.logits(tf.nn.relu(cell), 10)
    return fn, [1, 32, 32, 3]


def resnext(tf, L):
    def block(x, width, groups, cout, stride):
        y = L.conv(x, width, 1)
        y = L.conv(y, width, 3, stride, groups=groups)
        y = L.conv(y, cout, 1, act="none")
        short = x if stride == 1 and int(x.shape[-1]) == cout else L.conv(x, cout, 1, stride, act="none")
        return tf.nn.relu(y + short)

    def fn(x):  # [1, 32, 32, 3]
        y = L.conv(x, 16, 3)
        y = block(block(y, 16, 4, 32, 1), 32, 8, 32, 2)
        return L.logits(y, 10)
    return fn, [1, 32, 32, 3]


def densenet(tf, L):
    def layer(x, growth):
        y = L.conv(tf.nn.relu(L.batch_norm(x)), 4 * growth, 1, norm="none", act="none")
        y = L.conv(tf.nn.relu(L.batch_norm(y)), growth, 3, norm="none", act="none")
        return tf.concat([x, y], -1)

    def transition(x):
        y = L.conv(tf.nn.relu(L.batch_norm(x)), int(x.shape[-1]) // 2, 1, norm="none", act="none")
        return tf.nn.avg_pool2d(y, 2, 2, "VALID")

    def fn(x):  # [1, 32, 32, 3]
        y = tf.pad(x, [[0, 0], [3, 3], [3, 3], [0, 0]])
        y = L.conv(y, 16, 7, 2, "VALID")
        y = tf.nn.max_pool2d(tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, "VALID")
        for _ in range(3):
            y = layer(y, 8)
        y = transition(y)
        for _ in range(3):
            y = layer(y, 8)
        y = tf.nn.relu(L.batch_norm(y))
        y = tf.reduce_mean(y, [1, 2])
        return L.scores(L.dense(y, 10))
    return fn, [1, 32, 32, 3]


def unet(tf, L):
    def up(x, cout):
        cin = int(x.shape[-1])
        h, w = int(x.shape[1]), int(x.shape[2])
        return tf.nn.conv2d_transpose(x, L.w.filter([2, 2, cout, cin], 4 * cin), [1, 2 * h, 2 * w, cout], 2, "SAME")

    def fn(x):  # [1, 32, 32, 3]
        e1 = L.conv(L.conv(x, 8, 3), 8, 3)
        e2 = L.conv(L.conv(tf.nn.max_pool2d(e1, 2, 2, "VALID"), 16, 3), 16, 3)
        e3 = L.conv(tf.nn.max_pool2d(e2, 2, 2, "VALID"), 32, 3)
        d2 = L.conv(tf.concat([up(e3, 16), e2], -1), 16, 3)
        d1 = tf.concat([tf.image.resize(d2, [32, 32], "bilinear"), e1], -1)  # half-pixel centers
        d1 = L.conv(d1, 8, 3)
        d1 = d1 + tf.compat.v1.image.resize_bilinear(tf.nn.avg_pool2d(d1, 4, 4, "VALID"), [32, 32], align_corners=True)
        d1 = d1 + tf.compat.v1.image.resize_nearest_neighbor(e2, [32, 32])[..., :8]
        d1 = d1 - tf.image.resize(e3, [32, 32], "nearest")[..., :8]
        d1 = d1 + tf.image.resize(e2, [32, 32], "bicubic")[..., 8:]  # half-pixel Keys cubic
        small = tf.image.resize(d1, [12, 10], "lanczos3", antialias=True)  # ScaleAndTranslate
        small = small + tf.image.resize(d1, [12, 10], "bilinear", antialias=True) + tf.image.resize(d1, [12, 10], "area")
        d1 = d1 + tf.image.resize(small, [32, 32], "mitchellcubic")
        d1 = d1 * tf.compat.v1.image.resize_bicubic(tf.nn.avg_pool2d(d1, 2, 2, "VALID"), [32, 32], align_corners=True)
        d1 = d1 + tf.nn.conv2d_transpose(e2, L.w.filter([3, 3, 8, 16], 144), [1, 33, 33, 8], 2, "VALID")[:, 1:, 1:, :]
        return L.conv(d1, 2, 1, act="sigmoid", norm="bias")
    return fn, [1, 32, 32, 3]


def tcn(tf, L):
    def causal(x, cout, k, dilation):
        y = tf.pad(x, [[0, 0], [(k - 1) * dilation, 0], [0, 0]])
        f = L.w.filter([k, int(x.shape[-1]), cout])
        return tf.nn.relu(tf.nn.conv1d(y, f, 1, "VALID", dilations=dilation) + L.w.bias(cout))

    def block(x, cout, dilation):
        y = causal(causal(x, cout, 3, dilation), cout, 3, dilation)
        short = x if int(x.shape[-1]) == cout else tf.nn.conv1d(x, L.w.filter([1, int(x.shape[-1]), cout]), 1, "SAME")
        return tf.nn.relu(y + short)

    def fn(x):  # [1, 24, 4]
        y = block(block(block(x, 8, 1), 8, 2), 8, 4)
        # An atrous convolution in TensorFlow's older form: SpaceToBatchND, Conv2D, BatchToSpaceND.
        z = tf.compat.v1.nn.atrous_conv2d(tf.expand_dims(y, 2), L.w.filter([3, 1, 8, 8]), 4, "SAME")
        y = tf.squeeze(z, 2) + y
        return L.dense(y[:, -1, :], 5)
    return fn, [1, 24, 4]


def stn(tf, L):
    def sample(img, grid_x, grid_y):
        """Bilinear sampling of img [1, H, W, C] at normalized coordinates in [-1, 1]."""
        h, w = int(img.shape[1]), int(img.shape[2])
        x = (grid_x + 1.0) * 0.5 * float(w - 1)
        y = (grid_y + 1.0) * 0.5 * float(h - 1)
        x0f, y0f = tf.floor(x), tf.floor(y)
        x0 = tf.clip_by_value(tf.cast(x0f, tf.int32), 0, w - 1)
        x1 = tf.clip_by_value(tf.cast(x0f, tf.int32) + 1, 0, w - 1)
        y0 = tf.clip_by_value(tf.cast(y0f, tf.int32), 0, h - 1)
        y1 = tf.clip_by_value(tf.cast(y0f, tf.int32) + 1, 0, h - 1)
        batch = tf.zeros_like(x0)

        def at(yy, xx):
            return tf.gather_nd(img, tf.stack([batch, yy, xx], -1))

        wa = tf.expand_dims((x0f + 1.0 - x) * (y0f + 1.0 - y), -1)
        wb = tf.expand_dims((x0f + 1.0 - x) * (y - y0f), -1)
        wc = tf.expand_dims((x - x0f) * (y0f + 1.0 - y), -1)
        wd = tf.expand_dims((x - x0f) * (y - y0f), -1)
        return wa * at(y0, x0) + wb * at(y1, x0) + wc * at(y0, x1) + wd * at(y1, x1)

    def fn(img):  # [1, 16, 16, 2]
        h, w = 16, 16
        loc = L.conv(img, 8, 3, 2)
        loc = tf.nn.max_pool2d(loc, 2, 2, "VALID")
        loc = tf.reshape(loc, [1, -1])
        theta = 0.2 * tf.tanh(L.dense(loc, 6)) + tf.constant([[1.0, 0.0, 0.0, 0.0, 1.0, 0.0]])
        theta = tf.reshape(theta, [1, 2, 3])
        xs, ys = tf.meshgrid(tf.linspace(-1.0, 1.0, w), tf.cast(tf.range(h), tf.float32) * (2.0 / (h - 1)) - 1.0)
        ones = tf.fill([h * w], 1.0)
        grid = tf.stack([tf.reshape(xs, [-1]), tf.reshape(ys, [-1]), ones], 0)  # [3, H*W]
        grid = tf.tile(tf.expand_dims(grid, 0), [1, 1, 1])
        t = tf.matmul(theta, grid)  # [1, 2, H*W]
        gx = tf.reshape(t[:, 0, :], [1, h, w])
        gy = tf.reshape(t[:, 1, :], [1, h, w])
        out = sample(img, gx, gy)
        return L.conv(out, 4, 3, act="relu")
    return fn, [1, 16, 16, 2]


def yolo(tf, L):
    anchors = [[10.0, 13.0], [16.0, 30.0], [33.0, 23.0]]

    def down(x, cout):  # darknet: top-left zero padding, VALID strided convolution
        return L.conv(tf.pad(x, [[0, 0], [1, 0], [1, 0], [0, 0]]), cout, 3, 2, "VALID", act="mish")

    def csp(x, c):
        a, b = tf.split(x, 2, axis=-1)
        r = L.conv(L.conv(b, c, 1, act="mish"), c, 3, act="mish")
        return L.conv(tf.concat([a, b + r], -1), 2 * c, 1, act="mish")

    def decode(p, classes, stride):
        g = int(p.shape[1])
        p = tf.reshape(p, [1, g, g, 3, 5 + classes])
        xy, wh, obj, cls = tf.split(p, [2, 2, 1, classes], axis=-1)
        gx, gy = tf.meshgrid(tf.range(g), tf.range(g))
        grid = tf.cast(tf.expand_dims(tf.stack([gx, gy], -1), 2), tf.float32)
        xy = (tf.sigmoid(xy) * 1.05 - 0.025 + grid) * stride
        wh = tf.exp(wh) * tf.constant(anchors)
        boxes = tf.concat([xy - wh / 2, xy + wh / 2], -1)
        scores = tf.sigmoid(obj) * tf.sigmoid(cls)
        return tf.reshape(boxes, [1, -1, 4]), tf.reshape(scores, [1, -1, classes])

    def fn(x):  # [1, 32, 32, 3]
        y = L.conv(x, 8, 3, act="mish")
        y = csp(down(y, 16), 8)
        p3 = csp(down(y, 32), 16)  # 8x8
        y = L.conv(down(p3, 32), 32, 1, act="leaky")  # 4x4
        spp = tf.concat([tf.nn.max_pool2d(y, k, 1, "SAME") for k in (5, 3, 1)] + [y], -1)  # SPP
        p5 = L.conv(spp, 32, 1, act="leaky")
        up = tf.image.resize(L.conv(p5, 16, 1, act="leaky"), [8, 8], "nearest")
        p3 = L.conv(tf.concat([L.conv(p3, 16, 1, act="leaky"), up], -1), 32, 3, act="leaky")
        classes = 3
        b3, s3 = decode(L.conv(p3, 3 * (5 + classes), 1, act="none", norm="bias"), classes, 4.0)
        b5, s5 = decode(L.conv(p5, 3 * (5 + classes), 1, act="none", norm="bias"), classes, 8.0)
        boxes, scores = tf.concat([b3, b5], 1), tf.concat([s3, s5], 1)
        best = tf.reduce_max(scores, -1)  # [1, N]
        top, idx = tf.math.top_k(best, 10)
        picked = tf.gather(boxes, idx, batch_dims=1)  # [1, 10, 4]
        label = tf.cast(tf.argmax(tf.gather(scores, idx, batch_dims=1), -1), tf.float32)
        keep, kept_scores, _ = tf.raw_ops.NonMaxSuppressionV5(
            boxes=boxes[0], scores=best[0], max_output_size=10, iou_threshold=0.45, score_threshold=0.05,
            soft_nms_sigma=0.0, pad_to_max_output_size=True)
        kept = tf.expand_dims(tf.gather(boxes[0], keep), 0)
        return tf.concat([picked / 32.0, tf.expand_dims(top, -1), tf.expand_dims(label, -1), kept / 32.0,
                          tf.reshape(kept_scores, [1, 10, 1])], -1)
    return fn, [1, 32, 32, 3]


def bert(tf, L):
    import keras

    vocab, seq, hidden, heads = 50, 8, 16, 2
    keras.utils.set_random_seed(0)
    attention = [keras.layers.MultiHeadAttention(heads, hidden // heads) for _ in range(2)]
    word = L.w.const(L.w.rng.standard_normal([vocab, hidden]) * 0.5)
    position = L.w.const(L.w.rng.standard_normal([seq, hidden]) * 0.5)
    segment = L.w.const(L.w.rng.standard_normal([2, hidden]) * 0.5)

    def layer_norm(x):
        mean = tf.reduce_mean(x, -1, keepdims=True)
        var = tf.reduce_mean(tf.math.squared_difference(x, mean), -1, keepdims=True)
        gamma, beta = L.w.bn(hidden)[:2]
        return (x - mean) * tf.math.rsqrt(var + 1e-12) * gamma + beta

    def fn(ids):  # [1, 8] int32 token ids, 0 is padding
        types = tf.cast(tf.range(seq) >= seq // 2, tf.int32)
        e = tf.gather(word, ids) + tf.expand_dims(position, 0) + tf.matmul(tf.one_hot(types, 2), segment)
        h = layer_norm(e)
        valid = tf.cast(tf.not_equal(ids, 0), tf.float32)  # [1, S]
        mask = tf.cast(tf.expand_dims(valid, 1) * tf.expand_dims(valid, 2), tf.bool)  # [1, S, S]
        causal = tf.cast(tf.linalg.band_part(tf.ones([seq, seq]), -1, 0), tf.bool)
        for i, mha in enumerate(attention):
            m = tf.logical_and(mask, causal) if i == 1 else mask
            a = mha(h, h, attention_mask=m)
            h = layer_norm(h + a)
            f = L.dense(h, 4 * hidden)
            f = tf.nn.gelu(f, approximate=(i == 1))
            h = layer_norm(h + L.dense(f, hidden))
        pooled = L.dense(h[:, 0, :], hidden, act="none")
        return tf.concat([tf.tanh(pooled), tf.reshape(h, [1, -1])], -1)
    return fn, [1, seq], tf.int32


def ops_mix(tf, L):
    """The general ops no architecture above reaches."""
    w3 = L.w.filter([2, 2, 2, 4, 4])

    def fn(x):  # [1, 8, 8, 4]
        y = tf.nn.depthwise_conv2d(x, L.w.filter([3, 3, 4, 1], 9), [1, 1, 1, 1], "SAME", dilations=[2, 2])
        y = tf.nn.depth_to_space(tf.nn.space_to_depth(y, 2) * 1.5, 2)
        y = tf.math.l2_normalize(y, axis=-1) + tf.nn.lrn(y, 1, 1.0, 0.5, 0.5)
        v = tf.nn.conv3d(tf.reshape(y, [1, 2, 4, 8, 4]), w3, [1, 1, 1, 1, 1], "SAME")
        y = y + tf.reshape(v, [1, 8, 8, 4])
        y = tf.roll(y, [3, -2], [1, 2]) + tf.math.atan2(y, tf.roll(y, 1, 3))  # Swin-style shifted windows
        patches = tf.image.extract_patches(y, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID")  # [1, 4, 4, 16]
        y = y + tf.reshape(tf.nn.depth_to_space(patches, 2), [1, 8, 8, 4]) * 0.5
        y = y + tf.math.xlogy(tf.nn.relu(y), tf.abs(y) + 0.5)
        flat = tf.reshape(y, [8, 32])
        cs = tf.cumsum(flat, axis=1, exclusive=True, reverse=True)
        rev = tf.reverse(flat, [0, 1])
        a, b, c = tf.split(flat, [8, -1, 4], axis=1)
        parts = tf.unstack(tf.reshape(c, [8, 2, 2]), axis=1)
        sel = tf.where(a > 0.0, a, tf.zeros_like(a)) + tf.where(b[:, :8] < 0.0, b[:, :8] * 2.0, tf.ones_like(a))
        idx = tf.argmax(flat, axis=1, output_type=tf.int32)
        sc = tf.scatter_nd(tf.expand_dims(idx % 8, -1), tf.ones([8, 8]), [8, 8])
        top, _ = tf.math.top_k(flat, 8)
        count = tf.cast(tf.shape(tf.where(flat > 0.5))[0], tf.float32)
        fd = tf.cast(tf.math.floordiv(tf.cast(flat * 10.0, tf.int32), 3), tf.float32) + tf.math.floormod(flat, 0.7)
        corners = tf.sigmoid(tf.reshape(tf.reduce_mean(x, [1, 2]), [1, 4]) * 3.0) * 1.2 - 0.1
        boxes = tf.concat([corners, tf.reverse(corners, [1]) * 0.9], 0)  # [2, 4], partly outside the image
        crops = tf.image.crop_and_resize(y, boxes, [0, 0], [4, 4], extrapolation_value=-1.0)  # [2, 4, 4, 4]
        z = tf.concat([cs[:, :8], rev[:, :8], sel, sc, top, fd[:, :8], parts[0] * parts[1] + tf.zeros([8, 2]),
                       tf.reshape(crops, [8, 16])], 1)
        z = tf.add_n([z, tf.abs(z), tf.exp(-tf.abs(z)) * tf.sign(z)])
        z = z + tf.broadcast_to(tf.slice(z, [0, 0], [-1, 1]), tf.shape(z)) + count
        z = z + tf.cast(tf.reduce_any(flat > 2.0, 1, keepdims=True), tf.float32) \
            - tf.cast(tf.reduce_all(flat > -2.0, 1, keepdims=True), tf.float32)
        z = tf.clip_by_value(z, -5.0, 5.0) + tf.math.softplus(z) - tf.nn.selu(z) + tf.nn.softsign(z)
        z = z + tf.round(z) + tf.math.erf(z)
        return tf.nn.log_softmax(tf.tile(z, [1, 2]))
    return fn, [1, 8, 8, 4]


def keras_encoder(tf, L):
    """A Transformer encoder of Keras layers: Embedding, LayerNormalization, MultiHeadAttention,
    Dense with gelu."""
    import keras

    keras.utils.set_random_seed(L.w.seed)
    K = keras.layers
    ids = keras.Input([8], dtype="int32")
    h = K.LayerNormalization()(K.Embedding(50, 16)(ids))
    h = K.LayerNormalization()(h + K.MultiHeadAttention(2, 8)(h, h))
    f = K.Dense(32, activation="gelu")(h)
    h = K.LayerNormalization()(h + K.Dense(16)(f))
    model = keras.Model(ids, h)
    return (lambda x: model(x, training=False)), [1, 8], tf.int32


def keras_layers(tf, L):
    """Keras layers whose graphs differ from the tf.nn calls above: dilated DepthwiseConv2D
    (SpaceToBatchND), SeparableConv2D, Conv2DTranspose, bilinear and nearest UpSampling2D,
    ZeroPadding2D, Cropping2D, causal dilated Conv1D, swish."""
    import keras

    keras.utils.set_random_seed(L.w.seed)
    K = keras.layers
    x = keras.Input([16, 16, 3])
    y = K.Conv2D(8, 3, padding="same", activation="swish")(x)
    y = K.DepthwiseConv2D(3, dilation_rate=2, padding="same")(y)
    y = K.SeparableConv2D(8, 3, padding="same", activation="relu")(y)
    y = K.ZeroPadding2D(((1, 0), (1, 0)))(y)
    y = K.BatchNormalization()(K.Conv2D(16, 3, strides=2, padding="valid")(y))
    y = K.Conv2DTranspose(8, 3, strides=2, padding="same")(y)
    y = K.Cropping2D(((2, 2), (2, 2)))(K.UpSampling2D(interpolation="bilinear")(y))
    y = K.UpSampling2D()(K.MaxPooling2D()(y))
    y = K.Conv1D(8, 3, dilation_rate=2, padding="causal", activation="elu")(K.Reshape([-1, 8])(y))
    model = keras.Model(x, K.GlobalAveragePooling1D()(y))
    return (lambda t: model(t, training=False)), [1, 16, 16, 3]


def save_v1_graph(tf, name, out_dir: Path):
    """A slim-style MobileNet built the TF1 way, in graph mode with variables (their read
    Identities stay in the frozen graph) and a PlaceholderWithDefault, frozen by
    graph_util.convert_variables_to_constants."""
    import numpy as np

    v1 = tf.compat.v1
    rng = np.random.default_rng(99)
    shape = [1, 32, 32, 3]
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape, name="input")

        def variable(vname, value):
            return v1.get_variable(vname, initializer=tf.constant(np.asarray(value, np.float32)))

        def conv_bn(t, scope, cout, k, stride=1, depthwise=False):
            with v1.variable_scope(scope):
                cin = int(t.shape[-1])
                if depthwise:
                    w = variable("depthwise_weights", rng.standard_normal([k, k, cin, 1]) * (2.0 / (k * k)) ** 0.5)
                    t = tf.nn.depthwise_conv2d(t, w, [1, stride, stride, 1], "SAME")
                    cout = cin
                else:
                    w = variable("weights", rng.standard_normal([k, k, cin, cout]) * (2.0 / (k * k * cin)) ** 0.5)
                    t = tf.nn.conv2d(t, w, stride, "SAME")
                gamma = variable("gamma", rng.uniform(0.5, 1.5, [cout]))
                beta = variable("beta", rng.standard_normal([cout]) * 0.1)
                mean = variable("moving_mean", rng.standard_normal([cout]) * 0.1)
                var = variable("moving_variance", rng.uniform(0.5, 1.5, [cout]))
                t = v1.nn.fused_batch_norm(t, gamma, beta, mean, var, epsilon=0.001, is_training=False)[0]
                return tf.nn.relu6(t)

        y = conv_bn(x, "Conv2d_0", 8, 3, 2)
        for i, (cout, stride) in enumerate(((16, 1), (32, 2), (32, 1))):
            y = conv_bn(y, f"Conv2d_{i + 1}_depthwise", 0, 3, stride, depthwise=True)
            y = conv_bn(y, f"Conv2d_{i + 1}_pointwise", cout, 1)
        # slim's dropout is the identity at inference; a PlaceholderWithDefault scales instead.
        scale = v1.placeholder_with_default(1.0, [], name="scale")
        y = tf.nn.avg_pool2d(y, [8, 8], 1, "VALID") * scale
        with v1.variable_scope("Logits"):
            w = variable("weights", rng.standard_normal([1, 1, 32, 10]) * 0.3)
            b = variable("biases", rng.standard_normal([10]) * 0.1)
            logits = tf.squeeze(tf.nn.bias_add(tf.nn.conv2d(y, w, 1, "VALID"), b), [1, 2], name="SpatialSqueeze")
        out = tf.concat([logits, tf.nn.softmax(logits)], -1, name="Predictions")
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            frozen = v1.graph_util.convert_variables_to_constants(session, graph.as_graph_def(), ["Predictions"])
            data = rng.standard_normal(shape).astype(np.float32)
            result = session.run(out, {x: data})
    (out_dir / f"{name}.pb").write_bytes(frozen.SerializeToString())
    np.save(out_dir / f"{name}.input.npy", data)
    np.save(out_dir / f"{name}.output.npy", result)
    print(f"{Path(__file__).stem}: wrote {name}.pb ({len(frozen.node)} nodes)", file=sys.stderr)


def remapped(tf, graph):
    """The graph after TensorFlow's CPU remapper: what a graph optimized for serving holds
    (_FusedConv2D, _FusedDepthwiseConv2dNative, _FusedMatMul, _FusedBatchNormEx, _MklSwish)."""
    from tensorflow.core.protobuf import config_pb2
    from tensorflow.python.grappler import tf_optimizer

    for node in graph.node:
        node.device = "/device:CPU:0"  # the remapper fuses what it knows to run on the CPU
    g = tf.Graph()
    with g.as_default():
        tf.import_graph_def(graph, name="")
        meta = tf.compat.v1.train.export_meta_graph(graph=g)
    outputs = [n.name for n in graph.node if n.op == "Identity" and n.name.startswith("Identity")]
    meta.collection_def["train_op"].node_list.value.extend(outputs)
    config = config_pb2.ConfigProto()
    config.graph_options.rewrite_options.optimizers[:] = ["remap"]
    config.graph_options.rewrite_options.min_graph_nodes = -1
    fused = tf_optimizer.OptimizeGraph(config, meta)
    for node in fused.node:
        node.device = ""
    return fused


def grappler_fused(tf, L):
    """Convolutions, depthwise convolutions and matrix products followed by what the remapper fuses
    into them: BiasAdd or FusedBatchNorm, Add, Relu/Relu6/Elu/LeakyRelu/Tanh; x * sigmoid(x)."""
    def fn(x):  # [1, 12, 12, 3]
        y = L.conv(x, 8, 3, act="relu6", norm="bias")
        z = L.conv(y, 8, 3, act="leaky", norm="bn")
        cin = int(z.shape[-1])
        u = tf.nn.elu(tf.nn.bias_add(tf.nn.conv2d(z, L.w.filter([3, 3, cin, 8]), 1, "SAME"), L.w.bias(8)) + y)
        q = tf.nn.relu(L.batch_norm(u))
        q = tf.nn.relu6(tf.nn.bias_add(tf.nn.depthwise_conv2d(q, L.w.filter([3, 3, 8, 1], 9), [1, 1, 1, 1], "SAME"),
                                       L.w.bias(8)))
        q = L.depthwise(q, 3, 2, multiplier=2, act="relu6", padding="VALID")
        q = tf.tanh(L.conv(q, 8, 3, act="none", norm="bias"))
        q = q * tf.sigmoid(q)
        p = tf.reduce_mean(q, [1, 2])
        p = L.dense(L.dense(p, 8, "relu"), 8)
        return tf.tanh(L.dense(p, 6))
    return fn, [1, 12, 12, 3], tf.float32, remapped


MODELS = {
    "slim_vgg": slim_vgg, "slim_inception_v1": slim_inception_v1, "slim_inception_v3": slim_inception_v3,
    "slim_inception_v4": slim_inception_v4, "slim_inception_resnet_v2": slim_inception_resnet_v2,
    "slim_resnet_v1": slim_resnet_v1, "slim_resnet_v2": slim_resnet_v2, "slim_mobilenet_v1": slim_mobilenet_v1,
    "slim_mobilenet_v2": slim_mobilenet_v2, "slim_nasnet": slim_nasnet, "resnext": resnext, "densenet": densenet,
    "unet": unet, "tcn": tcn, "stn": stn, "yolo": yolo, "bert": bert, "ops_mix": ops_mix,
    "grappler_fused": grappler_fused, "keras_encoder": keras_encoder, "keras_layers": keras_layers,
    "slim_v1_graph": None,  # built in graph mode by save_v1_graph
}


def save(tf, name, made, layers, out_dir: Path):
    """Freezes one model and writes it with its input and TensorFlow's output."""
    import numpy as np

    body, shape = made[0], made[1]

    def fn(x):
        layers.w.restart()
        return body(x)

    dtype = made[2] if len(made) > 2 else tf.float32
    graph = make_tf_models.freeze(tf, fn, tf.TensorSpec(shape, dtype, name="input"))
    if len(made) > 3:
        graph = made[3](tf, graph)
    (out_dir / f"{name}.pb").write_bytes(graph.SerializeToString())
    rng = np.random.default_rng(0)
    if dtype == tf.int32:
        x = rng.integers(1, 50, shape).astype(np.int32)
        x[..., -2:] = 0  # padding tokens
    else:
        x = rng.standard_normal(shape).astype(np.float32)
    y = np.asarray(tf.function(fn)(tf.constant(x)))
    np.save(out_dir / f"{name}.input.npy", x)
    np.save(out_dir / f"{name}.output.npy", y)
    print(f"{Path(__file__).stem}: wrote {name}.pb ({len(graph.node)} nodes)", file=sys.stderr)


def build_models(models: dict, out_dir: Path):
    import tensorflow as tf

    # TensorFlow's own runtime remapper would fuse Conv2D + FusedBatchNorm + Mish, which its CPU
    # kernels then refuse; the reference output is computed from the plain ops.
    tf.config.optimizer.set_experimental_options({"remapping": False})
    for i, (name, maker) in enumerate(sorted(models.items())):
        if maker is None:
            save_v1_graph(tf, name, out_dir)
            continue
        layers = Layers(tf, i + 1)
        save(tf, name, maker(tf, layers), layers, out_dir)


def versions():
    shared = hashlib.sha256(Path(make_tf_models.__file__).read_bytes()).hexdigest()[:16]
    return f"{make_tf_models.versions()}, make_tf_models.py {shared}"


if __name__ == "__main__":
    only = sys.argv[1:]  # model names to build into a scratch folder instead (for debugging)
    if only:
        out = Path(tempfile.mkdtemp(prefix="tf-topologies-"))
        build_models({n: MODELS[n] for n in only}, out)
        print(out)
    else:
        print(ensure_models(Path(__file__), versions(), lambda out: build_models(MODELS, out)))
