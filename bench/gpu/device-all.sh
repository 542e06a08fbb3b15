#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# One call on the lent GPU machine that checks the CUDA backend as far as a
# time budget allows, most important first (tools/device-pack.sh makes the
# archive it unpacks):
#
#   device run, carry ["_device"], timeout_s BUDGET+60,
#     command "BUDGET=240 sh bench/gpu/device-all.sh"
#
#   1. every case of the gpu suite (tests/test-gpu) in its own process, so
#      one failed assertion does not hide the cases after it;
#   2. keras-mnist-cnn, one epoch on the GPU (FP32), saved; `parity` on it;
#   3. compute-sanitizer: memcheck over the op cases and a short training
#      run of each CNN preset, racecheck over the image layers' cases;
#   4. keras-mnist-cnn one epoch in TF32; keras-mnist-mlp `bench --device
#      cuda`; bench-gpu's per-op timings; one CPU epoch for scale;
#   5. with BEST_CNN="SEED ..." (or "FILE:SEED ...", an experiment file of the
#      repository): best-cnn (or FILE) in full, one run per entry, side by
#      side on the GPU, with whatever time is left (BEST_CNN_ARGS: more flags).
# A step starts only if its time limit still fits in BUDGET seconds (default
# 240) counted from the start.  Logs go to $OUT (or ./device-out); a summary
# is printed last.
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd)
OUT="${OUT:-$REPO/device-out}"
BUDGET="${BUDGET:-240}"
mkdir -p "$OUT"
T0=$(date +%s)
. "$REPO/bench/gpu/device-env.sh"
: > "$OUT/summary.txt"

# STEPS: which of steps 1-4 run (default all); step 5 runs when BEST_CNN is set
want () {
  case " ${STEPS:-1 2 3 4} " in *" $1 "*) return 0 ;; esac
  return 1
}

fits () {
  now=$(date +%s)
  if [ $((now - T0 + $1)) -gt "$BUDGET" ]; then
    echo "skipped (budget): $2" | tee -a "$OUT/summary.txt"
    return 1
  fi
  return 0
}

if want 1; then
echo "== 1. the gpu suite, one process per case"
for p in $("$W/bin/test-gpu" -l | grep '^/'); do
  fits 60 "test-gpu $p" || continue
  name=$(echo "$p" | tr / _)
  s=$(date +%s.%N)
  timeout 60 "$W/bin/test-gpu" --verbose -p "$p" > "$OUT/test$name.log" 2>&1
  rc=$?
  e=$(date +%s.%N)
  res=$(grep -E '^(ok|not ok)' "$OUT/test$name.log" | head -n 1 | cut -c1-110)
  printf 'test-gpu %-22s exit %3s %5.1f s  %s\n' "$p" "$rc" "$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')" "${res:-no result}" \
    | tee -a "$OUT/summary.txt"
  if [ "$rc" != 0 ]; then
    grep -E 'ERROR|assert|Bail|CUDA|cuda|error' "$OUT/test$name.log" | head -n 6 | cut -c1-300
  fi
done
fi

# one epoch of keras-mnist-cnn: NAME DEVICE TF32 [extra args]
epoch () {
  name=$1 device=$2 tf32=$3
  shift 3
  fits 120 "epoch $name" || return 0
  s=$(date +%s.%N)
  INKLING_TF32=$tf32 timeout 120 "$CLI" train -p keras-mnist-cnn --epochs 1 --device "$device" \
    --no-ledger --no-progress --json "$@" > "$OUT/cnn-$name.log" 2>&1
  rc=$?
  e=$(date +%s.%N)
  dur=$(sed -n 's/.*"event":"epoch".*"duration_s":\([0-9.e+-]*\).*/\1/p' "$OUT/cnn-$name.log" | head -n 1)
  acc=$(sed -n 's/.*"event":"test".*"test_accuracy":\([0-9.e+-]*\).*/\1/p' "$OUT/cnn-$name.log" | head -n 1)
  dev=$(sed -n 's/.*"event":"start".*"device":"\([^"]*\)".*/\1/p' "$OUT/cnn-$name.log" | head -n 1)
  printf 'keras-mnist-cnn 1 epoch %-9s exit %s: epoch %s s, test accuracy %s, process %.1f s, on %s\n' \
    "$name" "$rc" "${dur:-?}" "${acc:-?}" "$(awk -v a="$s" -v b="$e" 'BEGIN { print b - a }')" "${dev:-?}" | tee -a "$OUT/summary.txt"
  [ "$rc" = 0 ] || tail -n 5 "$OUT/cnn-$name.log" | cut -c1-300
}

if want 2; then
echo "== 2. keras-mnist-cnn on the GPU, then parity"
epoch cuda-fp32 cuda 0 --save "$W/cnn.safetensors"
if [ -f "$W/cnn.safetensors" ] && fits 60 "parity"; then
  timeout 60 "$CLI" parity "$W/cnn.safetensors" > "$OUT/parity.log" 2>&1
  echo "parity exit $?" | tee -a "$OUT/summary.txt"
  tail -n 20 "$OUT/parity.log" | tee -a "$OUT/summary.txt"
