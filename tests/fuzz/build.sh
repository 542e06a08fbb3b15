#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Configures (once) and builds the fuzz harnesses in a build folder of
# their own (default _build-fuzz; FUZZ_BUILD=DIR for another), with clang,
# AddressSanitizer and UBSan, without the workbench or CUDA:
#   tests/fuzz/build.sh
# `meson test -C _build-fuzz --suite fuzz` then runs each briefly, and
# tests/fuzz/campaign.sh for longer.
set -eu
cd "$(dirname "$0")/../.."
build="${FUZZ_BUILD:-_build-fuzz}"
if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang is not installed (tools/install-deps.sh installs it)" >&2
  exit 1
fi
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzz=enabled -Db_sanitize=address,undefined -Db_lundef=false \
    -Dgui=disabled -Dcuda=disabled
fi
targets="tests/fuzz/corpus.stamp"
for h in safetensors model checkpoint experiment roundtrip idx idx-gz csv png ledger; do
  targets="$targets tests/fuzz/fuzz-$h"
done
# shellcheck disable=SC2086
ninja -C "$build" $targets
