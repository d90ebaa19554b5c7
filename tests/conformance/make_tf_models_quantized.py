#!/usr/bin/env python3
"""Quantization-aware MobileNet v1 and v2 (compact, as in make_tf_models_topologies.py) with
FakeQuantWithMinMaxVars on every weight (its own min/max, 8 bits, narrow range, per tensor) and
every activation (Relu6 outputs over [0, 6], linear bottlenecks over [-8, 8]), as TensorFlow's
quantization rewrite leaves them in a frozen graph; written into their own cache folder (printed).

    run_tf_conformance.py build/remo $(make_tf_models_quantized.py)

The tf-conformance stage runs them with every other maker's models.
"""
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tf_models_topologies as topologies  # noqa: E402
from model_cache import ensure_models  # noqa: E402


class QuantWeights(topologies.Weights):
    def filter(self, shape, fan_in=None):
        np = self.np
        fan_in = fan_in or int(np.prod(shape[:-1]))
        w = (self.rng.standard_normal(shape) * (2.0 / fan_in) ** 0.5).astype(np.float32)
        # min and max are constants, as the frozen variables of a quantization-aware graph are.
        return self.tf.quantization.fake_quant_with_min_max_vars(
            self.const(w), self.const(w.min()), self.const(w.max()), num_bits=8, narrow_range=True)


class QuantLayers(topologies.Layers):
    def __init__(self, tf, seed):
        super().__init__(tf, seed)
        self.w = QuantWeights(tf, seed)

    def act(self, y, act):
        y = super().act(y, act)
        low, high = (0.0, 6.0) if act == "relu6" else (-8.0, 8.0)
        return self.tf.quantization.fake_quant_with_min_max_vars(y, low, high, num_bits=8)


MODELS = {"quant_mobilenet_v1": topologies.slim_mobilenet_v1, "quant_mobilenet_v2": topologies.slim_mobilenet_v2}


def build(out_dir: Path):
    import tensorflow as tf

    tf.config.optimizer.set_experimental_options({"remapping": False})
    for i, (name, maker) in enumerate(sorted(MODELS.items())):
        layers = QuantLayers(tf, i + 1)
        topologies.save(tf, name, maker(tf, layers), layers, out_dir)


if __name__ == "__main__":
    # The topologies' recipe is part of this one.
    shared = hashlib.sha256(Path(topologies.__file__).read_bytes()).hexdigest()[:16]
    print(ensure_models(Path(__file__), f"{topologies.versions()}, make_tf_models_topologies.py {shared}", build))
