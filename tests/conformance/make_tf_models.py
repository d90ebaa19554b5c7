#!/usr/bin/env python3
"""Saves TensorFlow models, in every form remo reads, into the model cache and prints the folder.

Runs under the venv (tensorflow-cpu from requirements.txt). Weights are random (weights=None:
nothing is downloaded) but seeded, so a recipe always gives the same models.

Folder layout (run_tf_conformance.py converts every form it finds; other tools may rely on it):
  <name>.input.npy, <name>.output.npy   the input the case is checked on (NHWC) and TensorFlow's
                                        output on it; shared by every form of the case
  <name>.pb                             frozen GraphDef (variables turned into constants)
  <name>.savedmodel/                    SavedModel folder (TF2 tf.saved_model.save, or TF1
                                        simple_save), signature "serving_default"
  <name>.index + <name>.data-*          TF1 Saver checkpoint (prefix <name>), with
  <name>.graph.pbtxt                    the text GraphDef of its variables' graph
                                        (--input_model <name>.graph.pbtxt --input_checkpoint <name>)
  <name>.meta                           MetaGraphDef beside that checkpoint (--input_meta_graph)
Keras cases and small_ops have .pb and a TF2 .savedmodel/; tf1_vars (a tf.compat.v1 graph with
VariableV2 and resource variables) has a TF1 .savedmodel/, .graph.pbtxt + checkpoint and .meta.
A plain <name>.pbtxt is never written: it would read as a frozen text graph.
"""
import os
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# keras.applications with weights=None: name -> (class, input size).
KERAS_MODELS = {"mobilenet_v2": ("MobileNetV2", 224), "resnet50": ("ResNet50", 224),
                "inception_v3": ("InceptionV3", 299), "densenet121": ("DenseNet121", 224),
                "efficientnet_b0": ("EfficientNetB0", 224), "nasnet_mobile": ("NASNetMobile", 224)}


def versions():
    return f"tensorflow-cpu {version('tensorflow-cpu')}, keras {version('keras')}, numpy {version('numpy')}"


def calibrate_batchnorm(tf, model, size=224):
    """Fresh BatchNorms have mean 0 / variance 1, and through dozens of layers the activations
    then shrink to nothing, so any converter would "match". One training-mode pass with momentum
    0 sets the moving statistics to a real batch's, as training would."""
    bns = [l for l in model.layers if isinstance(l, tf.keras.layers.BatchNormalization)]
    for layer in bns:
        layer.momentum = 0.0
    model(tf.random.stateless_normal([8, size, size, 3], seed=(1, 2)), training=True)


def freeze(tf, fn, spec):
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    concrete = tf.function(fn).get_concrete_function(spec)
    return convert_variables_to_constants_v2(concrete).graph.as_graph_def()


def small_ops_model(tf):
    """One graph of the ops a Keras CNN does not use: pads, slices, packing, squeezes, pools,
    activations, matrix products, reductions with keep_dims."""
    rng = tf.random.Generator.from_seed(7)
    w_dw = tf.constant(rng.normal([3, 3, 4, 2]))
    w = tf.constant(rng.normal([3, 3, 8, 6]))
    m = tf.constant(rng.normal([6, 5]))

    def fn(x):  # x: [1, 16, 16, 4] NHWC
        y = tf.nn.depthwise_conv2d(x, w_dw, strides=[1, 1, 1, 1], padding="VALID")
        y = tf.nn.elu(y)
        y = tf.pad(y, [[0, 0], [1, 2], [2, 1], [0, 0]], mode="REFLECT")
        y = tf.nn.conv2d(y, w, strides=2, padding="SAME", dilations=1)
        y = tf.nn.avg_pool2d(tf.tanh(y), ksize=3, strides=2, padding="SAME")
        y = tf.nn.max_pool2d(tf.sigmoid(y) * 3.0 - tf.sqrt(tf.square(y) + 1.0), ksize=2, strides=1, padding="VALID")
        a = y[:, ::2, 1:, :]
        b = tf.concat([a, tf.math.squared_difference(a, 0.5)], axis=-1)
        c = tf.reduce_mean(b, axis=[1, 2], keepdims=True)
        d = tf.squeeze(c, axis=[1, 2])[:, :6]
        e = tf.matmul(d, m) + tf.math.rsqrt(tf.reduce_sum(d * d, axis=1, keepdims=True) + 1.0)
        f = tf.stack([e, tf.nn.relu6(e * 4.0)], axis=1)
        g = tf.reshape(tf.transpose(f, [0, 2, 1]), [1, -1])
        return tf.nn.softmax(tf.expand_dims(tf.maximum(g, -1.0), 0))

    return fn, [1, 16, 16, 4]


