#!/usr/bin/env bash
# Installs the Debian packages remo needs (only the missing ones), then builds build/remo
# and the unit tests. Safe to run from any directory, and cheap on a ready machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(
  build-essential cmake pkg-config                  # toolchain
  liblua5.4-dev libprotobuf-dev protobuf-compiler   # rule engine, ONNX protobuf
  libonnx-dev nlohmann-json3-dev libpugixml-dev     # ONNX schema, configs, IR XML
  googletest libgtest-dev                           # unit tests
  python3-venv                                      # the test venv (scripts/python-env.sh)
  python3-torchvision                               # exports the test CNNs (/usr/bin/python3)
  time                                              # peak memory in tests/bench
)

missing=()
for p in "${packages[@]}"; do
  # dpkg-query is instant; apt-get is only started when something is really missing.
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "build.sh: installing ${missing[*]}" >&2
  sudo=(); ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # No recommends: python3-torch would pull libtorch-dev and friends, which we never use.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# ccache, when installed, lets several checkouts and rebuilds share compiled objects.
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
cmake --build build -j"$(nproc)"
