#!/bin/sh
# test-slurm.sh
#
# Copyright 2026 The Inkling developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.
#
# This program is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
# GNU General Public License for more details.
#
# You should have received a copy of the GNU General Public License
# along with this program.  If not, see <https://www.gnu.org/licenses/>.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A sweep through a real Slurm: starts a one-node cluster on this machine
# (munged as the munge user on a socket of its own, slurmctld and slurmd
# with a generated slurm.conf on ports of their own, everything in a
# temporary folder), runs a 4-run sweep as a job array (`inkling-cli sweep
# --executor slurm`), cancels one running task with scancel (it keeps its
# checkpoint), re-submits the same sweep, and checks that only that task
# ran again (from its checkpoint) while the finished children's files were
# left alone.  Skips (77) with the reason when not root or when slurm-wlm
# or munge is not installed.  Tears the daemons down at the end.
#
# usage: test-slurm.sh INKLING-CLI

set -u

CLI=${1:?usage: test-slurm.sh INKLING-CLI}
case "$CLI" in /*) ;; *) CLI="$(pwd)/$CLI" ;; esac

skip () { echo "SKIP: $*"; exit 77; }
fail () { echo "FAIL: $*"; [ -n "${T:-}" ] && for f in "$T"/ctld.log "$T"/d.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

. "$(dirname "$0")/slurm-cluster.sh"
slurm_cluster_check
slurm_cluster_up inkling-slurm KillWait=30
echo "cluster up: $(sinfo -h)"

# --- the sweep: 4 children, 60 short epochs each ---
DATA="${XDG_DATA_HOME:-$HOME/.local/share}/inkling/datasets/mnist"
if [ -f "$DATA/train-images-idx3-ubyte" ]; then
  DATASET="$DATA"
else
  # a stand-in of MNIST's shape: the test is about Slurm, not accuracy
  command -v python3 >/dev/null 2>&1 || skip "neither MNIST ($DATA) nor python3 to write a stand-in"
  DATASET="$T/synth"
  mkdir -p "$DATASET"
  python3 - "$DATASET" <<'EOF' || fail "could not write a synthetic dataset"
import os, random, struct, sys
d = sys.argv[1]
random.seed(1)
for prefix, n in (("train", 600), ("t10k", 300)):
    labels = [random.randrange(10) for _ in range(n)]
    images = bytearray()
    for c in labels:
        img = bytearray(random.randrange(60) for _ in range(784))
        r0, c0 = 3 + (c // 5) * 12, 2 + (c % 5) * 5
        for r in range(r0, r0 + 6):
            for k in range(c0, c0 + 6):
                img[r * 28 + k] = 200
        images += img
    with open(os.path.join(d, prefix + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, n, 28, 28) + images)
    with open(os.path.join(d, prefix + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + bytes(labels))
EOF
fi
SW="$T/sweep"
cat > "$T/spec.json" <<EOF
{ "name": "slurm4",
  "data": { "dataset": "$DATASET", "split": "official", "subset": 300, "normalization": "standardize" },
  "network": { "inputs": 784, "layers": [ { "units": 16, "activation": "relu" },
                                          { "units": 10, "activation": "softmax" } ] },
  "optimizer": { "kind": "rmsprop", "lr": 0.001 },
  "training": { "epochs": 60, "batch_size": 64 },
  "seed": 42,
  "sweep": { "parameters": [ { "path": "optimizer.lr", "values": [0.003, 0.001] },
                             { "path": "seed", "values": [1, 2] } ],
             "slurm": { "partition": "debug", "time": "00:10:00" } } }
EOF

# --dry-run prints the job-array script and writes nothing
"$CLI" sweep "$T/spec.json" --dir "$SW" --executor slurm --parallel 2 --dry-run > "$T/dry.sh" \
  || fail "sweep --dry-run failed"
grep -q '^#SBATCH --array=0-3%2$' "$T/dry.sh" || fail "the dry run's script has no --array=0-3%2: $(cat "$T/dry.sh")"
grep -q '^#SBATCH --partition=debug$' "$T/dry.sh" || fail "the dry run's script has no partition"
[ -e "$SW" ] && fail "--dry-run wrote $SW"

"$CLI" sweep "$T/spec.json" --dir "$SW" --executor slurm --parallel 2 > "$T/submit.out" 2>&1 \
  || fail "sweep --executor slurm failed: $(cat "$T/submit.out")"
JOB=$(sed -n 's/.*submitted job array \([0-9]*\).*/\1/p' "$T/submit.out")
[ -n "$JOB" ] || fail "no job id in: $(cat "$T/submit.out")"
echo "submitted job array $JOB"

