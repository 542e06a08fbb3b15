/* ink-sweep-dialog.h
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

/* The Sweep… dialog of the Design page: which fields of the experiment
 * take which values, where the runs go, and how many there will be. */

#pragma once

#include <adwaita.h>
#include "ink-experiment.h"
#include "ink-sweep-view.h"

G_BEGIN_DECLS

#define INK_TYPE_SWEEP_DIALOG (ink_sweep_dialog_get_type ())
G_DECLARE_FINAL_TYPE (InkSweepDialog, ink_sweep_dialog, INK, SWEEP_DIALOG, AdwWindow)

/* A modal window over parent listing exp's numeric fields (learning
 * rate, batch size, epochs, each layer's units, filters, kernel, dropout,
 * the seed, …): each takes a list ("0.1, 0.01, 0.001": a run per value,
 * crossed with the other lists) or a range drawn uniformly or
 * log-uniformly ("0.0001 – 0.1": Count draws, from Seed).  The count of
 * runs it expands to follows every keystroke; a refusal is shown under
 * the field it names and Start is insensitive.  Start writes the sweep
 * folder under ink_sweep_default_root () and hands it to `sweeps` (runs
 * it here, k at a time, or submits it to Slurm), emits "started" and
 * closes.
 *
 * Widget names, for tests: "sweep-value:PATH" (the entry),
 * "sweep-kind:PATH" (List / Uniform / Log-uniform), "sweep-error:PATH",
 * "ink-sweep-count", "ink-sweep-start", "ink-sweep-slurm". */
GtkWidget  *ink_sweep_dialog_new       (GtkWindow           *parent,
                                        const InkExperiment *exp,
                                        InkSweepView        *sweeps);
/* the runs the fields expand to now (0 while refused) */
guint       ink_sweep_dialog_get_n_runs (InkSweepDialog     *self);

G_END_DECLS
