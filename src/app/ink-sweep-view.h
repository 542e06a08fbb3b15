/* ink-sweep-view.h
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

/* The Sweeps part of the Runs page: the sweeps in their folder, and for
 * the one picked its runs as a sortable table of hyper-parameters and
 * metrics, a parallel-coordinates view and a scatter, with a local
 * sweep's live state and Stop, and a Slurm sweep's state refreshed from
 * the scheduler. */

#pragma once

#include <gtk/gtk.h>
#include "ink-sweep.h"
#include "ink-parallel-coords.h"
#include "ink-sweep-scatter.h"

G_BEGIN_DECLS

#define INK_TYPE_SWEEP_VIEW (ink_sweep_view_get_type ())
G_DECLARE_FINAL_TYPE (InkSweepView, ink_sweep_view, INK, SWEEP_VIEW, GtkWidget)

/* The sweeps under ink_sweep_default_root () (and folders opened with
 * Open…), newest first; activating one shows it.  Signal "open-run"
 * (InkLedgerRun*, borrowed during the emission): a row's Open, a click on
 * a line or a point.  Widget names, for tests: "ink-sweep-list",
 * "ink-sweep-table", "ink-sweep-stop", "ink-sweep-back". */
GtkWidget      *ink_sweep_view_new          (void);
/* reads the sweeps' folder again (in a thread) */
void            ink_sweep_view_reload       (InkSweepView *self);
/* shows the sweep in dir (read in a thread); FALSE with an error when dir
 * holds no sweep.json */
gboolean        ink_sweep_view_show_dir     (InkSweepView *self,
                                             const char   *dir,
                                             GError      **error);
/* runs the sweep (written into its folder) here, `parallel` at a time (0:
 * ink_sweep_default_parallel), and shows it; its state follows live */
void            ink_sweep_view_start_local  (InkSweepView *self,
                                             const char   *dir,
                                             guint         parallel,
                                             const char   *metric);
/* submits the sweep (written into its folder) to Slurm in a thread and
 * shows it; the outcome is a toast */
void            ink_sweep_view_start_slurm  (InkSweepView            *self,
                                             const char              *dir,
                                             const InkSweepSlurmSpec *spec,
                                             guint                    parallel,
                                             const char              *metric);
/* a local run of dir is going on */
gboolean        ink_sweep_view_is_running   (InkSweepView *self,
                                             const char   *dir);
/* the sweep shown (NULL on the list) */
const InkSweep *ink_sweep_view_get_sweep    (InkSweepView *self);
GtkColumnView  *ink_sweep_view_get_table    (InkSweepView *self);
InkParallelCoords *ink_sweep_view_get_parallel_coords (InkSweepView *self);
InkSweepScatter *ink_sweep_view_get_scatter (InkSweepView *self);
/* the sweeps listed */
guint           ink_sweep_view_get_n_sweeps (InkSweepView *self);
/* the child index of each row as the table shows them, top to bottom */
GArray         *ink_sweep_view_get_row_order (InkSweepView *self);

/* the inkling-cli a sweep's children run: $INKLING_CLI, else beside this
 * program (installed, or in the build tree), else on PATH; NULL none */
char           *ink_sweep_find_cli          (void);

G_END_DECLS
