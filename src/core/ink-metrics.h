/* ink-metrics.h
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

/* Confusion counts and the metrics derived from them. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define INK_MAX_CLASSES 10

/* Confusion counts and what derives from them.  confusion[t][p] counts
 * samples of true class t predicted as p. */
typedef struct
{
  guint   n_classes;
  guint64 confusion[INK_MAX_CLASSES][INK_MAX_CLASSES];
  guint64 total;
  double  nll_sum;       /* Σ -log p(true) (0 when not known) */
} InkMetrics;

typedef struct
{
  double  precision;
  double  recall;
  double  f1;
  guint64 support;
} InkClassScore;

void     ink_metrics_init        (InkMetrics       *m,
                                  guint             n_classes);
/* probs: [n, n_classes] row-major; labels: n values */
void     ink_metrics_add_batch   (InkMetrics       *m,
                                  const float      *probs,
                                  const guint8     *labels,
                                  guint             n);
double   ink_metrics_accuracy    (const InkMetrics *m);
double   ink_metrics_zero_one    (const InkMetrics *m);
double   ink_metrics_nll         (const InkMetrics *m);
/* 0 where undefined (no predictions / no support), as scikit-learn reports */
InkClassScore ink_metrics_class  (const InkMetrics *m,
                                  guint             c);
/* scikit-learn style classification report and a confusion matrix table */
char    *ink_metrics_report      (const InkMetrics *m);
char    *ink_metrics_confusion_table (const InkMetrics *m);
/* argmax of a row; ties go to the lowest index */
guint    ink_argmax              (const float      *row,
                                  guint             n);

G_END_DECLS
