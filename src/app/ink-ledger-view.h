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

#pragma once

#include <gtk/gtk.h>
#include "ink-ledger.h"

G_BEGIN_DECLS

#define INK_TYPE_LEDGER_VIEW (ink_ledger_view_get_type ())
G_DECLARE_FINAL_TYPE (InkLedgerView, ink_ledger_view, INK, LEDGER_VIEW, GtkWidget)

/* The run ledger: every run with its status and result; tick runs to overlay
 * them on the charts ("overlays-changed"), tick two to compare their
 * experiments, open one ("open-run", InkLedgerRun* borrowed during the
 * emission) to load its experiment and model. */
InkLedgerView *ink_ledger_view_new         (void);
void           ink_ledger_view_set_root    (InkLedgerView *self, const char *root);
void           ink_ledger_view_reload      (InkLedgerView *self, const char *active_id);
GPtrArray     *ink_ledger_view_get_checked (InkLedgerView *self);   /* InkLedgerRun*, borrowed, container owned by caller */
guint          ink_ledger_view_get_n_runs  (InkLedgerView *self);
void           ink_ledger_view_set_checked (InkLedgerView *self, guint index, gboolean checked);
/* the experiments' differences when exactly two runs are ticked, else NULL */
char          *ink_ledger_view_compare     (InkLedgerView *self);
/* Moves run `index`'s folder to the trash (g_file_trash: restorable) and
 * reloads; refuses the run in progress.  The row's trash button does this
 * and shows a failure on the row. */
gboolean       ink_ledger_view_trash       (InkLedgerView *self, guint index, GError **error);

G_END_DECLS
