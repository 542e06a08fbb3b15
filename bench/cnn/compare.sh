#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# keras-mnist-cnn on the CPU in one call: the floor (bench-conv: the
# network's convolution and dense products at the measured oneDNN/OpenBLAS
# rate, nothing else), Inkling (bench-train: its trainer, training pass
# alone), PyTorch (torch-keras-cnn.py, tuned as ../shared/PEERS.md says),
# then the floor again, ROUNDS times in turn; the peak RSS of each (and of
# `inkling-cli train` for one epoch, with --cli) from /usr/bin/time -v;
# a table of the medians at the end.
#   bench/cnn/compare.sh [--epochs N] [--rounds R] [--subset N] [--cli]
# Needs a build in _build (tools/build.sh, then
# `ninja -C _build bench/bench-conv bench/bench-train`) and, for the peer,
# python3-torch (tools/install-bench-deps.sh).
set -eu
cd "$(dirname "$0")/../.."
EPOCHS=1 ROUNDS=1 SUBSET=0 CLI=0
while [ $# -gt 0 ]; do
  case "$1" in
    --epochs) EPOCHS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --subset) SUBSET="$2"; shift 2 ;;
    --cli) CLI=1; shift ;;
    *) echo "usage: $0 [--epochs N] [--rounds R] [--subset N] [--cli]" >&2; exit 2 ;;
  esac
done
B=_build/bench
ninja -C _build bench/bench-conv bench/bench-train >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# The same environment for all three: the OpenBLAS kernels Inkling runs
# with (OPENBLAS_CORETYPE as given, else the core OpenBLAS detects or
# Inkling's re-exec picks, as `inkling-cli info` reports it), OpenMP
# workers that sleep when idle (oneDNN's and torch's, next to OpenBLAS's
# pthreads), 2 threads.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  OPENBLAS_CORETYPE=$(_build/src/cli/inkling-cli info | sed -n 's/^blas:.*; core \([A-Za-z0-9_]*\).*/\1/p')
fi
export OPENBLAS_CORETYPE OMP_WAIT_POLICY=PASSIVE
N_TRAIN=60000
[ "$SUBSET" -gt 0 ] && N_TRAIN=$SUBSET
SUB_ARGS="" TORCH_ARGS=""
# on a subset only the time counts: PyTorch skips its (slow) test pass
[ "$SUBSET" -gt 0 ] && SUB_ARGS="--subset $SUBSET" && TORCH_ARGS="--no-test"

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE OMP_WAIT_POLICY=$OMP_WAIT_POLICY; $EPOCHS epoch(s) of $N_TRAIN images, $ROUNDS round(s)"

rss () { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{printf "%.0f", $1 / 1024}'; }
floor () {
  "$B/bench-conv" --train "$N_TRAIN" --reps 7 >"$OUT/floor.txt" 2>&1
  sed -n 's/.*"floor_epoch_s":\([0-9.]*\).*/\1/p' "$OUT/floor.txt" >>"$OUT/floor.s"
  grep -E "^floor:" "$OUT/floor.txt"
}

r=1
while [ "$r" -le "$ROUNDS" ]; do
  echo "-- round $r"
  floor
  /usr/bin/time -v "$B/bench-train" --epochs "$EPOCHS" $SUB_ARGS >"$OUT/ours.txt" 2>"$OUT/ours.time"
  grep -E "^epoch" "$OUT/ours.txt" | sed 's/^/inkling /'
  sed -n 's/^epoch *[0-9]*: \([0-9.]*\) s training pass.*/\1/p' "$OUT/ours.txt" >>"$OUT/ours.s"
  rss "$OUT/ours.time" >>"$OUT/ours.rss"; echo >>"$OUT/ours.rss"
  sed -n 's/.*"test_accuracy":\([0-9.]*\).*/\1/p' "$OUT/ours.txt" >"$OUT/ours.acc"
  if /usr/bin/python3 -c "import torch" 2>/dev/null; then
    /usr/bin/time -v /usr/bin/python3 bench/cnn/torch-keras-cnn.py --epochs "$EPOCHS" $SUB_ARGS $TORCH_ARGS \
      >"$OUT/torch.txt" 2>"$OUT/torch.time"
    grep -E "^torch" "$OUT/torch.txt"
    sed -n 's/^torch epoch *[0-9]*: \([0-9.]*\) s training pass.*/\1/p' "$OUT/torch.txt" >>"$OUT/torch.s"
    rss "$OUT/torch.time" >>"$OUT/torch.rss"; echo >>"$OUT/torch.rss"
    sed -n 's/.*"test_accuracy": \([0-9.]*\).*/\1/p' "$OUT/torch.txt" >"$OUT/torch.acc"
  fi
  floor
  r=$((r + 1))
done

if [ "$CLI" = 1 ]; then
  /usr/bin/time -v _build/src/cli/inkling-cli train --preset keras-mnist-cnn --epochs 1 $SUB_ARGS \
    --no-ledger --no-progress -q >/dev/null 2>"$OUT/cli.time"
  echo "inkling-cli train --preset keras-mnist-cnn --epochs 1: peak RSS $(rss "$OUT/cli.time") MiB"
fi

med () { [ -s "$1" ] && sort -n "$1" | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}' || echo nan; }
F=$(med "$OUT/floor.s"); O=$(med "$OUT/ours.s"); T=$(med "$OUT/torch.s")
echo
echo "| keras-mnist-cnn, s/epoch ($N_TRAIN images, batch 128) | median | ÷ floor | peak RSS MiB | test acc |"
echo "|---|---|---|---|---|"
awk -v f="$F" -v o="$O" -v t="$T" -v orss="$(med "$OUT/ours.rss")" -v trss="$(med "$OUT/torch.rss")" \
    -v oacc="$(cat "$OUT/ours.acc" 2>/dev/null || echo nan)" -v tacc="$(cat "$OUT/torch.acc" 2>/dev/null || echo nan)" '
  BEGIN {
    printf "| floor (conv + dense products, oneDNN/OpenBLAS) | %.2f | 1.00 | | |\n", f
    printf "| Inkling (oneDNN conv, OpenBLAS dense) | %.2f | %.2f | %s | %s |\n", o, o / f, orss, oacc
    if (t != "nan")
      printf "| PyTorch 1.13 tuned | %.2f | %.2f | %s | %s |\n", t, t / f, trss, tacc
    if (t != "nan")
      printf "\nInkling / PyTorch: %.2f\n", o / t
  }'
