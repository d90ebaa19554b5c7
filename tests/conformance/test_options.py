#!/usr/bin/env python3
"""mo's command-line options, checked by the numbers: each case converts a small ONNX model with
an option, runs the IR on OpenVINO's CPU plugin and compares with onnxruntime or numpy doing the
same thing by hand. Runs in the venv.

  test_options.py [REMO_BINARY]      (default: build/remo)

Prints one line per case and ends with "N passed, M failed"; exits non-zero on failure.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import openvino as ov
from onnx import TensorProto, helper, numpy_helper

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_S = 300
F32_TOL = 1e-4  # the conformance suite's f32 tolerance, relative to max(1, max|ref|)
F16_TOL = 2e-3  # only for IRs whose weights are f16 on purpose
CASES = []
RNG = np.random.default_rng(11)


def case(fn):
    CASES.append(fn)
    return fn


def check(cond: bool, msg: str):
    if not cond:
        raise AssertionError(msg)


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "(empty)")


def remo(*args) -> subprocess.CompletedProcess:
    return subprocess.run([str(REMO), *map(str, args)], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, errors="replace", timeout=TIMEOUT_S)


def convert(model: Path, out: Path, *extra, fp16=False) -> Path:
    """Converts (f32 weights unless fp16) and returns the .xml; a failed conversion fails the case."""
    args = ["--input_model", model, "--output_dir", out, *extra]
    if not fp16 and not any(str(a).startswith("--compress_to_fp16") for a in extra):
        args.append("--compress_to_fp16=False")
    proc = remo(*args)
    check(proc.returncode == 0, f"exit {proc.returncode}: {first_line(proc.stderr)}")
    xml = out / f"{model.stem}.xml"
    check(xml.is_file(), f"no {xml.name}")
    return xml


def rejected(model: Path, out: Path, *extra, mentions=()):
    proc = remo("--input_model", model, "--output_dir", out, *extra)
    check(proc.returncode != 0, f"{' '.join(map(str, extra))} was accepted")
    for word in mentions:
        check(word in proc.stderr, f"the error does not say '{word}': {first_line(proc.stderr)}")


def run_ir(xml: Path, feeds: dict) -> list:
    compiled = ov.Core().compile_model(str(xml), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    res = compiled(feeds)
    return [res[o] for o in compiled.outputs]


def run_ort(model: Path, feeds: dict) -> list:
    return ort.InferenceSession(str(model), providers=["CPUExecutionProvider"]).run(None, feeds)


def close(got, want, tol=F32_TOL, what="output"):
    got, want = np.asarray(got), np.asarray(want)
    check(got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}")
    err = float(np.max(np.abs(got.astype(np.float64) - want))) if want.size else 0.0
    bound = tol * max(1.0, float(np.max(np.abs(want))) if want.size else 1.0)
    check(err <= bound, f"{what}: max abs err {err:.3g} > {bound:.3g}")


def ir_inputs(xml: Path) -> dict:
    m = ov.Core().read_model(str(xml))
    return {i.get_any_name(): (str(i.get_partial_shape()), i.get_element_type().get_type_name()) for i in m.inputs}


def save(path: Path, nodes, inputs, outputs, inits=(), opset=13) -> Path:
    graph = helper.make_graph(nodes, path.stem, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def f32(name, shape):
    """shape: a list of dims (ints or symbolic names), or a rank when inference decides the dims."""
    if isinstance(shape, int):
        shape = [None] * shape
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def conv_model(path: Path, shape=(1, 3, 8, 8), layout="nchw") -> Path:
    """data -> Conv(3->4, 3x3) -> Relu, weights random; NHWC models transpose around the conv."""
    rng = np.random.default_rng(5)  # the same weights every time: a case may compare two models
    w = numpy_helper.from_array(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.standard_normal(4).astype(np.float32), "b")
    nodes = []
    src = "data"
    if layout == "nhwc":
        nodes.append(helper.make_node("Transpose", ["data"], ["nchw"], perm=[0, 3, 1, 2], name="to_nchw"))
        src = "nchw"
    nodes += [helper.make_node("Conv", [src, "w", "b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
              helper.make_node("Relu", ["c"], ["y"], name="relu")]
    return save(path, nodes, [f32("data", list(shape))], [f32("y", 4)], [w, b])


def chain_model(path: Path) -> Path:
    """x -> Relu (r) -> Mul by 2 (m) -> Add 1 (y)."""
    two = numpy_helper.from_array(np.array(2, np.float32), "two")
    one = numpy_helper.from_array(np.array(1, np.float32), "one")
    nodes = [helper.make_node("Relu", ["x"], ["r"], name="relu"),
             helper.make_node("Mul", ["r", "two"], ["m"], name="mul"),
             helper.make_node("Add", ["m", "one"], ["y"], name="add")]
    return save(path, nodes, [f32("x", [2, 5])], [f32("y", [2, 5])], [two, one])


# --- --input, --input_shape, --batch ---------------------------------------------------------
@case
def input_shape_makes_a_dynamic_input_static(tmp: Path):
    model = conv_model(tmp / "dyn.onnx", shape=["n", 3, "h", "w"])
    xml = convert(model, tmp, "--input_shape", "[2,3,6,5]")
    check(ir_inputs(xml)["data"][0] == "[2,3,6,5]", f"IR input {ir_inputs(xml)}")
    x = RNG.standard_normal((2, 3, 6, 5)).astype(np.float32)
    close(run_ir(xml, {"data": x})[0], run_ort(model, {"data": x})[0])


@case
def input_with_shape_in_brackets(tmp: Path):
    model = conv_model(tmp / "dyn.onnx", shape=["n", 3, "h", "w"])
    xml = convert(model, tmp, "--input", "data[1 3 4 4]")
    check(ir_inputs(xml)["data"][0] == "[1,3,4,4]", f"IR input {ir_inputs(xml)}")
    x = RNG.standard_normal((1, 3, 4, 4)).astype(np.float32)
    close(run_ir(xml, {"data": x})[0], run_ort(model, {"data": x})[0])


@case
def batch_sets_dimension_zero(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    xml = convert(model, tmp, "-b", "3")
    check(ir_inputs(xml)["data"][0] == "[3,3,8,8]", f"IR input {ir_inputs(xml)}")
    x = RNG.standard_normal((3, 3, 8, 8)).astype(np.float32)
    dyn = conv_model(tmp / "ref.onnx", shape=["n", 3, 8, 8])
    close(run_ir(xml, {"data": x})[0], run_ort(dyn, {"data": x})[0])
    # With a layout, the batch is its N axis.
    chain = chain_model(tmp / "chain.onnx")
    xml = convert(chain, tmp / "cn", "--layout", "x(cn)", "-b", "4")
    check(ir_inputs(xml)["x"][0] == "[2,4]", f"-b with layout cn: IR input {ir_inputs(xml)}")
    z = RNG.standard_normal((2, 4)).astype(np.float32)
    close(run_ir(xml, {"x": z})[0], np.maximum(z, 0) * 2 + 1)


@case
def input_type_changes_the_input_element_type(tmp: Path):
    table = numpy_helper.from_array(RNG.standard_normal((10, 4)).astype(np.float32), "table")
    model = save(tmp / "gather.onnx", [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0, name="g")],
                 [helper.make_tensor_value_info("ids", TensorProto.INT64, [3])], [f32("y", [3, 4])], [table])
    xml = convert(model, tmp, "--input", "ids{i32}")
    check(ir_inputs(xml)["ids"][1] == "i32", f"IR input {ir_inputs(xml)}")
    ids = np.array([7, 0, 3], np.int32)
    close(run_ir(xml, {"ids": ids})[0], run_ort(model, {"ids": ids.astype(np.int64)})[0])


@case
def frozen_inputs_become_constants(tmp: Path):
    model = save(tmp / "add3.onnx", [helper.make_node("Add", ["x", "y"], ["s"], name="add"),
                                     helper.make_node("Mul", ["s", "z"], ["p"], name="mul")],
                 [f32("x", [3]), f32("y", [3]), f32("z", [2, 1])], [f32("p", [2, 3])])
    xml = convert(model, tmp, "--input", "x,y->[1 2 3],z[2 1]->[2,-1]")
    check(list(ir_inputs(xml)) == ["x"], f"IR inputs {ir_inputs(xml)}, expected only x")
    x = RNG.standard_normal(3).astype(np.float32)
    want = (x + np.array([1, 2, 3], np.float32)) * np.array([[2], [-1]], np.float32)
    close(run_ir(xml, {"x": x})[0], want)


@case
def several_inputs_with_shapes(tmp: Path):
    model = save(tmp / "two.onnx", [helper.make_node("Add", ["a", "b"], ["y"], name="add")],
                 [f32("a", ["n", 4]), f32("b", ["n", 4])], [f32("y", 2)])
    xml = convert(model, tmp, "--input", "a[2,4],b[2,4]")
    check(ir_inputs(xml) == {"a": ("[2,4]", "f32"), "b": ("[2,4]", "f32")}, f"IR inputs {ir_inputs(xml)}")
    a, b = (RNG.standard_normal((2, 4)).astype(np.float32) for _ in range(2))
    close(run_ir(xml, {"a": a, "b": b})[0], a + b)
    # A node with two non-constant inputs needs a port to be cut at.
    rejected(model, tmp / "bad", "--input", "add", mentions=("--input", "PORT:add"))
    xml = convert(model, tmp / "port", "--input", "1:add[2,4],a[2,4]")
    check(sorted(ir_inputs(xml)) == ["a", "add/placeholder_port_1"], f"IR inputs {ir_inputs(xml)}")
    close(run_ir(xml, {"a": a, "add/placeholder_port_1": b})[0], a + b)


@case
def input_at_an_inner_tensor_cuts_the_model(tmp: Path):
    model = chain_model(tmp / "chain.onnx")
    z = RNG.standard_normal((2, 5)).astype(np.float32)  # negative values show Relu is cut away
    for spelling in ("r", "relu:0", "0:mul", "mul"):
        out = tmp / spelling.replace(":", "_")
        xml = convert(model, out, "--input", spelling)
        names = list(ir_inputs(xml))
        check(len(names) == 1 and "x" not in names, f"--input {spelling}: IR inputs {names}")
        close(run_ir(xml, {names[0]: z})[0], z * 2 + 1, what=f"--input {spelling}")


@case
def output_cuts_the_model(tmp: Path):
    model = chain_model(tmp / "chain.onnx")
    x = RNG.standard_normal((2, 5)).astype(np.float32)
    for spelling, want in (("r", np.maximum(x, 0)), ("mul:0", np.maximum(x, 0) * 2), ("1:add", None),
                           ("m,r", np.maximum(x, 0) * 2)):
        out = tmp / spelling.replace(":", "_").replace(",", "_")
        xml = convert(model, out, "--output", spelling)
        got = run_ir(xml, {"x": x})
        if want is None:  # input port 1 of add is the constant 1
            close(got[0], np.float32(1), what=f"--output {spelling}")
            continue
        check(len(got) == len(spelling.split(",")), f"--output {spelling}: {len(got)} outputs")
        close(got[0], want, what=f"--output {spelling}")


@case
def input_and_output_together_keep_a_middle_piece(tmp: Path):
    model = chain_model(tmp / "chain.onnx")
    xml = convert(model, tmp, "--input", "r", "--output", "m")
    z = RNG.standard_normal((2, 5)).astype(np.float32)
    close(run_ir(xml, {"r": z})[0], z * 2)


@case
def a_tensor_name_with_a_colon_is_a_name_not_a_port(tmp: Path):
    nodes = [helper.make_node("Relu", ["x"], ["r:0"], name="relu"),
             helper.make_node("Neg", ["r:0"], ["y"], name="neg")]
    model = save(tmp / "colon.onnx", nodes, [f32("x", [4])], [f32("y", [4])])
    x = RNG.standard_normal(4).astype(np.float32)
    close(run_ir(convert(model, tmp / "out", "--output", "r:0"), {"x": x})[0], np.maximum(x, 0))
    close(run_ir(convert(model, tmp / "in", "--input", "r:0"), {"r:0": x})[0], -x)


@case
def bad_input_and_output_names_are_errors(tmp: Path):
    model = chain_model(tmp / "chain.onnx")
    rejected(model, tmp / "o1", "--input", "nosuch", mentions=("--input", "nosuch"))
    rejected(model, tmp / "o2", "--output", "relu:3", mentions=("--output", "output port 3"))
    rejected(model, tmp / "o3", "--input", "5:mul", mentions=("--input", "input port 5"))
    rejected(model, tmp / "o4", "--input", "x", "--input_shape", "[1],[2]", mentions=("--input", "2 shapes"))


# --- --static_shape --------------------------------------------------------------------------
@case
def static_shape_folds_shape_subgraphs(tmp: Path):
    # x + ConstantOfShape(Shape(x), 1): a shape sub-graph no rule can turn constant while the
    # batch is dynamic, so it shows what --static_shape folds.
    one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    nodes = [helper.make_node("Shape", ["x"], ["s"], name="shape"),
             helper.make_node("ConstantOfShape", ["s"], ["ones"], value=one, name="ones"),
             helper.make_node("Add", ["x", "ones"], ["y"], name="add")]
    model = save(tmp / "ones.onnx", nodes, [f32("x", ["n", 3, 4])], [f32("y", ["n", 3, 4])], [])
    keep = convert(model, tmp / "keep")
    check('type="ShapeOf"' in keep.read_text(), "without --static_shape the ShapeOf should stay")
    xml = convert(model, tmp / "static", "--input_shape", "[2,3,4]", "--static_shape")
    check('type="ShapeOf"' not in xml.read_text(), "--static_shape left a ShapeOf")
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    close(run_ir(xml, {"x": x})[0], x + 1)
    close(run_ir(keep, {"x": x})[0], x + 1)


# --- layouts ---------------------------------------------------------------------------------
@case
def layout_is_recorded_in_the_ir(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    xml = convert(model, tmp, "--layout", "data(nchw)")
    check('<attribute name="layout" version="0" layout="[N,C,H,W]"' in xml.read_text(), "no layout rt_info")
    m = ov.Core().read_model(str(xml))
    check(str(ov.layout_helpers.get_layout(m.input(0))) == "[N,C,H,W]",
          f"OpenVINO reads layout {ov.layout_helpers.get_layout(m.input(0))}")
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    close(run_ir(xml, {"data": x})[0], run_ort(model, {"data": x})[0])


@case
def layout_of_an_output_is_recorded_where_openvino_reads_it(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    xml = convert(model, tmp, "--layout", "data(nchw),y(nchw)")
    m = ov.Core().read_model(str(xml))
    check(str(ov.layout_helpers.get_layout(m.output(0))) == "[N,C,H,W]",
          f"OpenVINO reads output layout {ov.layout_helpers.get_layout(m.output(0))}")
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    close(run_ir(xml, {"data": x})[0], run_ort(model, {"data": x})[0])
    rejected(model, tmp / "bad", "--layout", "y(nchw->nhwc)", mentions=("--layout", "output 'y'"))


@case
def target_layout_inserts_a_transpose(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    want = run_ort(model, {"data": x})[0]
    for n, args in enumerate((["--source_layout", "data(nchw)", "--target_layout", "data(nhwc)"],
                              ["--layout", "nchw->nhwc"], ["--layout", "data([n,c,h,w]->[n,h,w,c])"])):
        xml = convert(model, tmp / str(n), *args)
        check(ir_inputs(xml)["data"][0] == "[1,8,8,3]", f"{args}: IR input {ir_inputs(xml)}")
        check('layout="[N,H,W,C]"' in xml.read_text(), f"{args}: the input's layout is not [N,H,W,C]")
        close(run_ir(xml, {"data": x.transpose(0, 2, 3, 1)})[0], want, what=" ".join(args))


# --- mean, scale, reverse channels -----------------------------------------------------------
MEAN = np.array([123.7, 116.3, 103.5], np.float32)
SCALE = np.array([58.4, 57.1, 57.4], np.float32)


def preprocess_case(tmp: Path, x, model, want_input, *args):
    xml = convert(model, tmp, *args)
    close(run_ir(xml, {"data": x})[0], run_ort(model, {"data": want_input.astype(np.float32)})[0],
          what=" ".join(args))


@case
def mean_and_scale_values_per_channel(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    x = RNG.uniform(0, 255, (1, 3, 8, 8)).astype(np.float32)
    m, s = MEAN.reshape(1, 3, 1, 1), SCALE.reshape(1, 3, 1, 1)
    preprocess_case(tmp / "a", x, model, (x - m) / s, "--mean_values", "data[123.7,116.3,103.5]",
                    "--scale_values", "data[58.4,57.1,57.4]")
    preprocess_case(tmp / "b", x, model, x - m, "--mean_values", "[123.7 116.3 103.5]")
    preprocess_case(tmp / "c", x, model, x / 255, "--scale", "255")
    preprocess_case(tmp / "d", x, model, (x - 10) / 2, "--mean_values", "data[10]", "--scale_values", "data[2]")


@case
def reverse_channels_comes_before_mean_and_scale(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    x = RNG.uniform(0, 255, (1, 3, 8, 8)).astype(np.float32)
    m, s = MEAN.reshape(1, 3, 1, 1), SCALE.reshape(1, 3, 1, 1)
    preprocess_case(tmp / "a", x, model, x[:, ::-1], "--reverse_input_channels")
    preprocess_case(tmp / "b", x, model, (x[:, ::-1] - m) / s, "--reverse_input_channels",
                    "--mean_values", "data[123.7,116.3,103.5]", "--scale_values", "data[58.4,57.1,57.4]")


@case
def channels_found_from_the_layout_or_the_shape(tmp: Path):
    model = conv_model(tmp / "nhwc.onnx", shape=(1, 8, 8, 3), layout="nhwc")
    x = RNG.uniform(0, 255, (1, 8, 8, 3)).astype(np.float32)
    # NHWC guessed from the shape: the last dimension is the one of size 3.
    preprocess_case(tmp / "a", x, model, (x[..., ::-1] - MEAN) / SCALE, "--reverse_input_channels",
                    "--mean_values", "data[123.7,116.3,103.5]", "--scale_values", "data[58.4,57.1,57.4]")
    # An input whose dimensions 1 and 3 are both 3: only its layout tells which is C.
    sq = conv_model(tmp / "sq.onnx", shape=(1, 3, 3, 3), layout="nhwc")
    y = RNG.uniform(0, 255, (1, 3, 3, 3)).astype(np.float32)
    preprocess_case(tmp / "b", y, sq, y[..., ::-1] - MEAN, "--layout", "data(nhwc)", "--reverse_input_channels",
                    "--mean_values", "data[123.7,116.3,103.5]")


@case
def preprocessing_with_a_target_layout(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    x = RNG.uniform(0, 255, (1, 8, 8, 3)).astype(np.float32)  # fed NHWC
    ref = (x[..., ::-1] - MEAN) / SCALE
    xml = convert(model, tmp, "--layout", "data(nchw->nhwc)", "--reverse_input_channels",
                  "--mean_values", "data[123.7,116.3,103.5]", "--scale_values", "data[58.4,57.1,57.4]")
    close(run_ir(xml, {"data": x})[0], run_ort(model, {"data": ref.transpose(0, 3, 1, 2).astype(np.float32)})[0])


@case
def mean_values_go_to_the_named_input_only(tmp: Path):
    model = save(tmp / "two.onnx", [helper.make_node("Sub", ["a", "b"], ["y"], name="sub")],
                 [f32("a", [1, 3, 2, 2]), f32("b", [1, 3, 2, 2])], [f32("y", [1, 3, 2, 2])])
    a, b = (RNG.uniform(0, 9, (1, 3, 2, 2)).astype(np.float32) for _ in range(2))
    xml = convert(model, tmp / "named", "--mean_values", "b[1,2,3]")
    close(run_ir(xml, {"a": a, "b": b})[0], a - (b - np.array([1, 2, 3], np.float32).reshape(1, 3, 1, 1)))
    # Unnamed groups go to the --input inputs in order.
    xml = convert(model, tmp / "ordered", "--input", "b,a", "--scale_values", "[2],[4]")
    close(run_ir(xml, {"a": a, "b": b})[0], a / 4 - b / 2)
    rejected(model, tmp / "bad", "--mean_values", "[1,2,3]", mentions=("--mean_values", "unnamed"))
    rejected(model, tmp / "bad2", "--mean_values", "a[1,2,3,4]", mentions=("--mean_values", "4 values"))


# --- fp16 compression ------------------------------------------------------------------------
@case
def weights_are_compressed_to_fp16_by_default(tmp: Path):
    model = conv_model(tmp / "m.onnx")
    xml = convert(model, tmp / "fp16", fp16=True)
    text = xml.read_text()
    check('element_type="f16"' in text, "no f16 Const in the default IR")
    check(re.search(r'type="Convert" version="opset1">\s*<data destination_type="f32"\s*/>\s*<rt_info>\s*'
                    r'(<attribute name="fused_names"[^>]*/>\s*)?<attribute name="decompression" version="0"\s*/>',
                    text), "no Convert with the decompression rt_info")
    f32_xml = convert(model, tmp / "f32", "--compress_to_fp16=False")
    check('element_type="f16"' not in f32_xml.read_text(), "--compress_to_fp16=False still wrote f16")
    check(xml.with_suffix(".bin").stat().st_size < f32_xml.with_suffix(".bin").stat().st_size * 0.6,
          "the f16 .bin is not about half the f32 one")
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    want = run_ort(model, {"data": x})[0]
    close(run_ir(f32_xml, {"data": x})[0], want)  # strict at f32
    close(run_ir(xml, {"data": x})[0], want, tol=F16_TOL, what="f16 weights")


@case
def weights_f16_cannot_hold_stay_f32_with_a_warning(tmp: Path):
    big = numpy_helper.from_array(np.array([1e5, -3.0, 2.5], np.float32), "big")
    tiny = numpy_helper.from_array(np.full(3, 1e-7, np.float32), "tiny")
    ok = numpy_helper.from_array(np.array([0.5, 1.5, -2.25], np.float32), "ok")
    nodes = [helper.make_node("Mul", ["x", "big"], ["a"], name="mul_big"),
             helper.make_node("Add", ["a", "tiny"], ["b"], name="add_tiny"),
             helper.make_node("Mul", ["b", "ok"], ["y"], name="mul_ok")]
    model = save(tmp / "ranges.onnx", nodes, [f32("x", [3])], [f32("y", [3])], [big, tiny, ok])
    proc = remo("--input_model", model, "--output_dir", tmp)
    check(proc.returncode == 0, f"exit {proc.returncode}: {first_line(proc.stderr)}")
    for name in ("big", "tiny"):
        check(re.search(rf"WARNING.*'{name}' stays f32", proc.stderr), f"no warning naming '{name}': {proc.stderr}")
    check("'ok'" not in proc.stderr, "warned about a weight f16 holds exactly")
    text = (tmp / "ranges.xml").read_text()
    check(text.count('element_type="f16"') == 1, "expected exactly one f16 weight ('ok')")
    x = np.array([1e-3, 2.0, -1.0], np.float32)
    close(run_ir(tmp / "ranges.xml", {"x": x})[0], (x * np.array([1e5, -3, 2.5], np.float32) + 1e-7) *
          np.array([0.5, 1.5, -2.25], np.float32))
    proc = remo("--input_model", model, "--output_dir", tmp / "silent", "--silent")
    check(proc.returncode == 0 and "WARNING" not in proc.stderr and proc.stdout == "", "--silent still printed")
    silent_xml = next((tmp / "silent").glob("*.xml"))
    close(run_ir(silent_xml, {"x": x})[0], run_ort(model, {"x": x})[0], what="the --silent IR")


# --- naming, logging, progress, version ------------------------------------------------------
@case
def model_name_log_level_progress_version(tmp: Path):
    model = chain_model(tmp / "chain.onnx")
    proc = remo("--input_model", model, "--output_dir", tmp, "--model_name", "renamed", "--log_level", "INFO",
                "--progress")
    check(proc.returncode == 0, f"exit {proc.returncode}: {first_line(proc.stderr)}")
    check((tmp / "renamed.xml").is_file() and not (tmp / "chain.xml").exists(), "--model_name not used")
    check('<net name="renamed"' in (tmp / "renamed.xml").read_text(), "the IR's net name is not the model name")
    check("[ INFO ]" in proc.stderr and "translating" in proc.stderr, "--log_level INFO printed no stages")
    check("Progress:" in proc.stdout and "100% done" in proc.stdout, "--progress printed no progress")
    x = RNG.standard_normal((2, 5)).astype(np.float32)
    close(run_ir(tmp / "renamed.xml", {"x": x})[0], run_ort(model, {"x": x})[0], what="the renamed IR")
    quiet = remo("--input_model", model, "--output_dir", tmp / "q")
    check("[ INFO ]" not in quiet.stderr and "Progress" not in quiet.stdout, "stages printed by default")
    version = remo("--version")
    check(version.returncode == 0 and re.match(r"remo \d", version.stdout), f"--version: {version.stdout!r}")
    rejected(model, tmp / "bad", "--log_level", "LOUD", mentions=("--log_level",))


def main(cases=None) -> int:
    """Runs the cases (default: this file's) and prints the report; other option tests
    (test_tf_options.py) run theirs through it too."""
    cases = CASES if cases is None else cases
    passed = failed = 0
    width = max(len(fn.__name__) for fn in cases)
    print(f"remo: {REMO}\n")
    for fn in cases:
        with tempfile.TemporaryDirectory(prefix="remo-opt-") as tmp:
            try:
                fn(Path(tmp))
                status, remark = "pass", ""
            except AssertionError as e:
                status, remark = "FAIL", str(e)
            except Exception as e:  # a crash in a case is that case's failure, not the run's
                status, remark = "FAIL", f"{type(e).__name__}: {first_line(str(e))}"
        print(f"{fn.__name__:<{width}} | {status} | {remark}", flush=True)
        passed, failed = passed + (status == "pass"), failed + (status != "pass")
    print(f"\n{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    REMO = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "build/remo").resolve()
    sys.exit(main())
