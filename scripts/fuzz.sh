#!/usr/bin/env bash
# Runs one libFuzzer target for a number of seconds: scripts/fuzz.sh TARGET [SECONDS]
#   TARGET: a file tests/fuzz/fuzz_TARGET.cpp (onnx_model, ir_reader, rule_json, lua_rule,
#   mo_config, ...); scripts/fuzz.sh --list prints them all.
# Builds the target in build-asan/ (clang, ASan + UBSan + libFuzzer, scripts/build-sanitized.sh).
# The seed corpus is the set of repository files named by the target's "// fuzz-seeds:" line
# (globs relative to the repository, ** allowed), so a new target is one new .cpp file.
# The growing corpus is kept in ${REMO_CACHE:-~/.cache/remo}/fuzz/TARGET; crashes, leaks and
# timeouts are written to build-asan/crashes/TARGET/ and make the script exit non-zero.
# Extra arguments after SECONDS go to libFuzzer (e.g. -jobs=1 -seed=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ${1:-} == --list ]]; then
  for f in tests/fuzz/fuzz_*.cpp; do f=${f#tests/fuzz/fuzz_}; echo "${f%.cpp}"; done
  exit 0
fi
target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS] [LIBFUZZER_ARGS...] (or --list)}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
source=tests/fuzz/fuzz_$target.cpp
[[ -f $source ]] || { echo "no fuzz target $source (scripts/fuzz.sh --list)" >&2; exit 2; }

scripts/build-sanitized.sh "fuzz_$target" >/dev/null

# Fresh seed folder from the target's declared globs.
seeds=build-asan/fuzz-seeds/$target
rm -rf "$seeds" && mkdir -p "$seeds"
shopt -s globstar nullglob
read -r -a globs <<<"$(sed -n 's|^// fuzz-seeds:||p' "$source" | head -n 1)"
n=0
for pattern in "${globs[@]}"; do
  for file in $pattern; do
    [[ -f $file ]] || continue
    cp "$file" "$seeds/$((n++))_$(basename "$file")"
  done
done
shopt -u globstar nullglob
echo "fuzz.sh: $target for $seconds s, $n seed files" >&2

corpus=${REMO_CACHE:-$HOME/.cache/remo}/fuzz/$target
crashes=build-asan/crashes/$target
mkdir -p "$corpus" "$crashes"
# The Lua instruction budget keeps each input short; libFuzzer's own timeout catches real hangs.
build-asan/fuzz_"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$crashes/" -print_final_stats=1 "$@" "$corpus" "$seeds"
