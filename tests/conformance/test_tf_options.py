#!/usr/bin/env python3
"""The command-line options on TensorFlow graphs, checked by the numbers: --input, --input_shape,
-b/--batch and --output on graphs whose Placeholders have unknown dimensions, Placeholders with
defaults, the message when a shape must be given, --tensorboard_logdir (read back by TensorFlow)
and --tensorflow_custom_layer_libraries. Each case builds a small frozen graph with TensorFlow,
converts it, runs the IR on OpenVINO's CPU plugin and compares with TensorFlow running the same
graph. Runs in the venv; shares test_options.py's runner.

  test_tf_options.py [REMO_BINARY]      (default: build/remo)

Prints one line per case and ends with "N passed, M failed"; exits non-zero on failure.
"""
import os
import sys
from pathlib import Path

import numpy as np

import test_options as opts
from test_options import check, close, convert, ir_inputs, rejected, run_ir

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
CASES = []
RNG = np.random.default_rng(5)


def case(fn):
    CASES.append(fn)
    return fn


def tf():
    import tensorflow

    return tensorflow


def graph_file(path: Path, build) -> Path:
    """Builds a TF1 graph with build(tf) and saves its GraphDef (constants only: frozen)."""
    t = tf()
    g = t.Graph()
    with g.as_default():
        build(t)
    path.write_bytes(g.as_graph_def().SerializeToString())
    return path


def tf_run(pb: Path, feeds: dict, fetches: list) -> list:
    """TensorFlow's own answer: the frozen graph imported and run with `feeds` {tensor: array}."""
    t = tf()
    g = t.Graph()
    gd = t.compat.v1.GraphDef()
    gd.ParseFromString(pb.read_bytes())
    with g.as_default():
        t.compat.v1.import_graph_def(gd, name="")
    with t.compat.v1.Session(graph=g) as s:
        return s.run(fetches, feed_dict=feeds)


def conv_graph(path: Path, shape=(None, None, None, 3)) -> Path:
    """x (Placeholder, NHWC with unknown dims) -> Conv2D 3x3 -> BiasAdd -> Relu -> Mean over H, W."""
    w = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)

    def build(t):
        x = t.compat.v1.placeholder(t.float32, shape, name="x")
        y = t.nn.conv2d(x, t.constant(w), strides=1, padding="SAME", name="conv")
        y = t.nn.relu(t.nn.bias_add(y, t.constant(b)), name="relu")
        t.reduce_mean(y, axis=[1, 2], name="pool")

    return graph_file(path, build)


def nchw(x):
    return x.transpose(0, 3, 1, 2)


@case
def input_shape_fixes_unknown_dimensions(tmp: Path):
    pb = conv_graph(tmp / "conv.pb")
    x = RNG.standard_normal((2, 6, 5, 3)).astype(np.float32)
    want = tf_run(pb, {"x:0": x}, ["pool:0"])[0]
    xml = convert(pb, tmp / "a", "--input_shape", "[2,6,5,3]")
    check(ir_inputs(xml)["x"][0] == "[2,3,6,5]", f"input is {ir_inputs(xml)['x']}, expected NCHW [2,3,6,5]")
    close(run_ir(xml, [nchw(x)])[0], want)
    # Without a shape, the unknown dimensions stay dynamic and any size runs.
    xml = convert(pb, tmp / "b")
    check(ir_inputs(xml)["x"][0] == "[?,3,?,?]", f"input is {ir_inputs(xml)['x']}, expected [?,3,?,?]")
    close(run_ir(xml, [nchw(x)])[0], want)


@case
def input_with_a_shape_and_minus_one(tmp: Path):
    pb = conv_graph(tmp / "conv.pb")
    x = RNG.standard_normal((1, 7, 7, 3)).astype(np.float32)
    want = tf_run(pb, {"x:0": x}, ["pool:0"])[0]
    xml = convert(pb, tmp / "a", "--input", "x[-1,7,7,3]", "--disable_nhwc_to_nchw")
    check(ir_inputs(xml)["x"][0] == "[?,7,7,3]", f"input is {ir_inputs(xml)['x']}, expected [?,7,7,3]")
    close(run_ir(xml, [x])[0], want)
    # The tensor name "x:0" names the same Placeholder.
    xml = convert(pb, tmp / "b", "--input", "x:0[1,7,7,3]", "--disable_nhwc_to_nchw")
    check(ir_inputs(xml)["x"][0] == "[1,7,7,3]", f"x:0: input is {ir_inputs(xml)['x']}")


@case
def batch_sets_the_unknown_batch(tmp: Path):
    pb = conv_graph(tmp / "conv.pb", shape=(None, 8, 8, 3))
    x = RNG.standard_normal((3, 8, 8, 3)).astype(np.float32)
    want = tf_run(pb, {"x:0": x}, ["pool:0"])[0]
    for flag in ("-b", "--batch"):
        xml = convert(pb, tmp / flag.strip("-"), flag, "3")
        check(ir_inputs(xml)["x"][0] == "[3,3,8,8]", f"{flag} 3: input is {ir_inputs(xml)['x']}")
        close(run_ir(xml, [nchw(x)])[0], want)


