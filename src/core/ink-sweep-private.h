/* ink-sweep-private.h
 *
 * Copyright 2026 The Inkling developers
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <https://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the sweep's three source files share: the status file of a child
 * and the scheduler's view of a Slurm sweep. */

#pragma once

#include "ink-sweep.h"

G_BEGIN_DECLS

/* sweep.json's text: the spec and its "children" (ink-sweep.c) */
char    *ink_sweep_file_text    (const InkSweep *sweep);

/* runs/<id>/status.json, every member (docs/SWEEP.md) */
typedef struct
{
  InkSweepState state;
  guint         attempts;
  guint         epochs_target;
  guint         rung;
  char         *executor;
  char         *host;
  int           pid;
  char         *slurm_job;
  gint64        started, finished;
  int           exit_status;     /* -1: null */
  char         *message;
} InkSweepStatus;

void     ink_sweep_status_clear (InkSweepStatus *st);
/* a missing file is a pending child; FALSE with an error naming the file
 * when it cannot be read (st then holds a pending child) */
gboolean ink_sweep_status_read  (const char     *child_dir,
                                 InkSweepStatus *st,
                                 GError        **error);
gboolean ink_sweep_status_write (const char     *child_dir,
                                 const InkSweepStatus *st,
                                 GError        **error);

/* Fills info.sched_state and corrects info.state from squeue (and sacct
 * where accounting is on) for a sweep with a slurm.json; quiet where the
 * commands are missing or fail (ink-sweep-slurm.c). */
void     ink_sweep_slurm_poll   (InkSweep       *sweep);

/* a process of this host is alive and is an inkling program */
gboolean ink_sweep_pid_alive    (int             pid);

G_END_DECLS
