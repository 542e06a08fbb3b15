/* ink-confusion-view.h
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

/* A confusion-matrix heat map that selects a cell (true, predicted
 * class). */

#pragma once

#include <gtk/gtk.h>
#include "ink-metrics.h"

G_BEGIN_DECLS

#define INK_TYPE_CONFUSION_VIEW (ink_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (InkConfusionView, ink_confusion_view, INK, CONFUSION_VIEW, GtkWidget)

/* A confusion-matrix heat map: rows are the true class, columns the
 * predicted one; each cell shows its count and is coloured by its share of
 * the row (the diagonal in teal, errors from orange to red, scaled to the
 * largest error rate so that mistakes stand out).  Hovering shows
 * "true 4 → predicted 9: 23 (2.3% of 4s)" under the grid.
 *
 * Selection: clicking an off-diagonal cell selects it and emits
 * "cell-activated" (guint true_class, guint predicted_class); clicking the
 * selected cell again or a diagonal cell clears the selection and emits
 * "selection-cleared" (only when something was selected).
 * ink_confusion_view_select() goes through the same path and emits the same
 * signals when the selection changes. */
GtkWidget *ink_confusion_view_new           (void);

/* copies *m; NULL shows an empty grid.  Resets the selection without
 * emitting a signal. */
void       ink_confusion_view_set_metrics   (InkConfusionView *self,
                                             const InkMetrics *m);
/* the classes' names (Fashion-MNIST's "T-shirt/top" … "Ankle boot"): each
 * row is labelled with its name and the index heading its column, the
 * hover line names both classes.  NULL: the digits 0-9. */
void       ink_confusion_view_set_class_names (InkConfusionView   *self,
                                               const char * const *names);
/* the line shown under the grid (the cell hovered or selected, or a
 * hint); NULL without metrics.  Free it. */
char      *ink_confusion_view_get_status      (InkConfusionView *self);
/* selects an off-diagonal cell; (-1,-1) or a diagonal cell clears.
 * Emits "cell-activated" / "selection-cleared" when the selection changes. */
void       ink_confusion_view_select        (InkConfusionView *self,
                                             int               true_class,
                                             int               pred_class);
/* FALSE (and -1,-1) when nothing is selected */
gboolean   ink_confusion_view_get_selection (InkConfusionView *self,
                                             int              *true_class,
                                             int              *pred_class);

G_END_DECLS
