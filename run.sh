#!/bin/sh
# One command: installs what is missing (Debian packages, the MNIST data),
# builds, and runs Inkling's main job.  Extra arguments go to the training
# run, e.g. ./run.sh --preset theano-mlp --epochs 5
set -eu
cd "$(dirname "$0")"
tools/install-deps.sh
tools/setup-data.sh
tools/build.sh
exec _build/src/cli/inkling-cli train "$@"