def keras_cases(tf, models: dict) -> dict:
    """name -> (function, input shape) for keras.applications classes {name: (class, size)}."""
    cases = {}
    for name, (cls, size) in models.items():
        tf.keras.utils.set_random_seed(0)
        model = getattr(tf.keras.applications, cls)(weights=None, input_shape=(size, size, 3))
        calibrate_batchnorm(tf, model, size)
        fn = (lambda m: lambda x: m(x, training=False))(model)
        fn.model = model  # the SavedModel tracks it, so that its variables are saved
        cases[name] = (fn, [1, size, size, 3])
    return cases


def save_cases(tf, cases: dict, out_dir: Path):
    """Writes <name>.pb, <name>.savedmodel/, <name>.input.npy and TensorFlow's <name>.output.npy
    for every case."""
    import numpy as np

    for name, (fn, shape) in cases.items():
        spec = tf.TensorSpec(shape, tf.float32, name="input")
        graph = freeze(tf, fn, spec)
        (out_dir / f"{name}.pb").write_bytes(graph.SerializeToString())
        # The SavedModel keeps the variables: the module tracks the Keras model (when there is
        # one) so that they are saved, and serves fn as its default signature.
        module = tf.Module()
        module.model = getattr(fn, "model", None)
        module.serve = tf.function(fn, input_signature=[spec])
        tf.saved_model.save(module, str(out_dir / f"{name}.savedmodel"), signatures={"serving_default": module.serve})
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        y = np.asarray(tf.function(fn)(tf.constant(x)))
        np.save(out_dir / f"{name}.input.npy", x)
        np.save(out_dir / f"{name}.output.npy", y)
        print(f"make_tf_models: wrote {name}.pb ({len(graph.node)} nodes) and {name}.savedmodel", file=sys.stderr)


def save_tf1_case(out_dir: Path, name: str = "tf1_vars"):
    """A tf.compat.v1 graph with variables of both kinds (VariableV2 and resource), saved as a TF1
    SavedModel, a text GraphDef with a Saver checkpoint, and the MetaGraph beside it."""
    import numpy as np
    import tensorflow as tf

    v1 = tf.compat.v1
    x_value = np.random.default_rng(1).standard_normal([1, 8, 8, 3]).astype(np.float32)
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(3)
        x = v1.placeholder(tf.float32, [1, 8, 8, 3], name="x")
        w = v1.get_variable("conv/w", [3, 3, 3, 4], initializer=v1.random_normal_initializer(seed=1),
                            use_resource=False)
        b = v1.get_variable("conv/b", [4], initializer=v1.random_normal_initializer(seed=2), use_resource=True)
        dense = v1.get_variable("dense/w", [4 * 4 * 4, 5], initializer=v1.random_normal_initializer(seed=3),
                                use_resource=False)
        y = tf.nn.relu(tf.nn.conv2d(x, w, strides=2, padding="SAME") + b)
        # Logits, not a softmax: with random weights a softmax saturates to one-hot and would
        # hide errors.
        y = tf.identity(tf.matmul(tf.reshape(y, [1, -1]), dense), name="y")
        saver = v1.train.Saver()
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            out = sess.run(y, {x: x_value})
            saver.save(sess, str(out_dir / name))  # <name>.index, <name>.data-*, <name>.meta
            (out_dir / f"{name}.graph.pbtxt").write_text(str(graph.as_graph_def()))
            v1.saved_model.simple_save(sess, str(out_dir / f"{name}.savedmodel"), inputs={"x": x}, outputs={"y": y})
    np.save(out_dir / f"{name}.input.npy", x_value)
    np.save(out_dir / f"{name}.output.npy", out)
    print(f"make_tf_models: wrote {name}.graph.pbtxt + checkpoint, {name}.meta and {name}.savedmodel (TF1)",
          file=sys.stderr)


def build(out_dir: Path):
    import tensorflow as tf

    cases = keras_cases(tf, KERAS_MODELS)
    tf.keras.utils.set_random_seed(0)
    cases["small_ops"] = small_ops_model(tf)
    save_cases(tf, cases, out_dir)
    save_tf1_case(out_dir)


if __name__ == "__main__":
    print(ensure_models(Path(__file__), versions(), build))
