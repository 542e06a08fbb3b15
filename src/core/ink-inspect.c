/* ink-inspect.c
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

/* Inspecting a network on one input: every layer's output and the
 * saliency of a class. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-inspect.h"

/* x (host) in backend memory, or NULL when the backend is out of memory */
static float *
upload_input (InkNetwork  *net,
              const float *x)
{
  gsize n = (gsize) net->spec->n_inputs;
  g_autoptr(GError) error = NULL;
  float *dev = ink_backend_alloc_floats (net->be, n, &error);

  if (dev == NULL)
    {
      g_critical ("ink_inspect: cannot allocate the input: %s", error->message);
      return NULL;
    }
  net->be->ops->upload (net->be, dev, x, n * sizeof (float));
  return dev;
}

static void
softmax (float *v,
         int    n)
{
  float max = v[0];
  double sum = 0.0;

  for (int i = 1; i < n; i++)
    max = MAX (max, v[i]);
  for (int i = 0; i < n; i++)
    {
      v[i] = expf (v[i] - max);
      sum += v[i];
    }
  for (int i = 0; i < n; i++)
    v[i] = (float) (v[i] / sum);
}

static InkInspection *
inspection_new (const InkNetwork *net)
{
  const InkNetSpec *spec = net->spec;
  InkInspection *insp = g_new0 (InkInspection, 1);

  insp->n_layers = spec->n_layers;
  insp->units = g_new (int, spec->n_layers);
  insp->values = g_new0 (float *, spec->n_layers);
  insp->activations = g_new (InkActivation, spec->n_layers);
  insp->kinds = g_new (InkLayerKind, spec->n_layers);
  insp->shapes = g_memdup2 (net->shape, sizeof (InkLayerShape) * spec->n_layers);
  for (int l = 0; l < spec->n_layers; l++)
    {
      /* the network's own shapes: a conv2d or pooling layer has no units
       * in its spec, its output is its maps */
      insp->units[l] = (int) net->shape[l].n_outputs;
      insp->values[l] = g_new0 (float, insp->units[l]);
      insp->activations[l] = spec->layers[l].activation;
      insp->kinds[l] = spec->layers[l].kind;
    }
  return insp;
}

InkInspection *
ink_inspect (InkNetwork  *net,
             const float *x)
{
  const InkNetSpec *spec;
  InkInspection *insp;
  float *dev;
  int L;

  g_return_val_if_fail (net != NULL, NULL);
  g_return_val_if_fail (x != NULL, NULL);

  spec = net->spec;
  L = spec->n_layers;
  dev = upload_input (net, x);
  if (dev == NULL)
    return NULL;

  ink_network_forward (net, dev, 1, FALSE, 0, 0);
  insp = inspection_new (net);
  for (int l = 0; l < L; l++)
    net->be->ops->download (net->be, insp->values[l], net->act[l],
                            (gsize) insp->units[l] * sizeof (float));
  if (spec->layers[L - 1].activation == INK_ACT_SOFTMAX)
    softmax (insp->values[L - 1], insp->units[L - 1]);

  net->be->ops->free (net->be, dev);
  return insp;
}

InkInspection *
ink_inspection_copy (const InkInspection *insp)
{
  InkInspection *copy;

  g_return_val_if_fail (insp != NULL, NULL);

  copy = g_new0 (InkInspection, 1);
  copy->n_layers = insp->n_layers;
  copy->units = g_memdup2 (insp->units, sizeof (int) * insp->n_layers);
  copy->values = g_new0 (float *, insp->n_layers);
  copy->activations = g_memdup2 (insp->activations, sizeof (InkActivation) * insp->n_layers);
  copy->kinds = g_memdup2 (insp->kinds, sizeof (InkLayerKind) * insp->n_layers);
  copy->shapes = g_memdup2 (insp->shapes, sizeof (InkLayerShape) * insp->n_layers);
  for (int l = 0; l < insp->n_layers; l++)
    copy->values[l] = g_memdup2 (insp->values[l], sizeof (float) * insp->units[l]);
  return copy;
}

void
ink_inspection_free (InkInspection *insp)
{
  if (insp == NULL)
    return;
  for (int l = 0; l < insp->n_layers; l++)
    g_free (insp->values[l]);
  g_free (insp->values);
  g_free (insp->units);
  g_free (insp->activations);
  g_free (insp->kinds);
  g_free (insp->shapes);
  g_free (insp);
}

int
ink_inspection_top (const InkInspection *insp)
{
  const float *out;
  int n, best = 0;

  if (insp == NULL || insp->n_layers < 1 || insp->units[insp->n_layers - 1] < 1)
    return -1;
  out = insp->values[insp->n_layers - 1];
  n = insp->units[insp->n_layers - 1];
  for (int i = 1; i < n; i++)
    if (out[i] > out[best])
      best = i;
  return best;
}

void
ink_saliency (InkNetwork  *net,
              const float *x,
              int          cls,
              float       *grad)
{
  const InkNetSpec *spec;
  g_autofree float *onehot = NULL;
  float *dev;
  int L, classes;

  g_return_if_fail (net != NULL);
  g_return_if_fail (x != NULL);
  g_return_if_fail (grad != NULL);

  spec = net->spec;
  L = spec->n_layers;
  classes = spec->layers[L - 1].units;
  g_return_if_fail (cls >= 0 && cls < classes);

  dev = upload_input (net, x);
  if (dev == NULL)
    {
      memset (grad, 0, sizeof (float) * spec->n_inputs);
      return;
    }

  ink_network_forward (net, dev, 1, FALSE, 0, 0);
  /* backward reads delta[L-1] as dscore/dlogits for a softmax output and as
   * dscore/doutput for the others (it multiplies by f' itself): a one-hot
   * picks the logit, respectively the output, of `cls` */
  onehot = g_new0 (float, classes);
  onehot[cls] = 1.0f;
  net->be->ops->upload (net->be, net->delta[L - 1], onehot, sizeof (float) * classes);
  ink_network_backward (net, dev, 1, TRUE);
  if (net->d_input != NULL)
    net->be->ops->download (net->be, grad, net->d_input, sizeof (float) * spec->n_inputs);
  else
    memset (grad, 0, sizeof (float) * spec->n_inputs);

  net->be->ops->free (net->be, dev);
}
