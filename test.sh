#!/bin/sh
# Builds and runs the whole test suite (installs what is missing first).
set -eu
cd "$(dirname "$0")"
tools/install-deps.sh
tools/setup-data.sh
tools/build.sh
meson test -C _build --print-errorlogs "$@"
# With clang installed: the fuzz harnesses (clang, ASan, UBSan) and a short
# run of each, the "fuzz" suite (INKLING_FUZZ=0 skips it)
if [ "${INKLING_FUZZ:-1}" = 1 ] && command -v clang >/dev/null 2>&1; then
  tests/fuzz/build.sh
  meson test -C _build-fuzz --suite fuzz --print-errorlogs
fi
