#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A 16-run sweep of keras-mnist-mlp, learning rate × batch size (4 × 4; the
# first 10,000 training and test images, 2 epochs a run), three ways on this
# machine: one run after another (--parallel 1: each run gets every core's
# BLAS threads), the local executor's default (as many runs at a time as the
# cores take, one BLAS thread each), and a job array through a one-node Slurm
# cluster started here (tests/slurm-cluster.sh; root, slurm-wlm and munge;
# one CPU a task).  Prints each wall time and the best run of each.
#   bench/sweep/compare.sh [--subset N] [--epochs E]
# Needs a build in _build (tools/build.sh) and MNIST (tools/setup-data.sh).
set -eu
cd "$(dirname "$0")/../.."
SUBSET=10000 EPOCHS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --subset) SUBSET="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    *) echo "usage: $0 [--subset N] [--epochs E]" >&2; exit 2 ;;
  esac
done
CLI="$PWD/_build/src/cli/inkling-cli"
W=$(mktemp -d /tmp/inkling-sweep-bench-XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT

"$CLI" train -p keras-mnist-mlp --write-config "$W/base.json" >/dev/null
/usr/bin/python3 - "$W/base.json" "$W/lr-batch.json" "$SUBSET" "$EPOCHS" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["name"] = "lr-batch"
e["data"]["subset"] = int(sys.argv[3])
e["training"]["epochs"] = int(sys.argv[4])
e["sweep"] = {"parameters": [
    {"path": "optimizer.lr", "values": [0.0003, 0.001, 0.003, 0.01]},
    {"path": "training.batch_size", "values": [32, 64, 128, 256]}]}
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY

now () { date +%s.%N; }
secs () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
best () { "$CLI" sweep report "$1" | sed -n '3p;5p'; "$CLI" sweep status "$1" | sed -n 2p; }

echo "== $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 16 runs of keras-mnist-mlp, lr × batch, subset $SUBSET, $EPOCHS epochs each"

t0=$(now); "$CLI" sweep "$W/lr-batch.json" --dir "$W/seq" --parallel 1 >/dev/null; t1=$(now)
echo "one after another (--parallel 1): $(secs "$t0" "$t1") s"; best "$W/seq"

t0=$(now); "$CLI" sweep "$W/lr-batch.json" --dir "$W/local" >/dev/null; t1=$(now)
echo "local executor (default parallelism): $(secs "$t0" "$t1") s"; best "$W/local"

cat > "$W/slurm.sh" <<SH
#!/bin/sh
set -e
t0=\$(date +%s.%N)
"$CLI" sweep "$W/lr-batch.json" --dir "$W/slurm" --executor slurm --cpus-per-task 1 --wait >/dev/null
t1=\$(date +%s.%N)
awk -v a="\$t0" -v b="\$t1" 'BEGIN { printf "slurm job array (1 CPU a task): %.1f s\n", b - a }'
SH
chmod +x "$W/slurm.sh"
if tests/with-slurm.sh "$W/slurm.sh"; then
  [ -d "$W/slurm" ] && best "$W/slurm"
fi
