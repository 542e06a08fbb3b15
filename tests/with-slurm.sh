#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Runs a command with a one-node Slurm cluster up on this machine (the
# cluster of slurm-cluster.sh, which test-slurm.sh starts too): munged
# as the munge user on a socket of its own, slurmctld and slurmd with a
# generated slurm.conf (absolute paths, ports of their own) in a temporary
# folder, SLURM_CONF exported to the command; the daemons are torn down
# after.  Exits with the command's status; when not root, when slurm-wlm
# or munge is missing or when the daemons do not come up, says so as a
# TAP skip ("1..0 # SKIP …").  The workbench's
# Slurm test (test-gui-sweep /sweep-dialog/slurm) runs under it.
#
# usage: with-slurm.sh COMMAND [ARG…]

set -u

# TAP: the command is a TAP test; so are a skip and a failure here
skip () { echo "1..0 # SKIP $*"; exit 0; }
fail () { echo "Bail out! $*"; [ -n "${T:-}" ] && for f in "$T"/ctld.log "$T"/d.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }
# daemons that cannot start here (no privileges for them in a container,
# ports taken): a skip with the reason, their logs' tails as comments
down () {
  [ -n "${T:-}" ] && for f in "$T"/munge/munged.log "$T"/ctld.log "$T"/d.log; do
    [ -f "$f" ] && { echo "# --- $f"; tail -20 "$f" | sed 's/^/# /'; }
  done
  skip "the Slurm cluster could not start here: $*"
}

[ $# -ge 1 ] || { echo "usage: with-slurm.sh COMMAND [ARG…]"; exit 2; }
. "$(dirname "$0")/slurm-cluster.sh"
slurm_cluster_check
slurm_cluster_up inkling-gui-slurm
"$@"
status=$?
exit $status
