#!/usr/bin/env bash
# The whole test: build, unit tests, then end-to-end conformance and CLI behaviour
# against OpenVINO + onnxruntime (and TensorFlow, Paddle), then all of it again built with ASan
# and UBSan, then a short fuzz run of every reader. Stops at the first failing stage. The last
# line is "N passed, M failed" over the conformance, behaviour and options cases of the plain build.
# Everything downloaded or generated is cached under ${REMO_CACHE:-~/.cache/remo}.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
start=$SECONDS

stage() { # stage NAME CMD... : runs CMD, output teed to $log/NAME, timed
  local name=$1 t=$SECONDS
  shift
  echo "=== stage: $name"
  if ! "$@" 2>&1 | tee "$log/$name"; then
    echo "=== stage $name FAILED after $((SECONDS - t)) s" >&2
    summary
    exit 1
  fi
  echo "=== stage $name ok ($((SECONDS - t)) s)"
}

counts() { # the last "N passed, M failed" line a stage printed, as "N M"
  sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log/$1" 2>/dev/null | tail -n 1
}

summary() { # sums whatever the conformance, behaviour and dynamic-shapes stages got to count
  local p=0 f=0 n m ran=
  for s in conformance behaviour options dynamic-shapes tf-conformance tf-options conformance-paddle conformance-paddle-ops conformance-paddle-pir-ops; do
    read -r n m <<<"$(counts "$s")" || true
    [[ -n ${n:-} ]] && ran=1
    p=$((p + ${n:-0})) f=$((f + ${m:-0}))
  done
  echo "total time $((SECONDS - start)) s"
  [[ -z $ran ]] || echo "$p passed, $f failed"
}

stage build scripts/build.sh
stage unit ctest --test-dir build --output-on-failure -j2
stage venv scripts/python-env.sh
PY=$(tail -n 1 "$log/venv") # python-env.sh prints the venv's python last
stage models-single-op "$PY" tests/conformance/make_single_op_models.py
stage models-cnn /usr/bin/python3 tests/conformance/make_cnn_models.py
stage conformance "$PY" tests/conformance/run_conformance.py build/remo
stage behaviour "$PY" tests/conformance/test_cli_behaviour.py build/remo
stage options "$PY" tests/conformance/test_options.py build/remo
stage fusions "$PY" tests/conformance/test_fusions.py build/remo
stage dynamic-shapes "$PY" tests/conformance/test_dynamic_shapes.py build/remo
# The ONNX backend node tests through remo alone; fails if fewer pass than the recorded floor.
stage onnx-node-tests "$PY" tests/conformance/onnx_backend.py build/remo --quiet --floor tests/conformance/onnx_node_tests.floor
# TensorFlow graphs of every maker (make_tf_*models*.py: the six Keras applications, an op mix,
# compact TF-Slim and other topologies, quantized and control-flow graphs) against
# TensorFlow's outputs, each in every form stored (frozen, SavedModel, checkpoint, MetaGraph); the models are generated once into the cache (make_tf_models.py, ~2.5 min
# cold, ~280 MB); under a minute warm.
stage tf-conformance "$PY" tests/conformance/run_tf_conformance.py build/remo
stage tf-options "$PY" tests/conformance/test_tf_options.py build/remo
# Paddle models in both formats (legacy .pdmodel, PIR .json) against Paddle's own inference (models cached like the CNNs).
stage models-paddle "$PY" tests/conformance/make_paddle_models.py
stage conformance-paddle "$PY" tests/conformance/run_paddle_conformance.py build/remo
# Small Paddle programs: recurrent (CRNN), detection and control-flow ops.
stage models-paddle-ops "$PY" tests/conformance/make_paddle_op_models.py
stage conformance-paddle-ops "$PY" tests/conformance/run_paddle_conformance.py build/remo --maker make_paddle_op_models.py
# The same programs saved as Paddle 3 PIR programs (pd_op.if / pd_op.while regions).
stage models-paddle-pir-ops "$PY" tests/conformance/make_paddle_pir_op_models.py
stage conformance-paddle-pir-ops "$PY" tests/conformance/run_paddle_conformance.py build/remo --maker make_paddle_pir_op_models.py

# The same suites once more with AddressSanitizer and UndefinedBehaviorSanitizer (a clang build
# that also holds the libFuzzer targets): memory errors and undefined behaviour fail the run even
# when the results happen to be right.
stage build-sanitized scripts/build-sanitized.sh
stage unit-sanitized ctest --test-dir build-asan --output-on-failure -j2
stage conformance-sanitized "$PY" tests/conformance/run_conformance.py build-asan/remo
stage behaviour-sanitized "$PY" tests/conformance/test_cli_behaviour.py build-asan/remo
stage options-sanitized "$PY" tests/conformance/test_options.py build-asan/remo
stage fusions-sanitized "$PY" tests/conformance/test_fusions.py build-asan/remo
stage conformance-paddle-sanitized "$PY" tests/conformance/run_paddle_conformance.py build-asan/remo \
  --only 'mobilenet_v1*,squeezenet1_1,shufflenet_v2_x0_25,googlenet,op_zoo'
stage conformance-paddle-ops-sanitized "$PY" tests/conformance/run_paddle_conformance.py build-asan/remo --maker make_paddle_op_models.py
stage conformance-paddle-pir-ops-sanitized "$PY" tests/conformance/run_paddle_conformance.py build-asan/remo \
  --maker make_paddle_pir_op_models.py --only 'control_flow,rnn_states'
stage dynamic-shapes-sanitized "$PY" tests/conformance/test_dynamic_shapes.py build-asan/remo
# Without the four biggest Keras graphs: they add minutes under ASan and no new code paths.
stage tf-conformance-sanitized "$PY" tests/conformance/run_tf_conformance.py build-asan/remo \
  --skip inception_v3,densenet121,efficientnet_b0,nasnet_mobile
stage tf-options-sanitized "$PY" tests/conformance/test_tf_options.py build-asan/remo
stage onnx-node-tests-sanitized "$PY" tests/conformance/onnx_backend.py build-asan/remo --quiet --floor tests/conformance/onnx_node_tests.floor

# A short fuzz run of every reader (REMO_FUZZ_SMOKE_SECONDS each, default 30): a crash, leak or
# hang fails the stage and leaves the input in build-asan/crashes/TARGET/.
fuzz_smoke() {
  local t
  for t in $(scripts/fuzz.sh --list); do
    if ! scripts/fuzz.sh "$t" "${REMO_FUZZ_SMOKE_SECONDS:-30}" >"$log/fuzz-$t" 2>&1; then
      tail -n 60 "$log/fuzz-$t"
      echo "fuzz target $t failed"
      return 1
    fi
    echo "$t: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log/fuzz-$t" | tail -n 1)"
  done
}
stage fuzz-smoke fuzz_smoke
summary
