#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# The device check of the CUDA backend's image layers (conv2d, pooling,
# batch norm), written on a machine without a GPU for a session that gets
# one.  Two steps:
#
#   here:   tools/device-pack.sh        (the release build with the CUDA
#                                        module, packed into _device/)
#   device: run, carry ["_device"], timeout_s 540,
#           command "sh bench/gpu/cnn-device-check.sh"
#           (add --quick to leave out the real-MNIST cases of the suite)
#
# On the device machine it unpacks the archive (as run-device.sh does), then
#   1. runs the gpu suite (tests/test-gpu): every op CPU against GPU, the
#      image layers' ops and a small CNN's training step included;
#   2. times one epoch of keras-mnist-cnn (60,000 images, batch 128) with
#      inkling-cli train on the GPU in FP32, on the GPU in TF32, and on that
#      machine's CPU cores, with the test accuracy each reached.
# CNN_SUBSET=N trains and tests on the first N images only (a dry run).
# Logs go to $OUT (or ./device-out); the summary is printed last.
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd)
OUT="${OUT:-$REPO/device-out}"
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
mkdir -p "$OUT"
. "$REPO/bench/gpu/device-env.sh"

echo "== 1. the gpu suite"
SKIP=""
[ $QUICK = 1 ] && SKIP="-s /gpu/mnist/short-run -s /gpu/mnist/dbn"
# shellcheck disable=SC2086
timeout 300 "$W/bin/test-gpu" --verbose $SKIP > "$OUT/test-gpu.log" 2>&1
echo "test-gpu exit $?" | tee -a "$OUT/test-gpu.log"
grep -E "^(ok|not ok)|^# (conv2d|pooling|batch norm|CNN)|Bail out|ERROR" "$OUT/test-gpu.log" | cut -c1-220 | head -80

# one epoch of keras-mnist-cnn on DEVICE (cpu or cuda), TF32 (0 or 1): the
# epoch's duration_s and the test accuracy from the --json events
epoch () {
  name=$1 device=$2 tf32=$3
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  INKLING_TF32=$tf32 timeout 300 "$CLI" train -p keras-mnist-cnn --epochs 1 --device "$device" \
    ${CNN_SUBSET:+--subset "$CNN_SUBSET"} --no-ledger --no-progress --json > "$OUT/cnn-$name.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  dur=$(sed -n 's/.*"event":"epoch".*"duration_s":\([0-9.e+-]*\).*/\1/p' "$OUT/cnn-$name.log" | head -n 1)
  acc=$(sed -n 's/.*"event":"test".*"test_accuracy":\([0-9.e+-]*\).*/\1/p' "$OUT/cnn-$name.log" | head -n 1)
  dev=$(sed -n 's/.*"event":"start".*"device":"\([^"]*\)".*/\1/p' "$OUT/cnn-$name.log" | head -n 1)
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  printf 'keras-mnist-cnn, 1 epoch, %-10s exit %s: epoch %s s, test accuracy %s, process %s s, on %s\n' \
    "$name:" "$rc" "${dur:-?}" "${acc:-?}" "$wall" "${dev:-?}" | tee -a "$OUT/summary.txt"
  [ "$rc" = 0 ] || tail -n 5 "$OUT/cnn-$name.log"
}

: > "$OUT/summary.txt"
echo "== 2. keras-mnist-cnn, one epoch: GPU FP32, GPU TF32, CPU"
epoch cuda-fp32 cuda 0
epoch cuda-tf32 cuda 1
epoch cpu cpu 0

echo "== summary"
echo "gpu suite: $(grep -c '^ok' "$OUT/test-gpu.log") ok (of which $(grep -c '^ok.*# SKIP' "$OUT/test-gpu.log") skipped), $(grep -c '^not ok' "$OUT/test-gpu.log") failed"
cat "$OUT/summary.txt"
