/* ink-evaluate-page.h
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

/* The Evaluate page: how a model does on the test set. */

#pragma once

#include <gtk/gtk.h>
#include "ink-confusion-view.h"
#include "ink-dataset.h"
#include "ink-gallery.h"
#include "ink-metrics.h"
#include "ink-network.h"

G_BEGIN_DECLS

#define INK_TYPE_EVALUATE_PAGE (ink_evaluate_page_get_type ())
G_DECLARE_FINAL_TYPE (InkEvaluatePage, ink_evaluate_page, INK, EVALUATE_PAGE, GtkWidget)

/* The Evaluate page: a headline with the test accuracy, the confusion heat
 * map, the per-class report (precision, recall, F1, support, accuracy,
 * macro and weighted averages) and a gallery of the misclassified test
 * digits, most confident mistakes first, filtered by the selected cell.
 *
 * Property "busy" (gboolean, read-only): TRUE while an evaluation runs.
 * Signal "evaluated": the views show a new evaluation. */
InkEvaluatePage  *ink_evaluate_page_new          (void);

/* Copies spec, params (ink_net_spec_n_params (spec) floats) and norm, and
 * evaluates every image of `test` on a worker thread (its own CPU backend
 * network, batches of INK_EVAL_BATCH); the views are filled on the main
 * thread.  A newer call supersedes a running one (its result is dropped).
 * The output layer must have 10 units and spec->n_inputs must match the
 * images.
 *
 * `test` is borrowed: it must stay valid until the page is disposed,
 * ink_evaluate_page_clear() is called, or set_model is called with another
 * dataset.  Those three wait (at most one batch) for a worker still reading
 * the old dataset, so the caller may free it right after they return. */
void              ink_evaluate_page_set_model    (InkEvaluatePage  *self,
                                                  const InkNetSpec *spec,
                                                  const float      *params,
                                                  const InkNorm    *norm,
                                                  const InkDataset *test);
/* the class labels of the model's dataset (NULL-terminated static strings
 * such as ink_class_names (); NULL = the digits) */
void              ink_evaluate_page_set_class_names (InkEvaluatePage    *self,
                                                     const char * const *names);
/* clears the page (as ink_evaluate_page_clear) and shows a message instead
 * of results, with a spinner when `busy` (plain text, not markup) */
void              ink_evaluate_page_show_message (InkEvaluatePage *self,
                                                  const char      *title,
                                                  const char      *description,
                                                  gboolean         busy);
/* the visible state: "empty" (no model), "loading", "results", "error", "message" */
const char       *ink_evaluate_page_get_state    (InkEvaluatePage  *self);
/* back to the empty state; cancels a running evaluation */
void              ink_evaluate_page_clear        (InkEvaluatePage  *self);
gboolean          ink_evaluate_page_get_busy     (InkEvaluatePage  *self);
/* NULL before the first evaluation (and after clear) */
const InkMetrics *ink_evaluate_page_get_metrics  (InkEvaluatePage  *self);
/* the shown evaluation's class probabilities, [n, 10] (NULL before one) */
const float      *ink_evaluate_page_get_probs    (InkEvaluatePage  *self,
                                                  guint            *n);

/* the page's parts (for tests and the screenshot script) */
InkConfusionView *ink_evaluate_page_get_confusion_view (InkEvaluatePage *self);
InkGallery       *ink_evaluate_page_get_gallery  (InkEvaluatePage  *self);
/* "Compare CPU and GPU": sensitive while a model is set; runs the model on
 * 256 test digits through both backends in a worker thread and shows the
 * per-layer differences (or why there is no GPU) in a dialog. */
GtkWidget        *ink_evaluate_page_get_parity_button  (InkEvaluatePage *self);
const char       *ink_evaluate_page_get_parity_summary (InkEvaluatePage *self);

G_END_DECLS
