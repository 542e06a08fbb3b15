#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Packs what a GPU run on the lent device machine needs into one archive,
# _device/inkling-device.tar.xz (under 64 MiB, the most a call carries):
# a release build with the CUDA backend and without the GUI (that machine
# has no GTK and installs nothing), the shared libraries the programs load
# that the machine lacks (GLib, json-glib, cairo, OpenBLAS and theirs; not
# glibc, libstdc++ or CUDA's own, which it has in newer versions), and the
# MNIST files gzipped.  bench/gpu/run-device.sh unpacks and runs it there:
#
#   tools/device-pack.sh
#   device run, carry ["_device"], command "sh bench/gpu/run-device.sh"
#
# Needs nvcc and cuBLAS here (CUDA 13 is installed on this machine kind)
# and MNIST (tools/setup-data.sh).
set -eu
cd "$(dirname "$0")/.."

B=_build-device
OUT=_device
MNIST="${XDG_DATA_HOME:-$HOME/.local/share}/inkling/datasets/mnist"

if [ ! -f "$MNIST/train-images-idx3-ubyte" ]; then
  echo "device-pack: MNIST not found in $MNIST: run tools/setup-data.sh first" >&2
  exit 1
fi
if [ ! -d "$B" ]; then
  meson setup "$B" -Dbuildtype=release -Dgui=disabled -Dcuda=enabled
fi
# bench-gpu is built only when asked for (bench/meson.build)
ninja -C "$B" src/cli/inkling-cli tests/test-gpu src/core/libinkling-cuda.so bench/bench-gpu

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/mnist"
cp "$B/src/cli/inkling-cli" "$B/tests/test-gpu" "$B/src/core/libinkling-cuda.so" \
  "$B/bench/bench-gpu" "$stage/bin/"
strip "$stage/bin/"*

# the library closure, less what the device machine brings itself
for exe in "$stage/bin/"*; do
  ldd "$exe" | awk '$3 ~ /^\// { print $3 }'
done | sort -u | while read -r lib; do
  case "$(basename "$lib")" in
    libc.so.*|libm.so.*|libdl.so.*|librt.so.*|libpthread.so.*|ld-linux*|libgcc_s.so.*|libstdc++.so.*) ;;
    libcuda.so.*|libcublas*.so.*|libcudart.so.*|libnvidia*) ;;
    *) cp -L "$lib" "$stage/lib/" ;;
  esac
done

for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -9 -c "$MNIST/$f" > "$stage/mnist/$f.gz"
done
git rev-parse HEAD > "$stage/COMMIT" 2>/dev/null || echo unknown > "$stage/COMMIT"

mkdir -p "$OUT"
tar -C "$stage" -cJf "$OUT/inkling-device.tar.xz" .
size=$(du -m "$OUT/inkling-device.tar.xz" | cut -f1)
echo "device-pack: $OUT/inkling-device.tar.xz, ${size} MiB ($(ls "$stage/lib" | wc -l) libraries)"
if [ "$size" -ge 60 ]; then
  echo "device-pack: too large to carry (64 MiB at most with the working tree)" >&2
  exit 1
fi
