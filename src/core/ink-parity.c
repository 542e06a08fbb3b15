/* ink-parity.c
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

/* Comparing what two backends compute for the same network and batch,
 * layer by layer. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-parity.h"

G_DEFINE_QUARK (ink-parity-error-quark, ink_parity_error)

const char *
ink_parity_kind_to_string (InkParityKind kind)
{
  switch (kind)
    {
    case INK_PARITY_OUTPUT: return "output";
    case INK_PARITY_WEIGHT_GRAD: return "weight grad";
    case INK_PARITY_BIAS_GRAD: return "bias grad";
    default: return "?";
    }
}

static void
compare_values (const float  *va,
                const float  *vb,
                gsize         n,
                InkParityRow *row)
{
  row->n = n;
  row->max_abs = 0.0;
  row->max_rel = 0.0;
  row->worst = 0;
  row->worst_a = n > 0 ? va[0] : 0.0f;
  row->worst_b = n > 0 ? vb[0] : 0.0f;

  for (gsize i = 0; i < n; i++)
    {
      double a = va[i], b = vb[i];
      double abs_diff, rel;

      if (a == b || (isnan (a) && isnan (b)))
        continue;   /* equal, or equal infinities, or NaN on both sides */
      if (!isfinite (a) || !isfinite (b))
        abs_diff = rel = INFINITY;
      else
        {
          abs_diff = fabs (a - b);
          rel = abs_diff / MAX (MAX (fabs (a), fabs (b)), 1e-6);
        }
      if (abs_diff > row->max_abs)
        {
          row->max_abs = abs_diff;
          row->worst = i;
          row->worst_a = va[i];
          row->worst_b = vb[i];
        }
      row->max_rel = MAX (row->max_rel, rel);
    }
}

static InkParityRow *
add_row (GPtrArray     *rows,
         int            layer,
         InkParityKind  kind,
         const float   *va,
         const float   *vb,
         gsize          n)
{
  InkParityRow *row = g_new0 (InkParityRow, 1);

  row->layer = layer;
  row->kind = kind;
  compare_values (va, vb, n, row);
  g_ptr_array_add (rows, row);
  return row;
}

static const char *
backend_label (InkBackend *be)
{
  return be->device_name != NULL ? be->device_name : be->ops->name;
}

static gboolean
sync_or_fail (InkBackend  *be,
              const char  *stage,
              GError     **error)
{
  if (be->ops->sync (be, error))
    return TRUE;
  g_prefix_error (error, "%s (%s): ", backend_label (be), stage);
  return FALSE;
}

/* The gradient of the batch-mean loss w.r.t. the output (pre-softmax for
 * cross-entropy), as the backends' loss op computes it, for one-hot targets
 * at the argmax of `out`. */
static void
loss_gradient (InkLoss      loss,
               const float *out,
               int          batch,
               int          classes,
               float       *d_out)
{
  for (int i = 0; i < batch; i++)
    {
      const float *o = out + (gsize) i * classes;
      float *d = d_out + (gsize) i * classes;
      int target = 0;

      for (int c = 1; c < classes; c++)
        if (o[c] > o[target])
          target = c;

      if (loss == INK_LOSS_CROSS_ENTROPY)
        {
          double max = o[target], sum = 0.0;

          for (int c = 0; c < classes; c++)
            sum += exp ((double) o[c] - max);
          for (int c = 0; c < classes; c++)
            d[c] = (float) ((exp ((double) o[c] - max) / sum - (c == target)) / batch);
        }
      else
        {
          for (int c = 0; c < classes; c++)
            d[c] = (float) (2.0 * ((double) o[c] - (c == target)) / ((double) batch * classes));
        }
    }
}

typedef struct
{
  float  *x_dev;    /* backend memory */
  float **act;      /* host, per layer */
  float  *grads;    /* host */
} Side;

static void
side_clear (InkNetwork *net,
            Side       *side)
{
  if (side->x_dev != NULL)
    net->be->ops->free (net->be, side->x_dev);
  if (side->act != NULL)
    for (int l = 0; l < net->spec->n_layers; l++)
      g_free (side->act[l]);
  g_free (side->act);
  g_free (side->grads);
}

/* uploads x and runs the forward pass; downloads every layer's output */
static gboolean
side_forward (InkNetwork   *net,
              Side         *side,
              const float  *x,
              int           batch,
              GError      **error)
{
  InkBackend *be = net->be;
  const InkNetSpec *spec = net->spec;
  gsize n_x = (gsize) batch * spec->n_inputs;

  side->x_dev = ink_backend_alloc_floats (be, n_x, error);
  if (side->x_dev == NULL)
    {
      g_prefix_error (error, "%s: ", backend_label (be));
      return FALSE;
    }
  be->ops->upload (be, side->x_dev, x, n_x * sizeof (float));
  ink_network_forward (net, side->x_dev, batch, FALSE, 0, 0);
  if (!sync_or_fail (be, "forward", error))
    return FALSE;

  side->act = g_new0 (float *, spec->n_layers);
  for (int l = 0; l < spec->n_layers; l++)
    {
      gsize n = (gsize) batch * net->shape[l].n_outputs;

      side->act[l] = g_new (float, n);
      be->ops->download (be, side->act[l], net->act[l], n * sizeof (float));
    }
  return TRUE;
}

