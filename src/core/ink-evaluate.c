/* ink-evaluate.c
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

/* A trained network evaluated on a whole dataset in batches (the
 * Evaluate page, the CLI's evaluate). */

#include "config.h"

#include "ink-evaluate.h"

gboolean
ink_evaluate_dataset (InkNetwork       *net,
                      const InkNorm    *norm,
                      const InkDataset *ds,
                      float            *probs,
                      InkMetrics       *metrics,
                      GCancellable     *cancellable,
                      GError          **error)
{
  InkBackend *be;
  guint dim, classes, batch;
  g_autofree float *x_host = NULL;
  g_autofree float *batch_probs = NULL;
  float *x;
  gboolean ok = TRUE;

  g_return_val_if_fail (net != NULL && norm != NULL && ds != NULL, FALSE);
  g_return_val_if_fail ((guint) net->spec->n_inputs == ink_dataset_dim (ds), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  be = net->be;
  dim = ink_dataset_dim (ds);
  classes = (guint) net->spec->layers[net->spec->n_layers - 1].units;
  batch = (guint) MIN (INK_EVAL_BATCH, net->max_batch);

  x_host = g_new (float, (gsize) batch * dim);
  x = x_host;
  if (!be->ops->host_memory && (x = ink_backend_alloc_floats (be, (gsize) batch * dim, error)) == NULL)
    return FALSE;
  if (probs == NULL)
    batch_probs = g_new (float, (gsize) batch * classes);
  if (metrics != NULL)
    ink_metrics_init (metrics, classes);

  for (guint off = 0; off < ds->n; off += batch)
    {
      guint rows = MIN (batch, ds->n - off);
      float *out = probs != NULL ? probs + (gsize) off * classes : batch_probs;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      ink_norm_apply (norm, ds->images + (gsize) off * dim, x_host, (gsize) rows * dim);
      if (x != x_host)
        be->ops->upload (be, x, x_host, sizeof (float) * (gsize) rows * dim);
      ink_network_predict (net, x, (int) rows, out);
      if (metrics != NULL)
        ink_metrics_add_batch (metrics, out, ds->labels + off, rows);
    }

  if (x != x_host)
    be->ops->free (be, x);
  return ok;
}
