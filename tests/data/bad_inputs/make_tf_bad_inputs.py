#!/usr/bin/env python3
"""Writes the TensorFlow cases of tests/data/bad_inputs/ (each a folder with case.json, see
README.md there): a malformed .pb, a SavedModel missing its variables shard, a checkpoint missing
a variable, a truncated and a garbled checkpoint index. Run with the venv's python (tensorflow);
the outputs are committed, so the tests do not need this script."""
import json
import os
import shutil
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = Path(__file__).resolve().parent
v1 = tf.compat.v1


def folder(name):
    d = HERE / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    return d


def case(d, args, stderr):
    (d / "case.json").write_text(json.dumps({"args": args, "exit": 1, "stderr": stderr}, indent=2) + "\n")


def small_graph(saved_vars=None):
    """x[1,4] @ w + b, as a graph with VariableV2 variables; returns (graph, session, saver)."""
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [1, 4], name="x")
        w = v1.get_variable("w", initializer=np.arange(8, dtype=np.float32).reshape(4, 2), use_resource=False)
        b = v1.get_variable("b", initializer=np.ones(2, np.float32), use_resource=False)
        y = tf.identity(tf.matmul(x, w) + b, name="y")
        sess = v1.Session(graph=graph)
        sess.run(v1.global_variables_initializer())
        saver = v1.train.Saver(var_list=saved_vars(w, b) if saved_vars else None)
    return graph, sess, saver, x, y


def main():
    d = folder("tf_malformed_pb")
    graph, sess, _, _, _ = small_graph()
    (d / "model.pb").write_bytes(graph.as_graph_def().SerializeToString()[:-7])
    case(d, ["--input_model", "{case}/model.pb"],
         ["{case}/model.pb: not a valid binary GraphDef (truncated or not protobuf)"])

    d = folder("tf_saved_model_missing_shard")
    graph, sess, _, x, y = small_graph()
    with graph.as_default():
        v1.saved_model.simple_save(sess, str(d / "model"), inputs={"x": x}, outputs={"y": y})
    (d / "model" / "variables" / "variables.data-00000-of-00001").unlink()
    case(d, ["--saved_model_dir", "{case}/model"],
         ["{case}/model/variables/variables.data-00000-of-00001: missing data shard 0 of 1 named by "
          "{case}/model/variables/variables.index"])

    d = folder("tf_checkpoint_missing_variable")
    graph, sess, saver, _, _ = small_graph(lambda w, b: [w])
    (d / "graph.pbtxt").write_text(str(graph.as_graph_def()))
    with graph.as_default():
        saver.save(sess, str(d / "model.ckpt"), write_meta_graph=False)
    (d / "checkpoint").unlink()
    case(d, ["--input_model", "{case}/graph.pbtxt", "--input_checkpoint", "{case}/model.ckpt"],
         ["{case}/model.ckpt.index: the checkpoint has no value for variable 'b' (tf.VariableV2)"])

    for name, damage, message in [
        ("tf_truncated_index", lambda b: b[: len(b) // 2],
         "{case}/model.ckpt.index: not a checkpoint index (no table magic number in the last 8 bytes"),
        ("tf_garbled_index", lambda b: b[:3] + bytes([b[3] ^ 0x5A]) + b[4:],
         "{case}/model.ckpt.index: data block 0 at byte 0: checksum mismatch (the checkpoint index is garbled)"),
    ]:
        d = folder(name)
        graph, sess, saver, _, _ = small_graph()
        (d / "graph.pbtxt").write_text(str(graph.as_graph_def()))
        with graph.as_default():
            saver.save(sess, str(d / "model.ckpt"), write_meta_graph=False)
        (d / "checkpoint").unlink()
        index = d / "model.ckpt.index"
        index.write_bytes(damage(index.read_bytes()))
        case(d, ["--input_model", "{case}/graph.pbtxt", "--input_checkpoint", "{case}/model.ckpt"], [message])


main()
