#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# A longer fuzzing campaign:
#   tests/fuzz/campaign.sh SECONDS [HARNESS...]
# runs each harness (default: all) for SECONDS over a persistent corpus,
# FUZZ_CORPUS/HARNESS (default _build-fuzz/campaign/corpus), seeded from
# the generated seeds, and prints per harness the inputs executed
# (libFuzzer's stat::number_of_executed_units) and what it found.  After a
# crash the harness starts again for the time left (at most 20 times), so
# one known bug does not end its campaign; each failure's input is kept in
# FUZZ_CRASHES/HARNESS (default _build-fuzz/campaign/crashes) and its
# sanitizer summary in the table.  Builds first (tests/fuzz/build.sh).
# Exit status 1 when anything was found.
set -eu
cd "$(dirname "$0")/../.."
if [ $# -lt 1 ]; then
  echo "usage: $0 SECONDS [HARNESS...]" >&2
  exit 2
fi
seconds="$1"; shift
harnesses="${*:-safetensors model checkpoint experiment roundtrip idx idx-gz csv png ledger}"
build="${FUZZ_BUILD:-_build-fuzz}"
corpus_root="${FUZZ_CORPUS:-$build/campaign/corpus}"
crash_root="${FUZZ_CRASHES:-$build/campaign/crashes}"
log_root="$build/campaign/logs"
FUZZ_BUILD="$build" tests/fuzz/build.sh >/dev/null

export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

dict_of () {
  case "$1" in
    idx|idx-gz|csv|png) echo tests/fuzz/data.dict ;;
    *) echo tests/fuzz/inkling.dict ;;
  esac
}

found=0
summary=$(mktemp)
# the harnesses' scratch files (in memory when possible; a crash leaves
# its own behind), removed at the end
shm=/dev/shm; [ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
FUZZ_SCRATCH=$(mktemp -d "$shm/ink-fuzz-campaign-XXXXXX")
export FUZZ_SCRATCH
trap 'rm -rf "$summary" "$FUZZ_SCRATCH"' EXIT INT TERM
printf '%-12s %12s %8s  %s\n' harness executions crashes findings >"$summary"
for h in $harnesses; do
  exe="$build/tests/fuzz/fuzz-$h"
  [ -x "$exe" ] || { echo "no harness $h ($exe)" >&2; exit 2; }
  mkdir -p "$corpus_root/$h" "$crash_root/$h" "$log_root"
  log="$log_root/$h.log"
  : >"$log"
  start=$(date +%s)
  execs=0; crashes=0; restarts=0; what=""
  while :; do
    left=$((seconds - ($(date +%s) - start)))
    [ "$left" -gt 0 ] || break
    status=0
    nice -n 10 "$exe" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
      -dict="$(dict_of "$h")" -max_total_time="$left" -print_final_stats=1 \
      -artifact_prefix="$crash_root/$h/" \
      "$corpus_root/$h" "$build/tests/fuzz/corpus/$h" >"$log.run" 2>&1 || status=$?
    cat "$log.run" >>"$log"
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.run" | tail -1)
    execs=$((execs + ${n:-0}))
    if [ "$status" -ne 0 ]; then
      crashes=$((crashes + 1))
      # what went wrong: the harness's or GLib's message, else the
      # sanitizer's or libFuzzer's; then the first frame in Inkling's code
      s=$(grep -a -m1 -E '^fuzz(-[a-z-]+)?: ' "$log.run" | cut -c1-120 || true)
      [ -n "$s" ] || s=$(grep -a -m1 -E '^==[0-9]+== ?ERROR: |^SUMMARY: ' "$log.run" |
                         sed 's/^SUMMARY: //; s/^==[0-9]*== *ERROR: //; s/ on unknown address.*//; s/ (pc 0x.*//' || true)
      [ -n "$s" ] || s="exit status $status"
      at=$(grep -a -m1 -E '#[0-9]+ 0x[0-9a-f]+ in [a-z_]+ .*/src/core/' "$log.run" |
           sed -E 's/.* in ([a-z_0-9]+) .*\/(src\/core\/[^ :]+:[0-9]+).*/\1 \2/' || true)
      [ -z "$at" ] || s="$s [at $at]"
      case "$what" in *"$s"*) ;; *) what="${what:+$what; }$s" ;; esac
      restarts=$((restarts + 1))
      [ "$restarts" -lt 20 ] || break
    fi
  done
  rm -f "$log.run"
  [ "$crashes" -eq 0 ] || found=1
  printf '%-12s %12s %8s  %s\n' "$h" "$execs" "$crashes" "${what:-none}" >>"$summary"
  echo "$h: $execs executions, $crashes crashes${what:+ ($what)}; log $log"
done
echo
cat "$summary"
[ "$found" -eq 0 ] || echo "inputs at fault: $crash_root/HARNESS/"
exit "$found"
