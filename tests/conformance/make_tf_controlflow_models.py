#!/usr/bin/env python3
"""Saves TensorFlow graphs with control flow and fake quantization into the model cache and
prints the folder (the layout run_tf_conformance.py reads: <name>.pb, <name>.input.npy and
TensorFlow's <name>.output.npy).

- v1_*: graphs built with tf.compat.v1 and control flow v2 switched off, so while_loop and cond
  become Switch/Merge/Enter/Exit/NextIteration/LoopCond frames and TensorArrayV3 ops;
- v2_*: tf.functions with tf.while_loop, tf.cond and TensorArrays, frozen with control flow v2
  kept (lower_control_flow=False): While/StatelessWhile and If/StatelessIf on library functions
  (cheap branches and branches big enough to become an OpenVINO If), and TensorList ops;
- fake_quant: FakeQuantWithMinMaxArgs, FakeQuantWithMinMaxVars (narrow range, 5 bits) and
  FakeQuantWithMinMaxVarsPerChannel.
Runs under the venv; seeded, so a recipe always gives the same models.
"""
import os
import sys
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from model_cache import ensure_models  # noqa: E402

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def versions():
    return f"tensorflow-cpu {version('tensorflow-cpu')}, numpy {version('numpy')}"


def v1_while_cond(tf, rng):
    """A while loop whose body holds a cond, a cond outside it, an outer value captured by the
    body (an is_constant Enter) and a loop-carried counter the condition reads."""
    w = tf.constant(rng.standard_normal((4, 4)).astype("float32") * 0.5)
    x = tf.compat.v1.placeholder(tf.float32, [2, 4], name="input")

    def body(i, h):
        h = tf.tanh(tf.matmul(h, w) + x)
        h = tf.cond(tf.reduce_sum(h) > 0.0, lambda: h * 2.0 + 0.5, lambda: h - tf.constant(1.0))
        return i + 1, h

    i, h = tf.compat.v1.while_loop(lambda i, h: i < 5, body, [tf.constant(0), x])
    y = tf.cond(tf.reduce_mean(x) > 0.0, lambda: h + x, lambda: h * x) * tf.cast(i, tf.float32)
    return tf.identity(y, name="output"), x, (2, 4)


def v1_nested_while(tf, rng):
    """A while loop inside a while loop: the inner trip count depends on the outer counter, and
    the inner body reads the outer loop's values."""
    x = tf.compat.v1.placeholder(tf.float32, [3], name="input")
    scale = tf.constant(rng.standard_normal(3).astype("float32"))

    def outer_body(i, acc):
        def inner_body(j, a):
            return j + 1, a * 0.9 + tf.tanh(a + tf.cast(i, tf.float32)) * scale

        j, acc = tf.compat.v1.while_loop(lambda j, a: j < i + 1, inner_body, [tf.constant(0), acc])
        return i + 1, acc + x * tf.cast(j, tf.float32)

    i, acc = tf.compat.v1.while_loop(lambda i, a: tf.logical_and(i < 4, tf.reduce_max(a) < 100.0),
                                     outer_body, [tf.constant(0), x])
    return tf.identity(acc - tf.cast(i, tf.float32), name="output"), x, (3,)


def v1_tensor_array(tf, rng):
    """A loop that reads its input through a TensorArray (unstack) and collects one row per
    iteration in another (stack), as dynamic_rnn-style code does."""
    x = tf.compat.v1.placeholder(tf.float32, [5, 3], name="input")
    w = tf.constant(rng.standard_normal((3, 3)).astype("float32") * 0.5)
    inputs = tf.TensorArray(tf.float32, size=5, element_shape=[3]).unstack(x)
    outputs = tf.TensorArray(tf.float32, size=5, element_shape=[3])

    def body(t, h, out):
        h = tf.tanh(tf.linalg.matvec(w, h) + inputs.read(t))
        return t + 1, h, out.write(t, h * 2.0)

    t, h, out = tf.compat.v1.while_loop(lambda t, h, out: t < 5, body,
                                        [tf.constant(0), tf.zeros([3]), outputs])
    y = out.stack() + h * tf.cast(t, tf.float32)
    return tf.identity(y, name="output"), x, (5, 3)


