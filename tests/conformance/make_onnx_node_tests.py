#!/usr/bin/env python3
"""Writes the ONNX backend node tests of the installed onnx package to the cache.

Recent onnx wheels no longer carry the generated node-test folders, only the Python cases that
produce them (onnx.backend.test.case.node). This script runs those cases once per onnx version
and stores each as <cache>/onnx-node-tests/<version>/<test name>/ with model.onnx and
test_data_set_N/{input,output}_K.pb, the layout the backend suite has always used.
Prints the folder last.
"""
from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper


def cache_dir() -> Path:
    root = Path(os.environ.get("REMO_CACHE", Path.home() / ".cache" / "remo"))
    return root / "onnx-node-tests" / onnx.__version__


def to_proto(value, value_info: onnx.ValueInfoProto):
    """Serializes one reference value the way the backend runner expects to read it back."""
    kind = value_info.type.WhichOneof("value")
    if kind == "sequence_type":
        return numpy_helper.from_list(value, value_info.name)
    if kind == "optional_type":
        return numpy_helper.from_optional(value, value_info.name)
    if kind == "map_type":
        return numpy_helper.from_dict(value, value_info.name)
    if isinstance(value, onnx.TensorProto):
        return value
    return numpy_helper.from_array(np.asarray(value), value_info.name)


def write_case(case, folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "model.onnx").write_bytes(case.model.SerializeToString())
    graph = case.model.graph
    for i, (inputs, outputs) in enumerate(case.data_sets):
        data = folder / f"test_data_set_{i}"
        data.mkdir()
        for j, value in enumerate(inputs):
            (data / f"input_{j}.pb").write_bytes(to_proto(value, graph.input[j]).SerializeToString())
        for j, value in enumerate(outputs):
            (data / f"output_{j}.pb").write_bytes(to_proto(value, graph.output[j]).SerializeToString())


def main() -> int:
    target = cache_dir()
    done = target / ".complete"
    if not done.exists():
        from onnx.backend.test.case import node as node_cases

        staging = target.with_name(target.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cases = node_cases.collect_testcases()
        for case in cases:
            write_case(case, staging / case.name)
        (staging / ".complete").write_text(f"{len(cases)}\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        print(f"wrote {len(cases)} node tests", file=sys.stderr)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
