#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The CPU benchmark: keras-mnist-mlp epochs at batch 128 against the sgemm
# floor (inkling-cli bench, one process), then the same recipe in PyTorch
# tuned fairly, on the same machine, one after the other.
#   bench/run-bench.sh [EPOCHS]        (default 5)
# Needs a build in _build (tools/build.sh) and, for the peer, python3-torch.
set -eu
cd "$(dirname "$0")/.."
EPOCHS="${1:-5}"
CLI=_build/src/cli/inkling-cli

echo "== machine"
grep -m1 "model name" /proc/cpuinfo || true
echo "cores: $(nproc)"
echo
echo "== inkling-cli bench --epochs $EPOCHS (OPENBLAS_CORETYPE as found: ${OPENBLAS_CORETYPE:-unset})"
"$CLI" bench --epochs "$EPOCHS"
echo
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import torch" 2>/dev/null; then
  # tuned fairly: the AVX-512 kernels (as Inkling picks them), passive OpenMP
  # waiting (libgomp's spinning fights OpenBLAS's threads), flush-to-zero
  core="${OPENBLAS_CORETYPE:-}"
  if [ -z "$core" ]; then
    if grep -q avx512f /proc/cpuinfo; then core=SkylakeX; elif grep -q avx2 /proc/cpuinfo; then core=Haswell; fi
  fi
  echo "== PyTorch, tuned (OPENBLAS_CORETYPE=$core OMP_WAIT_POLICY=PASSIVE, 2 threads, FTZ)"
  OPENBLAS_CORETYPE="$core" OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_mnist_mlp.py --epochs "$EPOCHS"
else
  echo "== PyTorch: python3-torch is not installed (apt-get install python3-torch); peer skipped"
fi