fi
fi

if want 3; then
echo "== 3. compute-sanitizer: memcheck over the op cases and a short CNN run, racecheck on the image ops"
if command -v compute-sanitizer > /dev/null; then
  if fits 90 "memcheck test-gpu"; then
    timeout 90 compute-sanitizer --tool memcheck --error-exitcode 3 "$W/bin/test-gpu" \
      -s /gpu/mnist/short-run -s /gpu/mnist/dbn -s /gpu/module-missing -s /gpu/memory > "$OUT/memcheck.log" 2>&1
    echo "memcheck test-gpu exit $?: $(grep -c '^ok' "$OUT/memcheck.log") ok, $(grep -c '^not ok' "$OUT/memcheck.log") not ok; $(grep -E 'ERROR SUMMARY' "$OUT/memcheck.log" | tail -n 1)" \
      | tee -a "$OUT/summary.txt"
    grep -E 'Invalid|Address|at 0x|by thread|not ok' "$OUT/memcheck.log" | head -n 8 | cut -c1-200
  fi
  for preset in keras-mnist-cnn best-cnn; do
    fits 60 "memcheck $preset" || continue
    timeout 60 compute-sanitizer --tool memcheck --error-exitcode 3 "$CLI" train -p $preset --epochs 2 \
      --subset 1024 --device cuda --no-ledger --no-progress > "$OUT/memcheck-$preset.log" 2>&1
    echo "memcheck train $preset --subset 1024 --epochs 2 exit $?: $(grep -E 'ERROR SUMMARY' "$OUT/memcheck-$preset.log" | tail -n 1)" \
      | tee -a "$OUT/summary.txt"
    grep -E 'Invalid|Address|at 0x|error' "$OUT/memcheck-$preset.log" | head -n 6 | cut -c1-200
  done
  for p in /gpu/conv2d /gpu/pooling /gpu/batch-norm /gpu/cnn-step; do
    fits 45 "racecheck $p" || continue
    name=$(echo "$p" | tr / _)
    timeout 45 compute-sanitizer --tool racecheck --error-exitcode 3 "$W/bin/test-gpu" -p "$p" \
      > "$OUT/racecheck$name.log" 2>&1
    echo "racecheck $p exit $?: $(grep -E 'RACECHECK SUMMARY|ERROR SUMMARY' "$OUT/racecheck$name.log" | tail -n 1)" \
      | tee -a "$OUT/summary.txt"
  done
fi
fi

if want 4; then
echo "== 4. TF32, the dense bench, per-op timings, a CPU epoch"
epoch cuda-tf32 cuda 1
if fits 90 "bench --device cuda"; then
  timeout 90 "$CLI" bench --device cuda -e 5 --floor-runs 3 > "$OUT/bench-mlp-cuda.log" 2>&1
  echo "bench --device cuda exit $?: $(grep 'median training epoch' "$OUT/bench-mlp-cuda.log" | tail -n 1)" \
    | tee -a "$OUT/summary.txt"
fi
if fits 60 "bench-gpu"; then
  timeout 60 "$W/bin/bench-gpu" cuda > "$OUT/bench-gpu.log" 2>&1
  echo "bench-gpu exit $?" | tee -a "$OUT/summary.txt"
  tail -n 12 "$OUT/bench-gpu.log"
fi
epoch cpu cpu 0
fi

# best-cnn, full length, on the GPU: BEST_CNN="SEED ..." runs one per seed,
# side by side on the one GPU; test accuracy per epoch from the history
if [ -n "${BEST_CNN:-}" ]; then
  echo "== 5. best-cnn on the GPU, seeds $BEST_CNN"
  left=$((BUDGET - ($(date +%s) - T0) - 10))
  if [ "$left" -gt 60 ]; then
    for seed in $BEST_CNN; do
      ( s=$(date +%s)
        case $seed in
          *:*) src="-c $REPO/${seed%%:*}"; tag=$(basename "${seed%%:*}" .json)-${seed##*:}; seed=${seed##*:} ;;
          *) src="-p best-cnn"; tag=best-cnn-$seed ;;
        esac
        # shellcheck disable=SC2086
        timeout "$left" "$CLI" train $src --device cuda --seed "$seed" ${BEST_CNN_ARGS:-} --no-ledger \
          --no-progress --json --history "$OUT/$tag.csv" > "$OUT/$tag.log" 2>&1
        rc=$?
        echo "$tag exit $rc in $(( $(date +%s) - s )) s: last epochs $(sed -n 's/.*"event":"epoch".*"epoch":\([0-9]*\).*"valid_acc":\([0-9.]*\).*/\1:\2/p' "$OUT/$tag.log" | tail -n 6 | tr '\n' ' ')test $(sed -n 's/.*"event":"test".*"test_accuracy":\([0-9.]*\).*/\1/p' "$OUT/$tag.log")" \
          >> "$OUT/summary.txt" ) &
    done
    wait
  else
    echo "skipped (budget): best-cnn" | tee -a "$OUT/summary.txt"
  fi
fi

echo "== summary ($(( $(date +%s) - T0 )) s)"
cat "$OUT/summary.txt"
