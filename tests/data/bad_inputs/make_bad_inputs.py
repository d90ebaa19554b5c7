#!/usr/bin/env python3
"""Writes the broken inputs of tests/data/bad_inputs/ (each case a folder with case.json, see
README.md there). Run with the venv's python (onnx); the outputs are committed, so the tests do
not need this script. Re-running it rewrites the model files byte-identically."""
import json
from pathlib import Path

import onnx
from onnx import TensorProto, helper

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "example" / "tiny_cnn.onnx"


def model(nodes, inputs, outputs, initializers=(), opset=17):
    graph = helper.make_graph(nodes, "main", inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="bad_inputs")
    m.ir_version = 8
    return m


def vi(name, elem=TensorProto.FLOAT, shape=(1, 4)):
    return helper.make_tensor_value_info(name, elem, list(shape))


def folder(name):
    d = HERE / name
    d.mkdir(exist_ok=True)
    return d


def external(location, offset=None):
    t = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4], data_location=TensorProto.EXTERNAL)
    t.external_data.add(key="location", value=location)
    if offset is not None:
        t.external_data.add(key="offset", value=offset)
    return t


def save(name, m, file="model.onnx"):
    (folder(name) / file).write_bytes(m.SerializeToString())


def main():
    example = EXAMPLE.read_bytes()
    (folder("truncated_model") / "model.onnx").write_bytes(example[: len(example) // 2])
    (folder("wrong_magic") / "model.onnx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder("empty_model") / "model.onnx").write_bytes(b"")
    (folder("unknown_format") / "model.pb").write_bytes(b"\x0a\x03abc")

    # a -> Relu(r1) -> b -> Relu(r2) -> a: every node waits for the other.
    save("graph_cycle", model([helper.make_node("Relu", ["b"], ["a"], name="r1"),
                               helper.make_node("Relu", ["a"], ["b"], name="r2"),
                               helper.make_node("Add", ["x", "a"], ["y"], name="add")],
                              [vi("x")], [vi("y")]))
    save("dangling_input", model([helper.make_node("Add", ["x", "nowhere"], ["y"], name="add")],
                                 [vi("x")], [vi("y")]))
    # float + int64 into Add, whose inputs must share one element type.
    save("type_mismatch", model([helper.make_node("Add", ["x", "i"], ["y"], name="mixed_add")],
                                [vi("x"), vi("i", TensorProto.INT64)], [vi("y")]))
    m = model([helper.make_node("Relu", ["x"], ["y"], name="relu")], [vi("x")], [vi("y")])
    attr = m.graph.node[0].attribute.add()
    attr.name = "mystery"
    attr.type = onnx.AttributeProto.SPARSE_TENSOR
    attr.i = 1
    # The type field (20, varint) is rewritten to 42, which no AttributeProto.AttributeType is.
    data = m.SerializeToString()
    assert data.count(b"\xa0\x01\x0b") == 1
    (folder("unknown_attribute_type") / "model.onnx").write_bytes(data.replace(b"\xa0\x01\x0b", b"\xa0\x01\x2a"))
    save("duplicate_output", model([helper.make_node("Relu", ["x"], ["y"], name="first"),
                                    helper.make_node("Sigmoid", ["x"], ["y"], name="second")],
                                   [vi("x")], [vi("y")]))
    save("unknown_op", _custom_domain_model())
    w = external("../../example/tiny_cnn.onnx")
    save("external_data_escape", model([helper.make_node("Mul", ["x", "w"], ["y"], name="scale")],
                                       [vi("x")], [vi("y")], [w]))
    w2 = external("*/_ORT_MEM_ADDR_/*", "140737488355328")
    save("external_data_memory_address", model([helper.make_node("Mul", ["x", "w"], ["y"], name="scale")],
                                                [vi("x")], [vi("y")], [w2]))
    save("tensor_size_mismatch", model([helper.make_node("Mul", ["x", "w"], ["y"], name="scale")], [vi("x")],
                                       [vi("y")], [TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4],
                                                                     float_data=[1.0, 2.0, 3.0])]))


def _custom_domain_model():
    graph = helper.make_graph([helper.make_node("FancyOp", ["x"], ["y"], name="fancy", domain="com.example")],
                              "main", [vi("x")], [vi("y")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)],
                          producer_name="bad_inputs")
    m.ir_version = 8
    return m


if __name__ == "__main__":
    main()