# --- cancel one running task past its first checkpoint: stopped first
# (SIGSTOP) so that it cannot finish meanwhile; Slurm's SIGCONT + SIGTERM
# then stop the run, which keeps its checkpoint ---
VICTIM=""
i=0
while [ -z "$VICTIM" ]; do
  i=$((i + 1))
  [ $i -gt 1200 ] && fail "no task was seen running past epoch 1 in 120 s ($(squeue 2>&1))"
  sleep 0.1
  for d in "$SW"/runs/t-*; do
    grep -q '"state" : "running"' "$d/status.json" 2>/dev/null || continue
    [ "$(wc -l < "$d/history.csv" 2>/dev/null || echo 0)" -ge 3 ] || continue
    pid=$(sed -n 's/.*"pid" : \([0-9]*\).*/\1/p' "$d/status.json")
    task=$(sed -n 's/.*"slurm_job" : "\([0-9_]*\)".*/\1/p' "$d/status.json")
    [ -n "$pid" ] && [ -n "$task" ] || continue
    kill -STOP "$pid" 2>/dev/null || continue
    if grep -q '"state" : "running"' "$d/status.json"; then
      scancel "$task" || fail "scancel $task failed"
      kill -CONT "$pid" 2>/dev/null
      VICTIM="$d"
      echo "cancelled task $task ($(basename "$d"))"
      break
    fi
    kill -CONT "$pid"
  done
done

i=0
while squeue -h -j "$JOB" 2>/dev/null | grep -q .; do
  i=$((i + 1))
  [ $i -gt 600 ] && fail "job $JOB still queued after 300 s: $(squeue 2>&1)"
  sleep 0.5
done
"$CLI" sweep status "$SW" > "$T/status1.txt" || fail "sweep status failed"
cat "$T/status1.txt"
grep -q '"state" : "stopped"' "$VICTIM/status.json" \
  || fail "the cancelled task did not record a stop: $(cat "$VICTIM/status.json")"
grep -q '"exit_status" : 143' "$VICTIM/status.json" || fail "the cancelled run did not exit 143 (SIGTERM)"
[ -f "$VICTIM/checkpoint.safetensors" ] || fail "the cancelled run has no checkpoint"
grep -q '3 completed' "$T/status1.txt" || fail "not 3 completed after the first array"
grep -q "${JOB}_" "$T/status1.txt" || fail "sweep status does not show the Slurm tasks"

# the finished children's files, to check that nothing touches them
for d in "$SW"/runs/t-*; do
  [ "$d" = "$VICTIM" ] && continue
  stat -c '%n %Y %s' "$d/summary.json" "$d/model.safetensors" "$d/history.csv" "$d/status.json"
  md5sum "$d/summary.json" "$d/model.safetensors" "$d/history.csv" "$d/status.json"
done > "$T/before.txt"

# --- the same sweep submitted again: only the cancelled child runs, from
# its checkpoint ---
"$CLI" sweep "$T/spec.json" --dir "$SW" --executor slurm --parallel 2 --wait > "$T/resubmit.out" 2>&1
rc=$?
cat "$T/resubmit.out"
[ $rc = 0 ] || fail "the re-submitted sweep exited $rc"
IDX=$(sed -n "s/^  \([0-9]*\)) id=$(basename "$VICTIM") .*/\1/p" "$SW/slurm/array-2.sh")
[ -n "$IDX" ] || fail "the second script does not run the cancelled child"
grep -q "^#SBATCH --array=$IDX%2\$" "$SW/slurm/array-2.sh" \
  || fail "the second array is not just task $IDX: $(grep array= "$SW/slurm/array-2.sh")"
grep -q '"state" : "completed"' "$VICTIM/status.json" || fail "the resumed child did not complete"
grep -q '"attempts" : 2' "$VICTIM/status.json" || fail "the resumed child was not run exactly twice"
grep -q 'resuming' "$VICTIM/train.log" || fail "the resumed child did not start from its checkpoint"
[ "$(($(wc -l < "$VICTIM/history.csv") - 1))" = 60 ] || fail "the resumed child has not 60 epochs"
for d in "$SW"/runs/t-*; do
  [ "$d" = "$VICTIM" ] && continue
  stat -c '%n %Y %s' "$d/summary.json" "$d/model.safetensors" "$d/history.csv" "$d/status.json"
  md5sum "$d/summary.json" "$d/model.safetensors" "$d/history.csv" "$d/status.json"
done > "$T/after.txt"
cmp -s "$T/before.txt" "$T/after.txt" || fail "a finished child was touched: $(diff "$T/before.txt" "$T/after.txt")"
grep -q '4 completed' "$T/resubmit.out" || fail "not 4 completed in the end"

# nothing left to submit
"$CLI" sweep resume "$SW" > "$T/nothing.out" 2>&1 && fail "resuming a finished sweep submitted something"
grep -q 'nothing to submit' "$T/nothing.out" || fail "no “nothing to submit”: $(cat "$T/nothing.out")"

"$CLI" sweep report "$SW" --csv > "$T/report.csv" || fail "sweep report failed"
[ "$(wc -l < "$T/report.csv")" = 5 ] || fail "the report has not 4 rows"
echo "PASS: a 4-run sweep through sbatch --array, one task cancelled and resumed"
exit 0
