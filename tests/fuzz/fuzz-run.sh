#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# One short fuzz run, as `meson test --suite fuzz` does it:
#   fuzz-run.sh HARNESS SEEDS DICT SECONDS REGRESSIONS
# first every saved reproducer of REGRESSIONS (a folder, may be absent) is
# run once, then the harness fuzzes for SECONDS from the seed corpus SEEDS
# (read only: new inputs go to a scratch folder, removed afterwards) with
# DICT.  Any crash, leak, undefined behaviour, timeout or out-of-memory
# fails (libFuzzer's exit status); the input at fault is kept in
# $FUZZ_ARTIFACTS (default: the current folder).
set -eu
harness="$1"; seeds="$2"; dict="$3"; seconds="$4"; regressions="$5"
name=$(basename "$harness")
artifacts="${FUZZ_ARTIFACTS:-.}/"
mkdir -p "$artifacts"
# libFuzzer's own failure status, 77, would read as "skipped" to meson
limits="-rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 -error_exitcode=1 -timeout_exitcode=1"

# new inputs and the harnesses' scratch files (in memory when possible),
# removed afterwards whatever happens
shm=/dev/shm; [ -d "$shm" ] && [ -w "$shm" ] || shm="${TMPDIR:-/tmp}"
FUZZ_SCRATCH=$(mktemp -d "$shm/ink-fuzz-run-XXXXXX")
export FUZZ_SCRATCH
work=$(mktemp -d "${TMPDIR:-/tmp}/ink-fuzz-corpus-XXXXXX")
trap 'rm -rf "$work" "$FUZZ_SCRATCH"' EXIT INT TERM

if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
  echo "$name: reproducers in $regressions"
  # shellcheck disable=SC2086
  "$harness" $limits -artifact_prefix="$artifacts$name-" "$regressions"/*
fi

dict_arg=""
[ -n "$dict" ] && dict_arg="-dict=$dict"
# shellcheck disable=SC2086
"$harness" $limits $dict_arg -seed=1 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$artifacts$name-" "$work" "$seeds"
