#!/usr/bin/env python3
"""Writes rules/tensorflow/tests/control_flow.test.json: rule tests of the FakeQuant, cond and
TensorArray translations, with expected values computed by TensorFlow (eager). Run from the
repository root under the venv."""
import json
from pathlib import Path

import numpy as np
import tensorflow as tf

OUT = Path(__file__).resolve().parents[2] / "rules/tensorflow/tests/control_flow.test.json"
rng = np.random.default_rng(3)
def vals(a): return [round(float(v), 6) for v in np.asarray(a).ravel()]
tests = []
x = (rng.standard_normal(12) * 1.5).astype(np.float32)
def fq_args(name, mn, mx, bits, narrow):
    y = tf.quantization.fake_quant_with_min_max_args(x, min=mn, max=mx, num_bits=bits, narrow_range=narrow)
    tests.append({"name": name, "inputs": {"x": {"type": "f32", "shape": [12]}},
      "nodes": [{"op": "tf.FakeQuantWithMinMaxArgs", "inputs": ["x"], "outputs": ["y"],
                 "attrs": {"min": mn, "max": mx, "num_bits": bits, "narrow_range": narrow}}],
      "outputs": ["y"], "expect": {"attrs": {"opset1.FakeQuantize": {"levels": (1 << bits) - narrow}}},
      "check": {"inputs": {"x": vals(x)}, "outputs": {"y": vals(y)}, "tolerance": 1e-5}})
fq_args("FakeQuantWithMinMaxArgs nudges [-1.3, 2.1] onto an 8-bit grid through 0", -1.3, 2.1, 8, False)
fq_args("FakeQuantWithMinMaxArgs with a range above zero moves it to start at 0, 4 bits narrow", 0.2, 1.5, 4, True)
mn, mx = np.float32(-0.77), np.float32(1.9)
y = tf.quantization.fake_quant_with_min_max_vars(x, mn, mx, num_bits=5, narrow_range=True)
tests.append({"name": "FakeQuantWithMinMaxVars 5 bits narrow_range, range as inputs",
  "inputs": {"x": {"type": "f32", "shape": [12]}},
  "constants": {"lo": {"type": "f32", "shape": [], "values": [float(mn)]}, "hi": {"type": "f32", "shape": [], "values": [float(mx)]}},
  "nodes": [{"op": "tf.FakeQuantWithMinMaxVars", "inputs": ["x", "lo", "hi"], "outputs": ["y"], "attrs": {"num_bits": 5, "narrow_range": True}}],
  "outputs": ["y"], "check": {"inputs": {"x": vals(x)}, "outputs": {"y": vals(y)}, "tolerance": 1e-5}})
lo = np.array([-2.0, 0.3, -0.45], np.float32); hi = np.array([1.7, 2.2, 0.61], np.float32)
x2 = x.reshape(4, 3)
y = tf.quantization.fake_quant_with_min_max_vars_per_channel(x2, lo, hi, num_bits=8)
tests.append({"name": "FakeQuantWithMinMaxVarsPerChannel: one range per element of the last dimension",
  "inputs": {"x": {"type": "f32", "shape": [4, 3]}},
  "constants": {"lo": {"type": "f32", "shape": [3], "values": vals(lo)}, "hi": {"type": "f32", "shape": [3], "values": vals(hi)}},
  "nodes": [{"op": "tf.FakeQuantWithMinMaxVarsPerChannel", "inputs": ["x", "lo", "hi"], "outputs": ["y"], "attrs": {"num_bits": 8}}],
  "outputs": ["y"], "check": {"inputs": {"x": vals(x2)}, "outputs": {"y": vals(y)}, "tolerance": 1e-5}})
tests.append({"name": "FakeQuant num_bits outside [2, 16] is refused",
  "inputs": {"x": {"type": "f32", "shape": [12]}},
  "nodes": [{"op": "tf.FakeQuantWithMinMaxArgs", "inputs": ["x"], "outputs": ["y"], "attrs": {"num_bits": 1}}],
  "outputs": ["y"], "expect": {"error": "num_bits must be in [2, 16], got 1"}})
# A cond after the reader's pass: Switch passes data to both sides, SelectV2 picks.
xs = rng.standard_normal(4).astype(np.float32)
for p in (True, False):
    ref = xs * 2.0 if p else xs - 1.0
    tests.append({"name": f"cond: Switch feeds both branches, SelectV2 on the predicate picks ({p})",
      "inputs": {"x": {"type": "f32", "shape": [4]}},
      "constants": {"p": {"type": "boolean", "shape": [], "values": [1 if p else 0]},
                    "two": {"type": "f32", "shape": [], "values": [2.0]}, "one": {"type": "f32", "shape": [], "values": [1.0]}},
      "nodes": [{"op": "tf.Switch", "inputs": ["x", "p"], "outputs": ["f", "t"]},
                {"op": "tf.Mul", "inputs": ["t", "two"], "outputs": ["a"]},
                {"op": "tf.Sub", "inputs": ["f", "one"], "outputs": ["b"]},
                {"op": "tf.SelectV2", "inputs": ["p", "a", "b"], "outputs": ["y"]}],
      "outputs": ["y"], "check": {"inputs": {"x": vals(xs)}, "outputs": {"y": vals(ref)}, "tolerance": 1e-6}})
