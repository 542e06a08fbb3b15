#!/bin/sh
# Screenshots of the first run (the empty state, Get MNIST offline and in
# progress) and of the Presets menu (plain, edited, Undo toast, the
# question), light and dark, at 1280×800 and 800×600, taken by the GUI
# tests themselves under Xvfb:  tests/shots-firstrun.sh [OUTDIR]
# Needs a build in _build, xvfb, dbus and ImageMagick's import.
set -eu
cd "$(dirname "$0")/.."
OUT="${1:-shots-firstrun}"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
for theme in light dark; do
  scheme=prefer-light; [ "$theme" = dark ] && scheme=prefer-dark
  for t in "test-gui-firstrun -p /firstrun/empty-state -p /firstrun/offline -p /firstrun/cancel" \
           "test-gui-window -p /window/presets-menu -p /window/presets-undo -p /window/presets-ask"; do
    # shellcheck disable=SC2086
    INK_SHOTS_DIR="$OUT" INK_SHOTS_THEME=$theme ADW_DEBUG_COLOR_SCHEME=$scheme \
      GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=none GSETTINGS_BACKEND=memory \
      GSETTINGS_SCHEMA_DIR=_build/data \
      xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- _build/tests/$t >/dev/null
  done
done
ls -1 "$OUT"
