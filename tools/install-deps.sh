#!/bin/sh
# Installs the Debian packages Inkling needs to build and test, if missing.
# Run as root (or with sudo available).  Safe to run again: it only installs
# what is absent.
set -eu

PKGS="meson ninja-build pkg-config gcc curl libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev
libopenblas-dev libdnnl-dev libcairo2-dev gettext dataset-fashion-mnist python3-numpy"
# clang and its runtime (libFuzzer, sanitizers) for the fuzz harnesses
[ "${INKLING_WITH_FUZZ:-1}" = 1 ] && PKGS="$PKGS clang libclang-rt-dev"
[ "${INKLING_WITH_GUI:-1}" = 1 ] && PKGS="$PKGS libgtk-4-dev libadwaita-1-dev xvfb xauth xdotool dbus desktop-file-utils appstream adwaita-icon-theme hicolor-icon-theme fonts-dejavu-core librsvg2-common"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
# a one-node Slurm cluster for tests/test-slurm.sh (the "slurm" suite);
# without the plugins' Recommends (about 3 MB instead of 8.5 MB)
SLURM_PKGS=""
[ "${INKLING_WITH_SLURM:-1}" = 1 ] && SLURM_PKGS="slurm-wlm munge"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

missing_slurm=""
for p in $SLURM_PKGS; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing_slurm="$missing_slurm $p"
  fi
done

if [ -z "$missing" ] && [ -z "$missing_slurm" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "install-deps: installing$missing$missing_slurm"
$SUDO apt-get update -q
[ -z "$missing" ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $missing
[ -z "$missing_slurm" ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing_slurm