# TensorArrays: unstack, overwrite one element, read, gather, size, concat.
xa = rng.standard_normal((3, 2)).astype(np.float32); v = np.array([9.0, -9.0], np.float32)
def ta():  # a fresh array per query: an eager TensorArray clears an element once read
    return tf.TensorArray(tf.float32, size=3, element_shape=[2]).unstack(xa).write(1, v)
tests.append({"name": "TensorArrayV3: Scatter, Write, Read, Gather, Size, Concat on the array as one tensor",
  "inputs": {"x": {"type": "f32", "shape": [3, 2]}},
  "constants": {"n": {"type": "i32", "shape": [], "values": [3]}, "idx": {"type": "i32", "shape": [3], "values": [0, 1, 2]},
                "one": {"type": "i32", "shape": [], "values": [1]}, "two": {"type": "i32", "shape": [], "values": [2]},
                "order": {"type": "i32", "shape": [2], "values": [2, 0]}, "v": {"type": "f32", "shape": [2], "values": vals(v)}},
  "nodes": [{"op": "tf.TensorArrayV3", "inputs": ["n"], "outputs": ["h", "f0"], "attrs": {"dtype": "f32", "element_shape": [2]}},
            {"op": "tf.TensorArrayScatterV3", "inputs": ["h", "idx", "x", "f0"], "outputs": ["f1"]},
            {"op": "tf.TensorArrayWriteV3", "inputs": ["h", "one", "v", "f1"], "outputs": ["f2"]},
            {"op": "tf.TensorArrayReadV3", "inputs": ["h", "two", "f2"], "outputs": ["r"]},
            {"op": "tf.TensorArrayGatherV3", "inputs": ["h", "order", "f2"], "outputs": ["g"]},
            {"op": "tf.TensorArraySizeV3", "inputs": ["h", "f2"], "outputs": ["s"]},
            {"op": "tf.TensorArrayConcatV3", "inputs": ["h", "f2"], "outputs": ["c", "lengths"]}],
  "outputs": ["r", "g", "s", "c", "lengths"],
  "check": {"inputs": {"x": vals(xa)}, "outputs": {"r": vals(ta().read(2)), "g": vals(ta().gather([2, 0])), "s": [3],
            "c": vals(ta().concat()), "lengths": [2, 2, 2]}, "tolerance": 1e-6}})
tests.append({"name": "TensorArrayV3 without an element shape asks for one",
  "inputs": {}, "constants": {"n": {"type": "i32", "shape": [], "values": [3]}},
  "nodes": [{"op": "tf.TensorArrayV3", "inputs": ["n"], "outputs": ["h", "f0"], "attrs": {"dtype": "f32"}}],
  "outputs": ["f0"], "expect": {"error": "element_shape is unknown"}})
tests.append({"name": "Range in its Tidx type",
  "inputs": {}, "constants": {"a": {"type": "i32", "shape": [], "values": [1]}, "b": {"type": "i32", "shape": [], "values": [8]},
                              "d": {"type": "i32", "shape": [], "values": [3]}},
  "nodes": [{"op": "tf.Range", "inputs": ["a", "b", "d"], "outputs": ["y"], "attrs": {"Tidx": "i32"}}],
  "outputs": ["y"], "check": {"inputs": {}, "outputs": {"y": [1, 4, 7]}}})
# TensorLists: reserve, set, get, push, pop, length, element shape, stack.
xl = rng.standard_normal((3, 2)).astype(np.float32)
raw = tf.raw_ops
lst = raw.TensorListFromTensor(tensor=xl, element_shape=tf.constant([2]))
lst = raw.TensorListSetItem(input_handle=lst, index=1, item=tf.constant([5.0, 6.0]))
pushed = raw.TensorListPushBack(input_handle=lst, tensor=tf.constant([7.0, 8.0]))
popped, last = raw.TensorListPopBack(input_handle=pushed, element_shape=tf.constant([2]), element_dtype=tf.float32)
reserved = raw.TensorListSetItem(input_handle=raw.TensorListReserve(element_shape=tf.constant([2]), num_elements=2, element_dtype=tf.float32),
                                 index=0, item=tf.constant([1.0, 2.0]))