/* sets the output gradient, runs the backward pass, downloads the gradients */
static gboolean
side_backward (InkNetwork   *net,
               Side         *side,
               const float  *d_out,
               int           batch,
               GError      **error)
{
  InkBackend *be = net->be;
  const InkNetSpec *spec = net->spec;
  int L = spec->n_layers;

  be->ops->upload (be, net->delta[L - 1], d_out,
                   (gsize) batch * spec->layers[L - 1].units * sizeof (float));
  ink_network_backward (net, side->x_dev, batch, FALSE);
  if (!sync_or_fail (be, "backward", error))
    return FALSE;
  side->grads = g_new (float, MAX (net->n_params, 1));
  be->ops->download (be, side->grads, net->grads, net->n_params * sizeof (float));
  return TRUE;
}

gboolean
ink_parity_compare_networks (InkNetwork   *a,
                             InkNetwork   *b,
                             const float  *x,
                             int           batch,
                             GPtrArray   **rows_out,
                             GError      **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree float *d_out = NULL;
  Side sa = { 0 }, sb = { 0 };
  const InkNetSpec *spec;
  gboolean ok = FALSE;
  int L, classes;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  g_return_val_if_fail (x != NULL, FALSE);
  g_return_val_if_fail (rows_out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  spec = a->spec;
  if (!ink_net_spec_same_network (spec, b->spec))
    {
      g_set_error_literal (error, INK_PARITY_ERROR, INK_PARITY_ERROR_MISMATCH,
                           "the two networks differ in shape");
      return FALSE;
    }
  if (batch < 1 || batch > MIN (a->max_batch, b->max_batch))
    {
      g_set_error (error, INK_PARITY_ERROR, INK_PARITY_ERROR_INVALID,
                   "the batch of %d images must be between 1 and %d",
                   batch, MIN (a->max_batch, b->max_batch));
      return FALSE;
    }

  L = spec->n_layers;
  classes = spec->layers[L - 1].units;
  rows = g_ptr_array_new_with_free_func (g_free);

  if (!side_forward (a, &sa, x, batch, error) ||
      !side_forward (b, &sb, x, batch, error))
    goto out;

  d_out = g_new (float, (gsize) batch * classes);
  loss_gradient (spec->loss, sa.act[L - 1], batch, classes, d_out);
  if (!side_backward (a, &sa, d_out, batch, error) ||
      !side_backward (b, &sb, d_out, batch, error))
    goto out;

  /* counts from the layer shapes: a convolution's output is C×H×W per image
   * and its weights out×in×kh×kw; a pooling layer has no parameters, so it
   * gets only its output row */
  for (int l = 0; l < L; l++)
    {
      const InkLayerShape *sh = &a->shape[l];
      gsize wo = a->w_offset[l], bo = a->b_offset[l];

      add_row (rows, l, INK_PARITY_OUTPUT, sa.act[l], sb.act[l], (gsize) batch * sh->n_outputs);
      if (sh->n_weights > 0)
        add_row (rows, l, INK_PARITY_WEIGHT_GRAD, sa.grads + wo, sb.grads + wo, sh->n_weights);
      if (sh->n_biases > 0)
        add_row (rows, l, INK_PARITY_BIAS_GRAD, sa.grads + bo, sb.grads + bo, sh->n_biases);
    }
  *rows_out = g_steal_pointer (&rows);
  ok = TRUE;

out:
  side_clear (a, &sa);
  side_clear (b, &sb);
  return ok;
}

gboolean
ink_parity_compare (InkBackend      *a,
                    InkBackend      *b,
                    const InkModel  *model,
                    const float     *x,
                    int              batch,
                    GPtrArray      **rows_out,
                    GError         **error)
{
  g_autoptr(InkNetwork) net_a = NULL;
  g_autoptr(InkNetwork) net_b = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  g_return_val_if_fail (model != NULL && model->experiment != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (batch < 1)
    {
      g_set_error (error, INK_PARITY_ERROR, INK_PARITY_ERROR_INVALID,
                   "the batch must hold at least one image, not %d", batch);
      return FALSE;
    }
  net_a = ink_model_network (model, a, batch, error);
  if (net_a == NULL)
    {
      g_prefix_error (error, "%s: ", backend_label (a));
      return FALSE;
    }
  net_b = ink_model_network (model, b, batch, error);
  if (net_b == NULL)
    {
      g_prefix_error (error, "%s: ", backend_label (b));
      return FALSE;
    }
  return ink_parity_compare_networks (net_a, net_b, x, batch, rows_out, error);
}
