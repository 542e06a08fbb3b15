/* ink-parity-dialog.h
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

/* The Evaluate page's CPU/GPU comparison: the same weights through the CPU
 * and the CUDA backend over the first test images, off the main thread
 * (ink-parity.h does the comparing), and the dialog that reports it. */

#pragma once

#include <gtk/gtk.h>
#include "ink-dataset.h"
#include "ink-network.h"

G_BEGIN_DECLS

/* Copies the network (spec, params) and normalizes the first test images
 * (at most 256) with norm, then compares in a thread; source_object is the
 * GTask's. */
void     ink_parity_dialog_compare_async  (gpointer             source_object,
                                           const InkNetSpec    *spec,
                                           const float         *params,
                                           const InkNorm       *norm,
                                           const InkDataset    *test,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* FALSE only when cancelled (G_IO_ERROR_CANCELLED).  Otherwise TRUE with
 * the report: a sentence with the largest relative difference and a table
 * per layer and quantity, or, when no GPU could be used or the GPU backend
 * refused the network (it names the layer it cannot run, such as a
 * convolution), a sentence saying why and no table (NULL). */
gboolean ink_parity_dialog_compare_finish (GAsyncResult        *result,
                                           char               **summary,
                                           char               **table,
                                           GError             **error);

/* Presents the report in a message dialog over parent's window: "CPU and
 * GPU Agreement" with the table in monospace, or "No GPU to Compare With"
 * when table is NULL. */
void     ink_parity_dialog_present        (GtkWidget           *parent,
                                           const char          *summary,
                                           const char          *table);
/* After a finished comparison: TRUE when there was a GPU but its backend
 * refused the network. */
gboolean ink_parity_dialog_compare_refused (GAsyncResult       *result);
/* The same with another heading (NULL: the one above) */
void     ink_parity_dialog_present_full   (GtkWidget           *parent,
                                           const char          *heading,
                                           const char          *summary,
                                           const char          *table);

G_END_DECLS
