#!/bin/sh
# One command: installs what is missing (Debian packages, the MNIST data),
# builds, and runs Inkling: the workbench when a display is available,
# otherwise a training run of the default preset on the command line
# (per-epoch table and test accuracy).  Arguments go to the program, e.g.
#   ./run.sh model.safetensors            (workbench: open a model)
#   ./run.sh --preset theano-mlp --epochs 5   (no display: CLI training)
# INKLING_CLI=1 ./run.sh forces the command-line run.
set -eu
cd "$(dirname "$0")"
tools/install-deps.sh
tools/setup-data.sh
tools/build.sh
if [ -x _build/src/app/inkling ] && [ -z "${INKLING_CLI:-}" ] &&
   { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  # the settings schema from the build tree (nothing is installed)
  export GSETTINGS_SCHEMA_DIR="$PWD/_build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
  exec _build/src/app/inkling "$@"
fi
exec _build/src/cli/inkling-cli train "$@"
