#!/usr/bin/env bash
# Creates (or refreshes) the Python venv used by the conformance, behaviour and bench
# scripts, and prints the venv's python path on stdout (nothing else goes to stdout):
#   PY=$(scripts/python-env.sh)
# The venv is rebuilt only when tests/conformance/requirements.txt changes: its hash is
# stored inside the venv, so a warm machine pays one sha256sum.
#   scripts/python-env.sh --legacy-mo   makes the venv of legacy mo (openvino-dev, for
#                                       tests/bench/quality.py) from tests/bench/requirements-mo.txt
#                                       instead, and prints its python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cache=${REMO_CACHE:-$HOME/.cache/remo}
venv=$cache/venv
req=tests/conformance/requirements.txt
if [[ ${1:-} == --legacy-mo ]]; then
  venv=$cache/venv-mo
  req=tests/bench/requirements-mo.txt
fi
# Pip's downloads live beside the venv so that REMO_CACHE holds everything we fetch.
export PIP_CACHE_DIR=$cache/pip PIP_DISABLE_PIP_VERSION_CHECK=1
want=$(sha256sum "$req" | cut -d' ' -f1)

# `python -c ''` also catches a venv whose base interpreter has gone away.
if ! "$venv/bin/python" -c '' 2>/dev/null ||
   [[ $(cat "$venv/.requirements.sha256" 2>/dev/null) != "$want" ]]; then
  echo "python-env: (re)creating $venv from $req" >&2
  # The pyenv python3 on PATH is preferred; Debian's python3 (+ python3-venv) works too.
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install -q -r "$req" >&2
  # Written last: an interrupted install leaves no hash and is redone next time.
  echo "$want" > "$venv/.requirements.sha256"
fi
echo "$venv/bin/python"
