/* ink-metrics.c
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

/* Confusion counts and the accuracy, loss and per-class scores derived
 * from them. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-metrics.h"

void
ink_metrics_init (InkMetrics *m,
                  guint       n_classes)
{
  g_return_if_fail (n_classes >= 1 && n_classes <= INK_MAX_CLASSES);
  memset (m, 0, sizeof *m);
  m->n_classes = n_classes;
}

guint
ink_argmax (const float *row,
            guint        n)
{
  guint best = 0;
  for (guint j = 1; j < n; j++)
    if (row[j] > row[best])
      best = j;
  return best;
}

void
ink_metrics_add_batch (InkMetrics   *m,
                       const float  *probs,
                       const guint8 *labels,
                       guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      const float *row = probs + (gsize) i * m->n_classes;
      guint t = labels[i];
      guint p = ink_argmax (row, m->n_classes);

      if (t >= m->n_classes)
        continue;
      m->confusion[t][p]++;
      m->total++;
      m->nll_sum += -log (MAX ((double) row[t], 1e-30));
    }
}

double
ink_metrics_accuracy (const InkMetrics *m)
{
  guint64 ok = 0;
  if (m->total == 0)
    return 0.0;
  for (guint c = 0; c < m->n_classes; c++)
    ok += m->confusion[c][c];
  return (double) ok / (double) m->total;
}

double
ink_metrics_zero_one (const InkMetrics *m)
{
  return m->total ? 1.0 - ink_metrics_accuracy (m) : 0.0;
}

double
ink_metrics_nll (const InkMetrics *m)
{
  return m->total ? m->nll_sum / (double) m->total : 0.0;
}

InkClassScore
ink_metrics_class (const InkMetrics *m,
                   guint             c)
{
  InkClassScore s = { 0, 0, 0, 0 };
  guint64 predicted = 0;

  g_return_val_if_fail (c < m->n_classes, s);
  for (guint t = 0; t < m->n_classes; t++)
    predicted += m->confusion[t][c];
  for (guint p = 0; p < m->n_classes; p++)
    s.support += m->confusion[c][p];
  s.precision = predicted ? (double) m->confusion[c][c] / (double) predicted : 0.0;
  s.recall = s.support ? (double) m->confusion[c][c] / (double) s.support : 0.0;
  s.f1 = (s.precision + s.recall) > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
  return s;
}

char *
ink_metrics_report (const InkMetrics *m)
{
  GString *s = g_string_new (NULL);
  double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;

  g_string_append_printf (s, "%12s %10s %10s %10s %10s\n\n", "", "precision", "recall", "f1-score", "support");
  for (guint c = 0; c < m->n_classes; c++)
    {
      InkClassScore cs = ink_metrics_class (m, c);
      g_string_append_printf (s, "%12u %10.4f %10.4f %10.4f %10" G_GUINT64_FORMAT "\n",
                              c, cs.precision, cs.recall, cs.f1, cs.support);
      mp += cs.precision; mr += cs.recall; mf += cs.f1;
      wp += cs.precision * cs.support; wr += cs.recall * cs.support; wf += cs.f1 * cs.support;
    }
  g_string_append_c (s, '\n');
  g_string_append_printf (s, "%12s %10s %10s %10.4f %10" G_GUINT64_FORMAT "\n", "accuracy", "", "",
                          ink_metrics_accuracy (m), m->total);
  g_string_append_printf (s, "%12s %10.4f %10.4f %10.4f %10" G_GUINT64_FORMAT "\n", "macro avg",
                          mp / m->n_classes, mr / m->n_classes, mf / m->n_classes, m->total);
  if (m->total)
    g_string_append_printf (s, "%12s %10.4f %10.4f %10.4f %10" G_GUINT64_FORMAT "\n", "weighted avg",
                            wp / m->total, wr / m->total, wf / m->total, m->total);
  return g_string_free (s, FALSE);
}

char *
ink_metrics_confusion_table (const InkMetrics *m)
{
  GString *s = g_string_new ("true\\pred");
  for (guint p = 0; p < m->n_classes; p++)
    g_string_append_printf (s, " %6u", p);
  g_string_append_c (s, '\n');
  for (guint t = 0; t < m->n_classes; t++)
    {
      g_string_append_printf (s, "%9u", t);
      for (guint p = 0; p < m->n_classes; p++)
        g_string_append_printf (s, " %6" G_GUINT64_FORMAT, m->confusion[t][p]);
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}
