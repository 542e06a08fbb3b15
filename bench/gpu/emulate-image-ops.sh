#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Runs the gpu suite's image-layer cases (/gpu/conv2d, /gpu/pooling,
# /gpu/batch-norm, /gpu/cnn-step of tests/test-gpu.c) on a machine without
# a GPU, against a host emulation of the CUDA backend's image-layer kernels
# and ops (emulate-image-ops.cc: one thread per launch, OpenBLAS for
# cuBLAS).  It checks their index arithmetic, bounds and results, not their
# parallel behaviour: that takes the device (cnn-device-check.sh).
#   usage: sh bench/gpu/emulate-image-ops.sh [BUILD_DIR]   (default _build,
#          configured and built: it links its libinkcore.a as that build
#          links tests/test-gpu)
set -eu
cd "$(dirname "$0")/../.."
REPO=$(pwd)
B="$REPO/${1:-_build}"
[ -f "$B/src/core/libinkcore.a" ] || { echo "emulate-image-ops: build $B first (ninja -C $B)" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# the kernels and the ops of the image layers, as the .cu file has them
python3 - "$REPO" "$T" <<'PY'
import sys
repo, out = sys.argv[1], sys.argv[2]
s = open(repo + "/src/core/ink-backend-cuda.cu").read()
def section(start, end):
    a = s.rindex("/* ----", 0, s.index(start))
    return s[a:s.index(end, a)]
open(out + "/kernels.inc", "w").write(
    section("/* image layers: kernels", "/* ------------------------------------------------------------------ */\n/* ops "))
open(out + "/ops.inc", "w").write(
    section("/* image layers: ops", "static void     cuda_destroy  (InkBackend *be);"))
t = open(repo + "/tests/test-gpu.c").read()
for old, new in (('gpu = ink_backend_new ("cuda", &error);', 'gpu = emu_backend_new ();'),
                 ('g_assert_true (ink_backend_cuda_available (NULL));', ''),
                 ('#include "test-util.h"', '#include "test-util.h"\nInkBackend *emu_backend_new (void);')):
    if old not in t:
        sys.exit("emulate-image-ops: tests/test-gpu.c no longer has: " + old)
    t = t.replace(old, new)
open(out + "/test-gpu-emu.c", "w").write(t)
PY

# (the pkg-config flags below split into words on purpose)
PKGS="glib-2.0 gio-2.0 gobject-2.0 gmodule-2.0 json-glib-1.0 cairo"
# shellcheck disable=SC2046
g++ -c -O2 -ffp-contract=off -Wall -Wno-unused-function -Wno-unused-variable \
  -I"$T" -I"$REPO/src/core" -I"$B" $(pkg-config --cflags glib-2.0) \
  "$REPO/bench/gpu/emulate-image-ops.cc" -o "$T/emu.o"
# shellcheck disable=SC2046,SC2086
gcc -c -O2 -I"$REPO/src/core" -I"$REPO/tests" -I"$B" -I"$B/src/core" \
  $(pkg-config --cflags $PKGS) "$T/test-gpu-emu.c" -o "$T/test.o"
# linked as the build links tests/test-gpu (the same libraries: OpenBLAS,
# oneDNN where the core uses it, ...), with g++ and these two objects
ninja -C "$B" -t commands tests/test-gpu | tail -n 1 | python3 -c '
import shlex, sys
t = sys.argv[1]
args = shlex.split(sys.stdin.read())
i = args.index("-o")
args[0] = "g++"
args[i + 1:i + 3] = [t + "/test-gpu-emu", t + "/test.o", t + "/emu.o"]
print(" ".join(shlex.quote(a) for a in args))' "$T" > "$T/link.sh"
(cd "$B" && sh "$T/link.sh")

"$T/test-gpu-emu" -p /gpu/conv2d -p /gpu/pooling -p /gpu/batch-norm -p /gpu/cnn-step