def v1_cond_heavy(tf, rng):
    """v1 conds with a branch too big to compute when not taken (an OpenVINO If), with two outputs
    and a cheap cond nested in the big branch, inside a while loop and outside it."""
    w = tf.constant(rng.standard_normal((4, 4)).astype("float32") * 0.5)
    x = tf.compat.v1.placeholder(tf.float32, [2, 4], name="input")

    def heavy(h):
        def big():
            g = h
            for _ in range(6):
                g = tf.tanh(tf.matmul(g, w) + 0.1) * 1.5
            g = tf.cond(tf.reduce_max(g) > 0.5, lambda: g * 0.5, lambda: g + 0.25)
            return g, tf.reduce_sum(g, axis=1, keepdims=True)

        return tf.cond(tf.reduce_mean(h) > 0.0, big, lambda: (h * 0.9, tf.reduce_max(h, axis=1, keepdims=True)))

    def body(i, h):
        a, b = heavy(h)
        return i + 1, a - b * 0.1

    i, h = tf.compat.v1.while_loop(lambda i, h: i < 4, body, [tf.constant(0), x])
    a, b = heavy(h - 0.3)
    return tf.identity(a + b + tf.cast(i, tf.float32), name="output"), x, (2, 4)


def v2_while_cond_list(tf, rng):
    """A tf.while_loop whose body holds a tf.cond and writes one value per iteration into a
    TensorArray (a TensorList in the frozen graph), and a tf.cond after it."""
    w = tf.constant(rng.standard_normal((4, 4)).astype("float32") * 0.5)

    def fn(x):  # x: [2, 4]
        def body(i, h, ta):
            h = tf.tanh(tf.matmul(h, w) + x)
            h = tf.cond(tf.reduce_sum(h) > 0.0, lambda: h * 2.0 + 0.5, lambda: h - 1.0)
            return i + 1, h, ta.write(i, h)

        ta = tf.TensorArray(tf.float32, size=5, element_shape=[2, 4])
        i, h, ta = tf.while_loop(lambda i, h, ta: i < 5, body, [tf.constant(0), x, ta])
        y = ta.stack() + h * tf.cast(i, tf.float32)
        return tf.cond(tf.reduce_mean(x) > 0.0, lambda: y + 1.0, lambda: y * x)

    return fn, [2, 4]


def v2_nested_while(tf, rng):
    """A tf.while_loop inside a tf.while_loop, the inner trip count set by the outer counter, and
    an input read through a TensorArray (unstack) in the outer body."""
    scale = tf.constant(rng.standard_normal(3).astype("float32"))

    def fn(x):  # x: [4, 3]
        rows = tf.TensorArray(tf.float32, size=4, element_shape=[3]).unstack(x)

        def outer(i, acc):
            def inner(j, a):
                return j + 1, a * 0.9 + tf.tanh(a + tf.cast(i, tf.float32)) * scale

            j, acc = tf.while_loop(lambda j, a: j < i + 1, inner, [tf.constant(0), acc])
            return i + 1, acc + rows.read(i) * tf.cast(j, tf.float32)

        i, acc = tf.while_loop(lambda i, a: tf.logical_and(i < 4, tf.reduce_max(a) < 100.0), outer,
                               [tf.constant(0), tf.zeros([3])])
        return acc - tf.cast(i, tf.float32)

    return fn, [4, 3]


def v2_if_heavy(tf, rng):
    """tf.conds with a branch too big to compute when not taken (an OpenVINO If), one taken on
    the then side and one on the else side, and a cheap one (a Select)."""
    w = tf.constant(rng.standard_normal((4, 4)).astype("float32") * 0.5)

    def fn(x):  # x: [2, 4]
        def heavy():
            h = x
            for _ in range(6):
                h = tf.tanh(tf.matmul(h, w) + 0.1) * 1.5
            return h

        s = tf.reduce_sum(x)
        a = tf.cond(s > -1e6, heavy, lambda: x * 2.0)
        b = tf.cond(s < -1e6, heavy, lambda: x - 1.0)
        return a + b + tf.cond(s > 0.0, lambda: x, lambda: x * -0.5)

    return fn, [2, 4]


def v2_dynamic_array(tf, rng):
    """A dynamic_size TensorArray that a tf.while_loop grows by one element per iteration."""
    def fn(x):  # x: [3]
        def body(i, h, ta):
            h = tf.tanh(h * 1.1 + 0.2)
            return i + 1, h, ta.write(i, h)

        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, element_shape=[3])
        i, h, ta = tf.while_loop(lambda i, h, ta: i < 4, body, [tf.constant(0), x, ta])
        return ta.stack() + h

    return fn, [3]


