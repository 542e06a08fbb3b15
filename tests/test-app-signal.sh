#!/bin/sh
# The workbench under SIGTERM (a logout, systemd, kill): a run in progress
# stops at its next minibatch, keeps the last completed epoch's model in the
# run ledger, and the program exits 0 promptly.  Runs under xvfb-run with a
# private session bus (see tests/meson.build); needs xdotool and MNIST
# (exit 77, skipped, without them).
set -u
APP="$1"
command -v xdotool >/dev/null 2>&1 || { echo "xdotool not installed"; exit 77; }
MNIST="${XDG_DATA_HOME:-$HOME/.local/share}/inkling/datasets/mnist"
[ -f "$MNIST/train-images-idx3-ubyte" ] || [ -f "$MNIST/train-images-idx3-ubyte.gz" ] || { echo "MNIST not set up"; exit 77; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/data/inkling/datasets"
ln -s "$MNIST" "$TMP/data/inkling/datasets/mnist"
export XDG_DATA_HOME="$TMP/data" XDG_CONFIG_HOME="$TMP/config"

"$APP" > "$TMP/app.log" 2>&1 &
PID=$!
W=""
for i in $(seq 200); do
  W=$(xdotool search --onlyvisible --name Inkling 2>/dev/null | head -n1)
  [ -n "$W" ] && break
  sleep 0.05
done
[ -n "$W" ] || { echo "no window"; kill -KILL $PID; cat "$TMP/app.log"; exit 1; }
sleep 1
xdotool key --window "$W" ctrl+Return
RUNS="$TMP/data/inkling/runs"
# until the first epoch is in the run's history (header + one line)
for i in $(seq 600); do
  H=$(ls "$RUNS"/*/history.csv 2>/dev/null | head -n1)
  [ -n "$H" ] && [ "$(wc -l < "$H")" -ge 2 ] && break
  sleep 0.1
done
[ -n "$H" ] && [ "$(wc -l < "$H")" -ge 2 ] || { echo "no epoch finished"; kill -KILL $PID; cat "$TMP/app.log"; exit 1; }
kill -TERM $PID
for i in $(seq 100); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
if kill -0 $PID 2>/dev/null; then echo "still running 10 s after SIGTERM"; kill -KILL $PID; exit 1; fi
wait $PID
STATUS=$?
[ $STATUS -eq 0 ] || { echo "exit status $STATUS"; cat "$TMP/app.log"; exit 1; }
RUN=$(dirname "$H")
echo "summary: $(tr -d '\n' < "$RUN/summary.json")"
grep -q '"status" : "stopped by the user"' "$RUN/summary.json" || { echo "the run is not recorded as stopped"; exit 1; }
grep -q '"best_epoch" : [1-9]' "$RUN/summary.json" || { echo "no kept epoch recorded"; exit 1; }
[ -s "$RUN/model.safetensors" ] || { echo "no model kept"; exit 1; }
ls -a "$RUN" | grep -q 'inkling-tmp' && { echo "temporary files left"; exit 1; }
echo "ok"
exit 0