def stack(l): return raw.TensorListStack(input_handle=l, element_shape=tf.constant([2]), element_dtype=tf.float32)
tests.append({"name": "TensorList: FromTensor, SetItem, GetItem, PushBack, PopBack, Length, ElementShape, Reserve, Stack",
  "inputs": {"x": {"type": "f32", "shape": [3, 2]}},
  "constants": {"es": {"type": "i32", "shape": [2 - 1], "values": [2]}, "one": {"type": "i32", "shape": [], "values": [1]},
                "two": {"type": "i32", "shape": [], "values": [2]}, "zero": {"type": "i32", "shape": [], "values": [0]},
                "a": {"type": "f32", "shape": [2], "values": [5.0, 6.0]}, "b": {"type": "f32", "shape": [2], "values": [7.0, 8.0]},
                "c": {"type": "f32", "shape": [2], "values": [1.0, 2.0]}},
  "nodes": [{"op": "tf.TensorListFromTensor", "inputs": ["x", "es"], "outputs": ["l0"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListSetItem", "inputs": ["l0", "one", "a"], "outputs": ["l1"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListGetItem", "inputs": ["l1", "one", "es"], "outputs": ["got"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListPushBack", "inputs": ["l1", "b"], "outputs": ["l2"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListLength", "inputs": ["l2"], "outputs": ["n"]},
            {"op": "tf.TensorListElementShape", "inputs": ["l2"], "outputs": ["shape"], "attrs": {"shape_type": "i32"}},
            {"op": "tf.TensorListPopBack", "inputs": ["l2", "es"], "outputs": ["l3", "last"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListStack", "inputs": ["l3", "es"], "outputs": ["stacked"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListReserve", "inputs": ["es", "two"], "outputs": ["r0"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListSetItem", "inputs": ["r0", "zero", "c"], "outputs": ["r1"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListStack", "inputs": ["r1", "es"], "outputs": ["reserved"], "attrs": {"element_dtype": "f32"}}],
  "outputs": ["got", "n", "shape", "last", "stacked", "reserved"],
  "check": {"inputs": {"x": vals(xl)}, "outputs": {
      "got": vals(raw.TensorListGetItem(input_handle=lst, index=1, element_shape=tf.constant([2]), element_dtype=tf.float32)),
      "n": [int(raw.TensorListLength(input_handle=pushed))],
      "shape": vals(raw.TensorListElementShape(input_handle=pushed, shape_type=tf.int32)),
      "last": vals(last), "stacked": vals(stack(popped)), "reserved": vals(stack(reserved))}, "tolerance": 1e-6}})
tests.append({"name": "TensorListReserve of an unknown element shape asks for one",
  "inputs": {}, "constants": {"es": {"type": "i32", "shape": [], "values": [-1]}, "n": {"type": "i32", "shape": [], "values": [3]}},
  "nodes": [{"op": "tf.TensorListReserve", "inputs": ["es", "n"], "outputs": ["l"], "attrs": {"element_dtype": "f32"}}],
  "outputs": ["l"], "expect": {"error": "unknown rank"}})
tests.append({"name": "run-time checks: CheckNumerics and EnsureShape pass through, an Assert computes nothing",
  "inputs": {"x": {"type": "f32", "shape": [3]}}, "constants": {"ok": {"type": "boolean", "shape": [], "values": [1]},
                                                              "shape": {"type": "i64", "shape": [1], "values": [3]}},
  "nodes": [{"op": "tf.CheckNumerics", "inputs": ["x"], "outputs": ["a"], "attrs": {"message": "bad"}},
            {"op": "tf.EnsureShape", "inputs": ["a"], "outputs": ["y"], "attrs": {"shape": [3]}},
            {"op": "tf.Assert", "inputs": ["ok", "x"], "outputs": ["unused"]}],
  "outputs": ["y"], "expect": {"ops": []},
  "check": {"inputs": {"x": [1.0, -2.0, 3.5]}, "outputs": {"y": [1.0, -2.0, 3.5]}}})
grown = raw.TensorListSetItem(input_handle=raw.TensorListReserve(element_shape=tf.constant([2]), num_elements=1, element_dtype=tf.float32),
                              index=2, item=tf.constant([3.0, 4.0]), resize_if_index_out_of_bounds=True)
tests.append({"name": "TensorListSetItem past the end of a resizable list grows it with zeros",
  "inputs": {}, "constants": {"es": {"type": "i32", "shape": [1], "values": [2]}, "one": {"type": "i32", "shape": [], "values": [1]},
                              "two": {"type": "i32", "shape": [], "values": [2]}, "v": {"type": "f32", "shape": [2], "values": [3.0, 4.0]}},
  "nodes": [{"op": "tf.TensorListReserve", "inputs": ["es", "one"], "outputs": ["l0"], "attrs": {"element_dtype": "f32"}},
            {"op": "tf.TensorListSetItem", "inputs": ["l0", "two", "v"], "outputs": ["l1"],
             "attrs": {"element_dtype": "f32", "resize_if_index_out_of_bounds": True}},
            {"op": "tf.TensorListStack", "inputs": ["l1", "es"], "outputs": ["y"], "attrs": {"element_dtype": "f32"}}],
  "outputs": ["y"], "check": {"inputs": {}, "outputs": {"y": {"shape": [3, 2], "values": vals(stack(grown))}}}})
doc = {"comment": "Tests of rules/tensorflow/{fake_quant,control_flow,tensor_array,tensor_list,checks}.lua, expected values computed by TensorFlow: written by tests/conformance/make_tf_controlflow_rule_tests.py, do not edit by hand.", "tests": tests}
OUT.write_text(json.dumps(doc, indent=1) + "\n")
