#!/usr/bin/env python3
"""The rest of keras.applications the TensorFlow frontend is checked on, as frozen graphs, into
their own cache folder (printed): InceptionV3, DenseNet121, EfficientNetB0, NASNetMobile. Not part
of scripts/test.sh (about two minutes to generate); run them with

    run_tf_conformance.py build/remo $(make_tf_models_extended.py)
"""
import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tf_models  # noqa: E402
from model_cache import ensure_models  # noqa: E402

MODELS = {"inception_v3": ("InceptionV3", 299), "densenet121": ("DenseNet121", 224),
          "efficientnet_b0": ("EfficientNetB0", 224), "nasnet_mobile": ("NASNetMobile", 224)}


def build(out_dir: Path):
    import tensorflow as tf

    make_tf_models.save_cases(tf, make_tf_models.keras_cases(tf, MODELS), out_dir)


if __name__ == "__main__":
    # The shared helpers are part of the recipe too.
    shared = hashlib.sha256(Path(make_tf_models.__file__).read_bytes()).hexdigest()[:16]
    versions = f"{make_tf_models.versions()}, make_tf_models.py {shared}"
    print(ensure_models(Path(__file__), versions, build))
