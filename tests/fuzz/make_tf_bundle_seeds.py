#!/usr/bin/env python3
"""Packs TensorFlow checkpoints into seeds of fuzz_tf_bundle: a little-endian uint32 size of the
.index, the .index bytes, then the bytes of data shard 0.

  make_tf_bundle_seeds.py OUT_FILE PREFIX    (PREFIX.index + PREFIX.data-00000-of-00001)
"""
import struct
import sys
from pathlib import Path

out, prefix = Path(sys.argv[1]), sys.argv[2]
index = Path(prefix + ".index").read_bytes()
data = Path(prefix + ".data-00000-of-00001").read_bytes()
out.write_bytes(struct.pack("<I", len(index)) + index + data)
