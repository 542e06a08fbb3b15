#!/bin/sh
# Builds and runs the whole test suite (installs what is missing first).
set -eu
cd "$(dirname "$0")"
tools/install-deps.sh
tools/setup-data.sh
tools/build.sh
meson test -C _build --print-errorlogs "$@"
