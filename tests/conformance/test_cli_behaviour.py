#!/usr/bin/env python3
"""What remo's command line must do besides converting right. Runs in the venv.

  test_cli_behaviour.py [REMO_BINARY]      (default: build/remo)

Prints one line per case and ends with "N passed, M failed"; exits non-zero on failure.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import openvino as ov
from onnx import TensorProto, helper

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLE = REPO / "tests/data/example/tiny_cnn.onnx"
# Filled by the translation author with a Lua rule for com.example::CustomAbsPlusOne.
EXTENSIONS = REPO / "tests/data/extensions/custom_abs_plus_one"
TIMEOUT_S = 300
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def remo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REMO), *map(str, args)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", timeout=TIMEOUT_S)


def convert(model: Path, out_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return remo("--input_model", model, "--output_dir", out_dir, *extra)


def check(cond: bool, msg: str):
    if not cond:
        raise AssertionError(msg)


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "(empty)")


def expect_rejected(proc, model: Path, out_dir: Path, must_mention: str):
    """Non-zero exit, a stderr that names `must_mention`, and nothing left in out_dir."""
    check(proc.returncode != 0, f"exit 0 on {model.name}")
    check(must_mention in proc.stderr,
          f"stderr does not name '{must_mention}': {first_line(proc.stderr)}")
    left = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
    check(not left, f"left in the output folder: {left}")


def expect_converted(proc, xml: Path):
    check(proc.returncode == 0, f"exit {proc.returncode}: {first_line(proc.stderr)}")
    check(xml.is_file() and xml.with_suffix(".bin").is_file(), f"no {xml.name} + .bin written")


def truncated_bytes(data: bytes) -> bytes:
    """A prefix of a valid model that protobuf really can't parse (a cut that happens to
    fall between two fields would still parse)."""
    cut = len(data) * 2 // 3
    while True:
        try:
            onnx.ModelProto().ParseFromString(data[:cut])
        except Exception:
            return data[:cut]
        cut -= 1


# --- cases --------------------------------------------------------------------------------
@case
def garbage_file_is_rejected(tmp: Path):
    model = tmp / "garbage.onnx"
    model.write_bytes(np.random.default_rng(1).bytes(4096))
    out = tmp / "out"
    out.mkdir()  # an existing, empty folder must stay empty
    expect_rejected(convert(model, out), model, out, model.name)


@case
def truncated_file_is_rejected(tmp: Path):
    model = tmp / "truncated.onnx"
    model.write_bytes(truncated_bytes(EXAMPLE.read_bytes()))
    out = tmp / "out"  # not created beforehand: afterwards absent or empty
    expect_rejected(convert(model, out), model, out, model.name)


TF_EXAMPLE = REPO / "tests/data/tf/conv_bias_relu_mean.pb"


@case
def truncated_tf_graph_is_rejected(tmp: Path):
    model = tmp / "truncated.pb"
    data = TF_EXAMPLE.read_bytes()
    model.write_bytes(data[: len(data) * 2 // 3])  # inside the filter constant: never parses
    out = tmp / "out"
    expect_rejected(convert(model, out), model, out, "not a valid binary GraphDef")


@case
def malformed_tf_text_names_the_line(tmp: Path):
    model = tmp / "bad.pbtxt"
    model.write_text('node { name: "x" op: "Placeholder" }\nnode { name: "y" op: }\n')
    out = tmp / "out"
    expect_rejected(convert(model, out), model, out, "bad.pbtxt:2:")


@case
def unknown_tf_op_is_listed(tmp: Path):
    model = tmp / "custom.pbtxt"
    text = (REPO / "tests/data/tf/conv_bias_relu_mean.pbtxt").read_text()
    model.write_text(text.replace('op: "Relu"', 'op: "MyCustomRelu"'))
    out = tmp / "out"
    expect_rejected(convert(model, out), model, out, "tf.MyCustomRelu")


@case
def tf_text_graph_converts_with_the_flag(tmp: Path):
    model = tmp / "graph.txt"
    model.write_text((REPO / "tests/data/tf/conv_bias_relu_mean.pbtxt").read_text())
    expect_converted(convert(model, tmp / "out", "--input_model_is_text"), tmp / "out" / "graph.xml")


@case
def missing_file_is_rejected(tmp: Path):
    model = tmp / "does_not_exist.onnx"
    out = tmp / "out"
    expect_rejected(convert(model, out), model, out, model.name)


def expect_deterministic(tmp: Path, model: Path):
    (tmp / "a").mkdir(), (tmp / "b").mkdir()
    for d in ("a", "b"):
        expect_converted(convert(model, tmp / d), tmp / d / f"{model.stem}.xml")
    for suffix in (".xml", ".bin"):
        a, b = (tmp / d / f"{model.stem}{suffix}" for d in ("a", "b"))
        check(a.read_bytes() == b.read_bytes(), f"two conversions differ in {a.name}")


@case
def conversion_is_deterministic_tiny_cnn(tmp: Path):
    expect_deterministic(tmp, EXAMPLE)


@case
def conversion_is_deterministic_mobilenet_v2(tmp: Path):
    # A real graph: hash-ordered containers or pointer-keyed maps would show here.
    out = subprocess.run(["/usr/bin/python3", str(HERE / "make_cnn_models.py")],
                         stdout=subprocess.PIPE, text=True, check=True)
    expect_deterministic(tmp, Path(out.stdout.split()[-1]) / "mobilenet_v2.onnx")


@case
def model_name_option_names_the_files(tmp: Path):
    proc = convert(EXAMPLE, tmp, "--model_name", "renamed")
    expect_converted(proc, tmp / "renamed.xml")
    check(not (tmp / f"{EXAMPLE.stem}.xml").exists(), "also wrote the default-named IR")


def custom_op_model(path: Path):
    node = helper.make_node("CustomAbsPlusOne", ["x"], ["y"], domain="com.example")
    graph = helper.make_graph(
        [node], "custom_abs_plus_one",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 4])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid("com.example", 1)])
    model.ir_version = 8
    onnx.save(model, path)


@case
def unknown_custom_op_is_listed(tmp: Path):
    model = tmp / "custom_abs_plus_one.onnx"
    custom_op_model(model)
    out = tmp / "out"
    expect_rejected(convert(model, out), model, out, "CustomAbsPlusOne")


@case
def custom_op_converts_with_extensions(tmp: Path):
    model = tmp / "custom_abs_plus_one.onnx"
    custom_op_model(model)
    check(EXTENSIONS.is_dir(), f"{EXTENSIONS.relative_to(REPO)} does not exist yet")
    proc = convert(model, tmp, "--extensions", EXTENSIONS)
    expect_converted(proc, tmp / "custom_abs_plus_one.xml")
    x = np.random.default_rng(7).uniform(-3, 3, (2, 3, 4)).astype(np.float32)
    compiled = ov.Core().compile_model(str(tmp / "custom_abs_plus_one.xml"), "CPU",
                                       {"INFERENCE_PRECISION_HINT": "f32"})
    y = compiled({"x": x})[compiled.output(0)]
    err = float(np.max(np.abs(y - (np.abs(x) + 1))))
    check(err <= 1e-4 * 4, f"max abs err {err:.3g} vs numpy abs(x)+1")


def main() -> int:
    passed = failed = 0
    width = max(len(fn.__name__) for fn in CASES)
    print(f"remo: {REMO}\n")
    for fn in CASES:
        with tempfile.TemporaryDirectory(prefix="remo-cli-") as tmp:
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