@case
def output_cuts_at_a_node_or_a_port(tmp: Path):
    pb = conv_graph(tmp / "conv.pb", shape=(1, 6, 6, 3))
    x = RNG.standard_normal((1, 6, 6, 3)).astype(np.float32)
    want = tf_run(pb, {"x:0": x}, ["relu:0"])[0]
    for spec in ("relu", "relu:0", "0:pool"):
        xml = convert(pb, tmp / spec.replace(":", "_"), "--output", spec, "--disable_nhwc_to_nchw")
        got = run_ir(xml, [x])
        check(len(got) == 1, f"--output {spec}: {len(got)} outputs")
        close(got[0], want, what=f"--output {spec}")


@case
def input_at_an_inner_tensor_cuts_the_model(tmp: Path):
    pb = conv_graph(tmp / "conv.pb", shape=(1, 6, 6, 3))
    x = RNG.standard_normal((1, 6, 6, 3)).astype(np.float32)
    relu = tf_run(pb, {"x:0": x}, ["relu:0"])[0]
    want = relu.mean(axis=(1, 2))
    # "relu" (a node), "relu:0" (its output port 0) and "0:pool" (pool's input port 0) name the
    # same tensor; the new input keeps the tensor's NHWC shape [1,6,6,4].
    for spec in ("relu", "relu:0", "0:pool"):
        xml = convert(pb, tmp / spec.replace(":", "_"), "--input", spec, "--disable_nhwc_to_nchw")
        shapes = [s for s, _ in ir_inputs(xml).values()]
        check(shapes == ["[1,6,6,4]"], f"--input {spec}: inputs {ir_inputs(xml)}")
        close(run_ir(xml, [relu])[0], want, what=f"--input {spec}")
    # With a shape, in --input or --input_shape; the cut tensor is NHWC whatever the layout mode.
    for args in (["--input", "0:pool[1,6,6,4]"], ["--input", "relu:0", "--input_shape", "[1,6,6,4]"],
                 ["--input", "relu[1,6,6,4]", "--disable_nhwc_to_nchw"]):
        xml = convert(pb, tmp / f"shaped{len(args)}{args[1][0]}", *args)
        shapes = [s for s, _ in ir_inputs(xml).values()]
        check(shapes == ["[1,6,6,4]"], f"{' '.join(args)}: inputs {ir_inputs(xml)}")
        close(run_ir(xml, [relu])[0], want, what=" ".join(args))


def defaulted_graph(path: Path) -> Path:
    """y = x * scale, where scale is a PlaceholderWithDefault (default 2.0 per channel)."""
    def build(t):
        x = t.compat.v1.placeholder(t.float32, (1, 5), name="x")
        scale = t.compat.v1.placeholder_with_default(t.constant([2.0, 2.0, 2.0, 2.0, 2.0]), (5,), name="scale")
        t.multiply(x, scale, name="y")

    return graph_file(path, build)


@case
def placeholder_with_default_takes_its_default(tmp: Path):
    pb = defaulted_graph(tmp / "d.pb")
    x = RNG.standard_normal((1, 5)).astype(np.float32)
    xml = convert(pb, tmp / "a")
    check(list(ir_inputs(xml)) == ["x"], f"inputs {list(ir_inputs(xml))}, expected only x")
    close(run_ir(xml, [x])[0], tf_run(pb, {"x:0": x}, ["y:0"])[0])


@case
def placeholder_with_default_named_in_input_becomes_an_input(tmp: Path):
    pb = defaulted_graph(tmp / "d.pb")
    x = RNG.standard_normal((1, 5)).astype(np.float32)
    s = RNG.standard_normal(5).astype(np.float32)
    want = tf_run(pb, {"x:0": x, "scale:0": s}, ["y:0"])[0]
    xml = convert(pb, tmp / "a", "--input", "x,scale")
    inputs = ir_inputs(xml)
    check(inputs.get("scale") == ("[5]", "f32"), f"inputs {inputs}, expected scale [5] f32")
    close(run_ir(xml, {"x": x, "scale": s})[0], want)


