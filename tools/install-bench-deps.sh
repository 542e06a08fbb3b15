#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what the benchmarks' peers need, not the build or the tests:
# Debian's PyTorch (python3-torch, CPU; its convolutions run on the same
# oneDNN 2.6 as Inkling's) for bench/run-bench.sh and bench/cnn/compare.sh.
# Run as root (or with sudo available).  Safe to run again.
set -eu
cd "$(dirname "$0")"
./install-deps.sh
if dpkg-query -W -f='${Status}' python3-torch 2>/dev/null | grep -q "install ok installed"; then
  echo "install-bench-deps: python3-torch present"
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-torch
