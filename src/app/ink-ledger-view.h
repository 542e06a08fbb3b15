/* ink-ledger-view.h
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

/* The Runs page: the run ledger as a table, and the sweeps. */

#pragma once

#include <gtk/gtk.h>
#include "ink-ledger.h"
#include "ink-sweep-view.h"

G_BEGIN_DECLS

#define INK_TYPE_LEDGER_VIEW (ink_ledger_view_get_type ())
G_DECLARE_FINAL_TYPE (InkLedgerView, ink_ledger_view, INK, LEDGER_VIEW, GtkWidget)

/* The run ledger as a table: every run with what tells it apart (name,
 * dataset, architecture, optimizer, epochs, test accuracy, duration, how it
 * ended, when it started), sortable by a click on a column's header; a
 * damaged folder is a row saying why.  Click a name to rename the run.
 * Tick runs to overlay them on the charts ("overlays-changed"), tick two or
 * more and press Compare for a side-by-side table in a window of its own;
 * Open ("open-run", InkLedgerRun* borrowed during the emission) loads a run;
 * the trash button hides the row and offers Undo in a toast, the folder
 * going to the trash when the toast goes (or the view does). */
InkLedgerView *ink_ledger_view_new         (void);
void           ink_ledger_view_set_root    (InkLedgerView *self, const char *root);
/* reads the ledger again; ticks stay on the runs still there */
void           ink_ledger_view_reload      (InkLedgerView *self, const char *active_id);
GPtrArray     *ink_ledger_view_get_checked (InkLedgerView *self);   /* InkLedgerRun*, borrowed, container owned by caller */
/* indexes below are in the ledger's order (newest first), not the shown one */
guint          ink_ledger_view_get_n_runs  (InkLedgerView *self);
InkLedgerRun  *ink_ledger_view_get_run     (InkLedgerView *self, guint index);
void           ink_ledger_view_set_checked (InkLedgerView *self, guint index, gboolean checked);
/* opens the comparison of the ticked runs (two or more; NULL otherwise) as
 * the Compare button does; the window is the view's (closed with it) */
GtkWindow     *ink_ledger_view_compare     (InkLedgerView *self);
GtkWindow     *ink_ledger_view_get_compare_window (InkLedgerView *self);
GtkColumnView *ink_ledger_view_get_column_view    (InkLedgerView *self);
/* Moves run `index`'s folder to the trash at once (g_file_trash:
 * restorable) and drops its row; refuses the run in progress.  The row's
 * trash button offers Undo first. */
gboolean       ink_ledger_view_trash       (InkLedgerView *self, guint index, GError **error);
/* The Sweeps section (a switcher above the table shows it): its runs open
 * through "open-run" too */
InkSweepView  *ink_ledger_view_get_sweep_view (InkLedgerView *self);
void           ink_ledger_view_show_sweeps    (InkLedgerView *self);

G_END_DECLS