@case
def an_integer_placeholder_with_default_keeps_its_dtype_when_fed(tmp: Path):
    def build(t):
        x = t.compat.v1.placeholder(t.float32, (2, 3), name="x")
        k = t.compat.v1.placeholder_with_default(t.constant([3, 1, 2], t.int32), (None,), name="k")
        t.multiply(x, t.cast(k, t.float32), name="y")

    pb = graph_file(tmp / "k.pb", build)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    k = np.array([5, -2, 7], np.int32)
    want = tf_run(pb, {"x:0": x, "k:0": k}, ["y:0"])[0]
    for spec, shape in (("x,k", "[?]"), ("x,k:0[3]", "[3]")):
        xml = convert(pb, tmp / spec.replace(":", "_").replace(",", "_"), "--input", spec)
        check(ir_inputs(xml).get("k") == (shape, "i32"), f"--input {spec}: inputs {ir_inputs(xml)}")
        close(run_ir(xml, {"x": x, "k": k})[0], want, what=f"--input {spec}")
    # Not named: the default [3, 1, 2] is used and k is no input.
    xml = convert(pb, tmp / "default")
    check(list(ir_inputs(xml)) == ["x"], f"inputs {list(ir_inputs(xml))}")
    close(run_ir(xml, [x])[0], x * np.array([3, 1, 2], np.float32))


@case
def a_shape_that_must_be_given_names_the_placeholder(tmp: Path):
    # No shape attribute at all: the rank is unknown and Conv2D needs it.
    w = RNG.standard_normal((1, 1, 3, 2)).astype(np.float32)

    def build(t):
        x = t.compat.v1.placeholder(t.float32, None, name="images")
        t.nn.conv2d(x, t.constant(w), strides=1, padding="VALID", name="conv")

    pb = graph_file(tmp / "norank.pb", build)
    rejected(pb, tmp / "bad", mentions=("images", "--input_shape"))
    check(not list((tmp / "bad").glob("*.xml")) if (tmp / "bad").exists() else True, "an IR was written")
    x = RNG.standard_normal((1, 4, 4, 3)).astype(np.float32)
    xml = convert(pb, tmp / "ok", "--input_shape", "[1,4,4,3]")
    # Outputs keep TensorFlow's layout (NHWC) while the input turns NCHW.
    close(run_ir(xml, [nchw(x)])[0], tf_run(pb, {"images:0": x}, ["conv:0"])[0])


@case
def tensorboard_logdir_writes_an_event_file_tensorflow_reads(tmp: Path):
    pb = conv_graph(tmp / "conv.pb", shape=(1, 6, 6, 3))
    convert(pb, tmp / "a", "--tensorboard_logdir", tmp / "logs")
    files = list((tmp / "logs").glob("events.out.tfevents.*"))
    check(len(files) == 1, f"event files: {[f.name for f in files]}")
    t = tf()
    events = list(t.compat.v1.train.summary_iterator(str(files[0])))
    check(len(events) == 2, f"{len(events)} events, expected 2")
    check(events[0].file_version == "brain.Event:2", f"first event: {events[0]}")
    graph = t.compat.v1.GraphDef()
    graph.ParseFromString(events[1].graph_def)
    original = t.compat.v1.GraphDef()
    original.ParseFromString(pb.read_bytes())
    check(graph == original, "the event's graph_def is not the model's GraphDef")
    check(events[1].wall_time > 1.6e9, f"wall_time {events[1].wall_time}")


@case
def custom_layer_libraries_are_answered_with_advice(tmp: Path):
    pb = conv_graph(tmp / "conv.pb", shape=(1, 6, 6, 3))
    proc = opts.remo("--input_model", pb, "--output_dir", tmp / "a", "--tensorflow_custom_layer_libraries",
                     "libmy_ops.so")
    check(proc.returncode == 0, f"exit {proc.returncode}: {opts.first_line(proc.stderr)}")
    for word in ("libmy_ops.so", "Lua", "--extensions", "docs/tensorflow.md"):
        check(word in proc.stderr, f"the warning does not say '{word}': {opts.first_line(proc.stderr)}")


@case
def custom_op_converts_with_a_lua_rule(tmp: Path):
    # A graph that uses ScaledTanh, an op of a custom library TensorFlow does not have here: the
    # GraphDef is written field by field. docs/examples/tf_custom_ops.lua translates it.
    t = tf()
    g = t.compat.v1.GraphDef()
    x = g.node.add(name="x", op="Placeholder")
    x.attr["dtype"].type = t.float32.as_datatype_enum
    x.attr["shape"].shape.dim.add(size=2)
    x.attr["shape"].shape.dim.add(size=3)
    y = g.node.add(name="y", op="ScaledTanh", input=["x"])
    y.attr["T"].type = t.float32.as_datatype_enum
    y.attr["alpha"].f = 1.5
    y.attr["beta"].f = 0.5
    pb = tmp / "custom.pb"
    pb.write_bytes(g.SerializeToString())
    rejected(pb, tmp / "bad", mentions=("tf.ScaledTanh", "--extensions"))
    xml = convert(pb, tmp / "a", "--extensions", opts.REPO / "docs" / "examples")
    v = RNG.standard_normal((2, 3)).astype(np.float32)
    close(run_ir(xml, [v])[0], 1.5 * np.tanh(0.5 * v))


if __name__ == "__main__":
    opts.REMO = Path(sys.argv[1] if len(sys.argv) > 1 else opts.REPO / "build/remo").resolve()
    sys.exit(opts.main(CASES))
