/* ink-epoch-table.h
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

/* The nolearn-style table of epochs. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define INK_TYPE_EPOCH_TABLE (ink_epoch_table_get_type ())
G_DECLARE_FINAL_TYPE (InkEpochTable, ink_epoch_table, INK, EPOCH_TABLE, GtkWidget)

/* The nolearn-style table of epochs: epoch, train loss, valid loss,
 * train/val, valid acc (%), duration (s).  Rows of epochs that produced a new
 * best model carry a ★ and a bold valid loss.  Follows the model and keeps
 * the newest row in view unless the user has scrolled up. */
InkEpochTable *ink_epoch_table_new              (void);
/* model: of InkEpochItem; NULL empties the table */
void           ink_epoch_table_set_model        (InkEpochTable *self,
                                                 GListModel    *model);
GListModel    *ink_epoch_table_get_model        (InkEpochTable *self);
GtkColumnView *ink_epoch_table_get_column_view  (InkEpochTable *self);
/* the scrolled window's vertical adjustment */
GtkAdjustment *ink_epoch_table_get_vadjustment  (InkEpochTable *self);

G_END_DECLS
