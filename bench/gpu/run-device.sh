#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Everything the GPU issue asks to measure, in one call on the lent device
# machine (see tools/device-pack.sh, which makes the archive this unpacks):
#   1. the CPU-vs-GPU agreement test (tests/test-gpu, incl. a real-MNIST run)
#   2. keras-mnist-mlp on the GPU: epoch time against the cuBLAS floor
#      (inkling-cli bench --device cuda), FP32 and TF32
#   3. PyTorch eager on the same GPU, data already on the device, same model
#   4. a short GPU training run saved, then `inkling-cli parity` on it
#   5. bench-gpu: per-op and per-step timings
#   6. best-mlp on the GPU (the DBN issue asks for its time there)
# Logs go to $OUT (or ./device-out); the summary is printed last.
#   usage: sh bench/gpu/run-device.sh [--quick]
set -u
cd "$(dirname "$0")/../.."
REPO=$(pwd)
OUT="${OUT:-$REPO/device-out}"
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
mkdir -p "$OUT"
. "$REPO/bench/gpu/device-env.sh"

echo "== 1. agreement test"
"$W/bin/test-gpu" --verbose > "$OUT/test-gpu.log" 2>&1
echo "test-gpu exit $?" | tee -a "$OUT/test-gpu.log"
grep -E "^(ok|not ok)|max|rel|skip|accuracy" "$OUT/test-gpu.log" | head -60

E=20
[ $QUICK = 1 ] && E=5
echo "== 2. inkling-cli bench --device cuda (FP32, then TF32)"
"$CLI" bench --device cuda -e $E --floor-runs 5 > "$OUT/bench-fp32.log" 2>&1
tail -n 3 "$OUT/bench-fp32.log"
INKLING_TF32=1 "$CLI" bench --device cuda -e $E --floor-runs 5 > "$OUT/bench-tf32.log" 2>&1
tail -n 3 "$OUT/bench-tf32.log"
echo "== 2b. the same on this machine's CPU cores, for scale"
"$CLI" bench --device cpu -e 3 --floor-runs 3 > "$OUT/bench-cpu.log" 2>&1
tail -n 3 "$OUT/bench-cpu.log"

echo "== 3. PyTorch eager, data on the GPU"
PYTHONUNBUFFERED=1 python3 bench/torch_mnist_mlp.py --device cuda --epochs $E --data "$D" \
  > "$OUT/torch-gpu.log" 2>&1
tail -n 2 "$OUT/torch-gpu.log"

echo "== 4. a GPU run, then parity"
"$CLI" train -p keras-mnist-mlp --device cuda --epochs 5 --no-progress -o "$W/keras.safetensors" \
  > "$OUT/train-gpu.log" 2>&1
grep -E "^model:|no trained model|stopped|error" "$OUT/train-gpu.log"
"$CLI" parity "$W/keras.safetensors" > "$OUT/parity.log" 2>&1
cat "$OUT/parity.log"

echo "== 5. bench-gpu"
"$W/bin/bench-gpu" cuda > "$OUT/bench-gpu.log" 2>&1
tail -n 15 "$OUT/bench-gpu.log"

if [ $QUICK = 0 ]; then
  echo "== 6. best-mlp on the GPU"
  /usr/bin/time -v "$CLI" train -p best-mlp --device cuda --no-progress > "$OUT/best-mlp-gpu.log" 2> "$OUT/best-mlp-gpu.time"
  grep -E "^model:|stopped" "$OUT/best-mlp-gpu.log"
  grep -E "Elapsed|Maximum resident" "$OUT/best-mlp-gpu.time"
fi

echo "== summary"
grep -h "median training epoch" "$OUT"/bench-*.log
grep -h '"epoch_median_s"' "$OUT/torch-gpu.log"
