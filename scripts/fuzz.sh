#!/usr/bin/env bash
# Runs one libFuzzer target for a number of seconds: scripts/fuzz.sh TARGET [SECONDS]
# TARGET is a file name in tests/fuzz without "fuzz_" and ".cpp": onnx_model, ir_reader,
# rule_json, lua_rule. Builds with clang, ASan and UBSan in build-fuzz/. Crashes are written to
# build-fuzz/crashes/TARGET/; the growing corpus is kept in ${REMO_CACHE:-~/.cache/remo}/fuzz.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-60}
[[ -f tests/fuzz/fuzz_$target.cpp ]] || { echo "no fuzz target tests/fuzz/fuzz_$target.cpp" >&2; exit 2; }

if ! command -v clang++ >/dev/null || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "ok installed"; then
  sudo_cmd=; [[ $(id -u) -eq 0 ]] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang libclang-rt-14-dev
fi

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DREMO_FUZZ=ON -DREMO_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target "fuzz_$target" -j"$(nproc)" >/dev/null

corpus=${REMO_CACHE:-$HOME/.cache/remo}/fuzz/$target
crashes=build-fuzz/crashes/$target
mkdir -p "$corpus" "$crashes"
# Seeds: tests/fuzz/seeds/TARGET where it exists; the built-in rules and the extension example
# are the seeds of the rule readers.
seeds=()
[[ -d tests/fuzz/seeds/$target ]] && seeds+=(tests/fuzz/seeds/$target)
case $target in rule_json|lua_rule) seeds+=(rules/onnx rules/middle tests/data/extensions/custom_abs_plus_one) ;; esac
# The Lua instruction budget keeps each input short; libFuzzer's own timeout catches real hangs.
build-fuzz/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" "${seeds[@]}"
