/* ink-ledger-compare.h
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

/* A window comparing runs of the ledger side by side. */

#pragma once

#include <gtk/gtk.h>
#include "ink-ledger.h"

G_BEGIN_DECLS

/* A window with runs side by side (ink_ledger_compare's table): one column
 * per run, one row per setting or result, grouped in sections, the rows
 * that differ highlighted; "Only Differences" hides the others.  The runs
 * are copied in (their table is built once). */
GtkWindow *ink_ledger_compare_window_new (GtkWindow            *parent,
                                          InkLedgerRun * const *runs,
                                          guint                 n);
/* TRUE when the window shows only the rows that differ */
gboolean   ink_ledger_compare_window_get_only_differences (GtkWindow *window);

G_END_DECLS
