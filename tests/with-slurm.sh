#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Inkling developers
#
# Runs a command with a one-node Slurm cluster up on this machine: munged
# as the munge user on a socket of its own, slurmctld and slurmd with a
# generated slurm.conf (absolute paths, ports of their own) in a temporary
# folder, SLURM_CONF exported to the command; the daemons are torn down
# after.  Exits with the command's status; when not root or when
# slurm-wlm or munge is missing, says so as a TAP skip ("1..0 # SKIP …").  The workbench's
# Slurm test (test-gui-sweep /sweep-dialog/slurm) runs under it.
#
# usage: with-slurm.sh COMMAND [ARG…]

set -u

# TAP: the command is a TAP test; so are a skip and a failure here
skip () { echo "1..0 # SKIP $*"; exit 0; }
fail () { echo "Bail out! $*"; [ -n "${T:-}" ] && for f in "$T"/ctld.log "$T"/d.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

[ $# -ge 1 ] || { echo "usage: with-slurm.sh COMMAND [ARG…]"; exit 2; }
[ "$(id -u)" = 0 ] || skip "the daemons need root (slurmd runs tasks as their user)"
for p in munged munge slurmctld slurmd sbatch squeue sinfo runuser; do
  command -v "$p" >/dev/null 2>&1 || skip "$p is not installed (Debian: apt-get install slurm-wlm munge)"
done
[ -r /etc/munge/munge.key ] || skip "/etc/munge/munge.key is missing (the munge package creates it)"
id munge >/dev/null 2>&1 || skip "there is no munge user"

T=$(mktemp -d /tmp/inkling-gui-slurm-XXXXXX) || fail "mktemp"
chmod 755 "$T"

teardown () {
  for f in "$T/slurmd.pid" "$T/slurmctld.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  sleep 1
  for f in "$T/slurmd.pid" "$T/slurmctld.pid"; do
    [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
  done
  [ -f "$T/munge/munged.pid" ] && kill "$(cat "$T/munge/munged.pid")" 2>/dev/null
  rm -rf "$T"
}
trap teardown EXIT
trap 'exit 1' INT TERM

mkdir -p "$T/munge"
chown munge:munge "$T/munge"
chmod 755 "$T/munge"
runuser -u munge -- munged --socket="$T/munge/munge.socket" --pid-file="$T/munge/munged.pid" \
  --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" \
  || fail "munged did not start"

HOST=$(hostname -s)
CPUS=$(nproc)
BASE=$(( 20000 + ($$ * 7) % 20000 ))
cat > "$T/slurm.conf" <<CONF
ClusterName=inkling-gui
SlurmctldHost=$HOST
SlurmctldPort=$BASE
SlurmdPort=$(( BASE + 1 ))
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/ctld.log
SlurmdLogFile=$T/d.log
SlurmUser=root
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
NodeName=$HOST CPUs=$CPUS RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$T/state" "$T/spool"
export SLURM_CONF="$T/slurm.conf"
slurmctld -f "$T/slurm.conf" || fail "slurmctld did not start"
slurmd -f "$T/slurm.conf" || fail "slurmd did not start"
i=0
until sinfo -h -o '%T' 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  [ $i -gt 120 ] && fail "the node did not come up in 60 s ($(sinfo -h 2>&1))"
  sleep 0.5
done
"$@"
status=$?
exit $status