def v2_keras_rnn(tf, rng):
    """Keras LSTM (all steps) into a Keras GRU (last step): TensorList-based while loops with the
    weights as loop invariants, as Keras builds them."""
    tf.keras.utils.set_random_seed(int(rng.integers(1 << 30)))
    lstm = tf.keras.layers.LSTM(5, return_sequences=True)
    gru = tf.keras.layers.GRU(4)
    return (lambda x: gru(lstm(x))), [2, 6, 3]


def save_v1(tf, np, name, maker, out_dir: Path):
    graph = tf.Graph()
    with graph.as_default():
        output, x, shape = maker(tf, np.random.default_rng(len(name)))
        feed = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        with tf.compat.v1.Session(graph=graph) as sess:
            y = sess.run(output, {x: feed})
    graph_def = graph.as_graph_def()
    (out_dir / f"{name}.pb").write_bytes(graph_def.SerializeToString())
    np.save(out_dir / f"{name}.input.npy", feed)
    np.save(out_dir / f"{name}.output.npy", np.asarray(y))
    print(f"make_tf_controlflow_models: wrote {name}.pb ({len(graph_def.node)} nodes)", file=sys.stderr)


def fake_quant(tf):
    """The three FakeQuant ops, with ranges that need nudging (0.0 is not on the grid of the given
    range) and one range entirely above zero."""
    def fn(x):  # x: [6, 6, 3]: rank 3, so no layout change puts a Transpose before the FakeQuantizes
        a = tf.quantization.fake_quant_with_min_max_args(x, min=-1.3, max=2.1, num_bits=8)
        b = tf.quantization.fake_quant_with_min_max_vars(x * 0.7, tf.constant(-0.77), tf.constant(1.9),
                                                         num_bits=5, narrow_range=True)
        c = tf.quantization.fake_quant_with_min_max_vars_per_channel(
            x, tf.constant([-2.0, 0.3, -0.45]), tf.constant([1.7, 2.2, 0.61]), num_bits=8)
        d = tf.quantization.fake_quant_with_min_max_args(x, min=0.2, max=1.5, num_bits=4, narrow_range=True)
        # Each through a Tanh before they meet: OpenVINO's CPU plugin runs what follows a
        # FakeQuantize in 8-bit when it can, whose rounding is not TensorFlow's.
        return tf.concat([tf.tanh(a), tf.tanh(b), tf.tanh(c), tf.tanh(d)], axis=-1)

    return fn, [6, 6, 3]


def save_function(tf, np, name, fn, shape, out_dir: Path):
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    concrete = tf.function(fn).get_concrete_function(tf.TensorSpec(shape, tf.float32, name="input"))
    graph_def = convert_variables_to_constants_v2(concrete, lower_control_flow=False).graph.as_graph_def()
    (out_dir / f"{name}.pb").write_bytes(graph_def.SerializeToString())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    np.save(out_dir / f"{name}.input.npy", x)
    np.save(out_dir / f"{name}.output.npy", np.asarray(tf.function(fn)(tf.constant(x))))
    print(f"make_tf_controlflow_models: wrote {name}.pb ({len(graph_def.node)} nodes)", file=sys.stderr)


def build(out_dir: Path):
    import numpy as np
    import tensorflow as tf

    fn, shape = fake_quant(tf)
    save_function(tf, np, "fake_quant", fn, shape, out_dir)
    for name, maker in [("v2_while_cond_list", v2_while_cond_list), ("v2_nested_while", v2_nested_while),
                       ("v2_if_heavy", v2_if_heavy), ("v2_keras_rnn", v2_keras_rnn),
                       ("v2_dynamic_array", v2_dynamic_array)]:
        fn, shape = maker(tf, np.random.default_rng(len(name)))
        save_function(tf, np, name, fn, shape, out_dir)
    tf.compat.v1.disable_control_flow_v2()
    for name, maker in [("v1_while_cond", v1_while_cond), ("v1_nested_while", v1_nested_while),
                        ("v1_tensor_array", v1_tensor_array), ("v1_cond_heavy", v1_cond_heavy)]:
        save_v1(tf, np, name, maker, out_dir)
    tf.compat.v1.enable_control_flow_v2()


if __name__ == "__main__":
    print(ensure_models(Path(__file__), versions(), build))
