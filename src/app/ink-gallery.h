/* ink-gallery.h
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

/* A scrolling grid of test digits (the Evaluate page's mistakes) and
 * how they are picked. */

#pragma once

#include <gtk/gtk.h>
#include "ink-dataset.h"

G_BEGIN_DECLS

/* Number of classes (columns of a probability row) the gallery and
 * ink_misclassified_select work with. */
#define INK_GALLERY_CLASSES 10

/* Picks the misclassified samples (argmax of the row ≠ label; ties go to the
 * lowest class, as ink_argmax) out of probs [n, 10] and labels [n], keeping
 * those whose true class is `true_class` and whose predicted class is
 * `pred_class` (-1 = any).  Writes their indices to `out` (room for n) sorted
 * by descending probability of the wrong prediction (ties: lower index
 * first) and returns how many.  true_class == pred_class >= 0 selects nothing. */
guint ink_misclassified_select (const float  *probs,
                                const guint8 *labels,
                                guint         n,
                                int           true_class,
                                int           pred_class,
                                guint32      *out);

#define INK_TYPE_GALLERY (ink_gallery_get_type ())
G_DECLARE_FINAL_TYPE (InkGallery, ink_gallery, INK, GALLERY, GtkWidget)

/* A grid of test digits (28×28 pixels drawn ×3, pixel-exact), each captioned
 * "true 4 · pred 9 · 87%" with its top-3 classes below.  The gallery is a
 * GtkScrollable: put it in a GtkScrolledWindow (only visible rows are drawn).
 * Clicking a digit (or ink_gallery_activate) opens a popover with its ten
 * class probabilities and emits "item-activated" (guint position).
 * Rows of probs must have INK_GALLERY_CLASSES columns. */
GtkWidget *ink_gallery_new             (void);

/* test and probs (test->n × 10 floats) are borrowed until the next
 * set_items/clear or dispose; indices (n values, indices into test) are
 * copied and shown in the given order.  test may be NULL only when n is 0. */
void       ink_gallery_set_items       (InkGallery       *self,
                                        const InkDataset *test,
                                        const float      *probs,
                                        const guint32    *indices,
                                        guint             n);
void       ink_gallery_clear           (InkGallery       *self);
guint      ink_gallery_get_n_items     (InkGallery       *self);
/* the dataset index shown at `position`, or -1 when out of range */
int        ink_gallery_get_item_index  (InkGallery       *self,
                                        guint             position);
/* scrolls to the item, opens its detail popover, emits "item-activated" */
void       ink_gallery_activate        (InkGallery       *self,
                                        guint             position);
/* the position whose popover is open, or -1 */
int        ink_gallery_get_active      (InkGallery       *self);
/* the class labels (NULL-terminated static strings such as ink_class_names
 * (); NULL = the digits) and whether probs holds raw output scores (any
 * output layer but softmax: captions print numbers, not percentages) */
void       ink_gallery_set_classes     (InkGallery         *self,
                                        const char * const *names,
                                        gboolean            scores);
/* the caption under the item at `position` (NULL when out of range) */
char      *ink_gallery_get_caption     (InkGallery       *self,
                                        guint             position);
/* text drawn when there are no items ("placeholder" property) */
void       ink_gallery_set_placeholder (InkGallery       *self,
                                        const char       *text);

G_END_DECLS
