#!/bin/sh
# Screenshots of every view of the workbench after a real run, light and
# dark, under Xvfb:  tests/screenshots.sh [OUTDIR] [EPOCHS] [PRESET] [WxH]
# PRESET (default: a keras-mnist-mlp run) trains that preset instead, e.g.
# keras-mnist-cnn (on the first 6,000 training and test images, so an epoch
# takes seconds); WxH sizes the window (default: as it opens), e.g. 800x600.
# Needs a build in _build, MNIST (tools/setup-data.sh), xvfb, xdotool and
# ImageMagick's import.  The run uses a throw-away data home, so the user's
# ledger and settings are untouched.
set -eu
cd "$(dirname "$0")/.."
OUT="${1:-shots}"
EPOCHS="${2:-3}"
PRESET="${3:-}"
SIZE="${4:-}"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
MNIST="${XDG_DATA_HOME:-$HOME/.local/share}/inkling/datasets/mnist"
[ -f "$MNIST/train-images-idx3-ubyte" ] || { echo "screenshots: run tools/setup-data.sh first" >&2; exit 1; }

shoot_theme() { # theme
  theme=$1
  home=$(mktemp -d)
  mkdir -p "$home/inkling/datasets"
  ln -s "$MNIST" "$home/inkling/datasets/mnist"
  cat > "$home/exp.json" <<JSON
{ "name": "keras-mnist-mlp-shot", "data": {"dataset": "mnist", "split": "official", "normalization": "standardize"},
  "network": {"layers": [{"units": 512, "activation": "relu", "dropout": 0.2}, {"units": 512, "activation": "relu", "dropout": 0.2},
              {"units": 10, "activation": "softmax"}], "loss": "cross-entropy"},
  "optimizer": {"kind": "rmsprop", "lr": 0.001}, "training": {"epochs": $EPOCHS, "batch_size": 128}, "seed": 42 }
JSON
  if [ -n "$PRESET" ]; then
    _build/src/cli/inkling-cli train --preset "$PRESET" --epochs "$EPOCHS" --write-config "$home/full.json" >/dev/null
    # a shorter run: the first 6,000 training and test digits
    sed 's/"dataset" *: *"mnist"/"dataset": "mnist", "subset": 6000/' "$home/full.json" >"$home/exp.json"
  fi
  exec 5>"$home/display"
  Xvfb -displayfd 5 -screen 0 1280x860x24 -nolisten tcp >"$home/xvfb.log" 2>&1 &
  xpid=$!
  exec 5>&-
  while [ ! -s "$home/display" ]; do sleep 0.05; done
  export DISPLAY=":$(head -n1 "$home/display")"
  scheme=default; [ "$theme" = dark ] && scheme=force-dark
  XDG_DATA_HOME="$home" GSETTINGS_BACKEND=memory GSK_RENDERER=cairo GDK_BACKEND=x11 GTK_A11Y=none \
    ADW_DEBUG_COLOR_SCHEME=$([ "$theme" = dark ] && echo prefer-dark || echo prefer-light) \
    dbus-run-session -- _build/src/app/inkling "$home/exp.json" >"$home/app.log" 2>&1 &
  apid=$!
  win=""
  for i in $(seq 1 200); do
    win=$(xdotool search --onlyvisible --name Inkling 2>/dev/null | head -n1 || true)
    [ -n "$win" ] && break
    sleep 0.1
  done
  [ -n "$win" ] || { echo "screenshots: no window" >&2; cat "$home/app.log" >&2; kill $apid $xpid; exit 1; }
  if [ -n "$SIZE" ]; then
    xdotool windowsize "$win" "${SIZE%x*}" "${SIZE#*x}"
    shot () { import -window "$win" "$1"; }
  else
    shot () { import -window root "$1"; }
  fi
  sleep 1.5
  shot "$OUT/design-$theme.png"
  xdotool key ctrl+Return
  # wait for the run to end: its summary leaves the "running" state
  for i in $(seq 1 1200); do
    s=$(cat "$home"/inkling/runs/*/summary.json 2>/dev/null | grep '"status"' | head -n1 || true)
    case "$s" in *running*|"") sleep 0.5 ;; *) break ;; esac
    [ "$i" = 20 ] && shot "$OUT/train-running-$theme.png"
  done
  sleep 2
  xdotool key alt+2; sleep 0.8; shot "$OUT/train-$theme.png"
  xdotool key alt+3; sleep 0.8
  xdotool mousemove --window "$win" 120 200 click 1; sleep 0.5
  shot "$OUT/features-$theme.png"
  xdotool key alt+4; sleep 0.8
  # draw a 7 on the canvas (at the top left of the page; centred, higher up
  # in an 800×600 window)
  dx=0 dy=0
  [ "$SIZE" = 800x600 ] && dx=160 dy=-80
  xdotool mousemove --window "$win" $((110 + dx)) $((230 + dy)) mousedown 1
  for p in "140 230" "170 230" "205 231" "240 232" "270 233" "300 235" "285 268" "270 300" \
           "255 335" "240 370" "228 405" "215 440"; do
    sleep 0.04; xdotool mousemove --window "$win" $((${p% *} + dx)) $((${p#* } + dy))
  done
  sleep 0.05; xdotool mouseup 1
  sleep 1; shot "$OUT/draw-$theme.png"
  # the rest of the page (a convolutional network's feature maps) below it
  xdotool mousemove --window "$win" 12 400 click --repeat 12 --delay 30 5
  sleep 0.8; shot "$OUT/draw-below-$theme.png"
  # a convolutional network takes a while on the test images
  xdotool key alt+5; sleep "$([ -n "$PRESET" ] && echo 20 || echo 2)"
  shot "$OUT/evaluate-$theme.png"
  xdotool key alt+6; sleep 0.8; shot "$OUT/runs-$theme.png"
  xdotool key ctrl+q
  for i in $(seq 1 100); do kill -0 $apid 2>/dev/null || break; sleep 0.1; done
  kill $apid 2>/dev/null || true
  kill $xpid 2>/dev/null || true
  rm -rf "$home"
}

shoot_theme light
shoot_theme dark
ls -1 "$OUT"
