# slurm-cluster.sh
#
# Copyright 2026 The Inkling developers
#
# This program is free software: you can redistribute it and/or modify
# it under the terms of the GNU General Public License as published by
# the Free Software Foundation, either version 3 of the License, or
# (at your option) any later version.
#
# This program is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
# GNU General Public License for more details.
#
# You should have received a copy of the GNU General Public License
# along with this program.  If not, see <https://www.gnu.org/licenses/>.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A one-node Slurm cluster on this machine, for the tests: sourced (not
# run) by test-slurm.sh and with-slurm.sh, which define `skip REASON` and
# `fail REASON` first (each says it in its own protocol and exits), and
# may define `down REASON`, what a daemon that does not come up means
# (fail when not defined).
#
#   slurm_cluster_check       skips with the reason unless the cluster can
#                             start here: root, slurm-wlm, munge and its key
#   slurm_cluster_up NAME [CONF-LINE…]
#                             munged as the munge user on a socket of its
#                             own, slurmctld and slurmd with a generated
#                             slurm.conf (absolute paths, ports of their
#                             own, the extra lines added) in a temporary
#                             folder $T; exports SLURM_CONF; returns once
#                             the node is idle.  The daemons and $T go at
#                             exit (an EXIT trap).

cluster_down () {
  if command -v down >/dev/null 2>&1; then
    down "$*"
  else
    fail "$*"
  fi
}

slurm_cluster_check () {
  [ "$(id -u)" = 0 ] || skip "the daemons need root (slurmd runs tasks as their user)"
  for p in munged munge unmunge slurmctld slurmd sbatch squeue scancel sinfo runuser; do
    command -v "$p" >/dev/null 2>&1 || skip "$p is not installed (Debian: apt-get install slurm-wlm munge)"
  done
  [ -r /etc/munge/munge.key ] || skip "/etc/munge/munge.key is missing (the munge package creates it)"
  id munge >/dev/null 2>&1 || skip "there is no munge user"
}

slurm_cluster_teardown () {
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

slurm_cluster_up () {
  name=$1
  shift
  T=$(mktemp -d "/tmp/$name-XXXXXX") || fail "mktemp"
  chmod 755 "$T"
  trap slurm_cluster_teardown EXIT
  trap 'exit 1' INT TERM

  # munge, as the munge user, on a socket of its own
  mkdir -p "$T/munge"
  chown munge:munge "$T/munge"
  chmod 755 "$T/munge"
  runuser -u munge -- munged --socket="$T/munge/munge.socket" --pid-file="$T/munge/munged.pid" \
    --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" \
    || cluster_down "munged did not start"
  munge -S "$T/munge/munge.socket" -n | unmunge -S "$T/munge/munge.socket" >/dev/null \
    || cluster_down "munge does not answer on $T/munge/munge.socket"

  # slurm.conf: absolute paths (the daemons chdir to /), ports of our own
  host=$(hostname -s)
  base=$(( 20000 + $$ % 20000 ))
  {
    cat <<EOF
ClusterName=$name
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$(( base + 1 ))
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
EOF
    for line in "$@"; do
      echo "$line"
    done
    echo "NodeName=$host CPUs=$(nproc) RealMemory=2000 State=UNKNOWN"
    echo "PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP"
  } > "$T/slurm.conf"
  mkdir -p "$T/state" "$T/spool"
  export SLURM_CONF="$T/slurm.conf"
  slurmctld -f "$T/slurm.conf" || cluster_down "slurmctld did not start"
  slurmd -f "$T/slurm.conf" || cluster_down "slurmd did not start"
  i=0
  until sinfo -h -o '%T' 2>/dev/null | grep -q idle; do
    i=$((i + 1))
    [ $i -gt 120 ] && cluster_down "the node did not come up in 60 s ($(sinfo -h 2>&1))"
    sleep 0.5
  done
}
