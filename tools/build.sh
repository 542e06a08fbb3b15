#!/bin/sh
# Configures (once) and builds Inkling in _build.
set -eu
cd "$(dirname "$0")/.."
if [ ! -f _build/build.ninja ]; then
  meson setup _build
fi
ninja -C _build
