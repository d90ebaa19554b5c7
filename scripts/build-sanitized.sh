#!/usr/bin/env bash
# Builds the sanitized tree build-asan/: clang with AddressSanitizer + UndefinedBehaviorSanitizer
# and libFuzzer instrumentation (REMO_SANITIZE + REMO_FUZZ), so one build serves both the
# sanitized test suite (remo, remo_unit_tests) and every fuzz target (fuzz_*).
# scripts/build-sanitized.sh [CMAKE_TARGET...]   (no target: build everything)
# Installs clang and its sanitizer runtime from Debian's packages when they are missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v clang++ >/dev/null ||
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' libclang-rt-14-dev 2>/dev/null) != ii* ]]; then
  echo "build-sanitized.sh: installing clang libclang-rt-14-dev" >&2
  sudo=(); ((EUID == 0)) || sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends clang libclang-rt-14-dev
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DREMO_SANITIZE=ON -DREMO_FUZZ=ON "${launcher[@]}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build build-asan -j"$(nproc)" "${targets[@]}"
