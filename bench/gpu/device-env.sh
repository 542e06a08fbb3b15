# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Sourced by the device scripts (run-device.sh, cnn-device-check.sh,
# device-all.sh) on the lent GPU machine: unpacks tools/device-pack.sh's
# archive into $W, points the loader at it and at CUDA's libraries there,
# ungzips MNIST into a private data folder and writes machine.txt.
# Expects REPO and OUT set; sets W, D and CLI.
W=/tmp/inkling-device
rm -rf "$W" && mkdir -p "$W"
if ! tar -C "$W" -xJf "$REPO/_device/inkling-device.tar.xz"; then
  echo "device: no archive: run tools/device-pack.sh here first"
  exit 1
fi

# CUDA's libraries on that machine: the toolkit's, else the pip wheels'
CUDALIB=""
for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
  [ -e "$d/libcublas.so.13" ] && CUDALIB="$CUDALIB:$d"
done
for d in $(python3 -c 'import nvidia, os; p = nvidia.__path__[0]; print(" ".join(os.path.join(p, x, "lib") for x in os.listdir(p)))' 2>/dev/null); do
  [ -d "$d" ] && CUDALIB="$CUDALIB:$d"
done
export LD_LIBRARY_PATH="$W/lib$CUDALIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export INKLING_CUDA_MODULE="$W/bin/libinkling-cuda.so"
export XDG_DATA_HOME="$W/xdg"
export GSETTINGS_BACKEND=memory
D="$XDG_DATA_HOME/inkling/datasets/mnist"
mkdir -p "$D"
for f in "$W"/mnist/*.gz; do gunzip -c "$f" > "$D/$(basename "$f" .gz)"; done
CLI="$W/bin/inkling-cli"

{
  echo "commit $(cat "$W/COMMIT")"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv 2>&1
  echo "cpu cores: $(nproc)"
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"
