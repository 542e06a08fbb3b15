#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Every source file with translatable strings (_(" or N_(") is listed in
# po/POTFILES.in, and every listed file exists: a string outside the list
# would never reach translators.
#   usage: check-potfiles.sh SOURCE_ROOT
set -eu
root="$1"
cd "$root"
status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_\("' src ui --include='*.c' --include='*.cu' --include='*.ui' | sort); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f"
    status=1
  fi
done
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in lists a missing file: $f"
    status=1
  fi
done < po/POTFILES.in
[ $status = 0 ] && echo "po/POTFILES.in covers every file with translatable strings"
exit $status
