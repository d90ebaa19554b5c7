"""Where generated test models live: ${REMO_CACHE:-~/.cache/remo}/models/<recipe>-<hash>/.

The hash covers the generating script's bytes plus the versions of the libraries that
generate (onnx, torch), so models are rebuilt only when their recipe changes. Standard
library only: the CNN generator runs under Debian's python, the rest under the venv.
"""
import hashlib
import os
import shutil
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("REMO_CACHE") or Path.home() / ".cache" / "remo")


def ensure_models(recipe: Path, versions: str, build) -> Path:
    """Returns the recipe's model folder, calling build(folder) first if it is missing."""
    recipe = Path(recipe).resolve()
    digest = hashlib.sha256(recipe.read_bytes() + versions.encode()).hexdigest()[:16]
    models = cache_root() / "models"
    out = models / f"{recipe.stem}-{digest}"
    if out.is_dir():
        return out
    # Build beside the final folder and rename at the end, so an interrupted run never
    # leaves a half-filled folder that later runs would take as complete.
    tmp = models / f".{out.name}.tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        build(tmp)
        (tmp / "RECIPE").write_text(f"{recipe}\n{versions}\n")
        tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Folders of older versions of this recipe are garbage now (the CNNs weigh ~150 MB).
    for old in models.glob(f"{recipe.stem}-*"):
        if old != out:
            shutil.rmtree(old, ignore_errors=True)
    return out
