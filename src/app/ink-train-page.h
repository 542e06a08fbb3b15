/* ink-train-page.h
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

/* The Train page: watches one run. */

#pragma once

#include <gtk/gtk.h>
#include "ink-run.h"

G_BEGIN_DECLS

#define INK_TYPE_TRAIN_PAGE (ink_train_page_get_type ())
G_DECLARE_FINAL_TYPE (InkTrainPage, ink_train_page, INK, TRAIN_PAGE, GtkWidget)

/* Watches one run: progress (epoch, minibatch, samples/s, ETA), live loss and
 * accuracy charts (per epoch, and smoothed per minibatch), the epoch table,
 * and the outcome.  Earlier runs from the ledger can be overlaid. */
InkTrainPage *ink_train_page_new           (void);
void          ink_train_page_set_run       (InkTrainPage *self,
                                            InkRun       *run);
/* a finished run from the ledger as the current one (history in the charts
 * and the table, status, outcome); the next set_run replaces it */
void          ink_train_page_show_ledger_run (InkTrainPage       *self,
                                              const InkLedgerRun *run);
/* the id of the ledger run shown, NULL while a live run (or none) is */
const char   *ink_train_page_get_ledger_id (InkTrainPage *self);
/* rows of the epoch table */
guint         ink_train_page_get_n_rows    (InkTrainPage *self);
/* InkLedgerRun* (borrowed during the call: the page copies what it draws) */
void          ink_train_page_set_overlays  (InkTrainPage *self,
                                            GPtrArray    *runs);
gboolean      ink_train_page_export_charts (InkTrainPage *self,
                                            const char   *path,
                                            GError      **error);
/* for tests */
guint         ink_train_page_get_n_points  (InkTrainPage *self);
/* points of the "Pretraining" chart (reconstruction error per epoch, one
 * series per layer); 0 while the chart is hidden (runs that do not pretrain) */
guint         ink_train_page_get_n_pretrain_points (InkTrainPage *self);
const char   *ink_train_page_get_status    (InkTrainPage *self);
const char   *ink_train_page_get_outcome   (InkTrainPage *self);

/* the title exported charts carry: run name · dataset (NULL: no run) */
char      *ink_train_page_get_export_title (InkTrainPage *self);
/* for tests */
GtkWidget *ink_train_page_get_loss_chart     (InkTrainPage *self);
GtkWidget *ink_train_page_get_accuracy_chart (InkTrainPage *self);
guint      ink_train_page_get_batch_series   (InkTrainPage *self);

G_END_DECLS
