/* ink-optimizer.c
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

/* The optimizers: SGD, momentum, Nesterov, RMSprop, Adam and Adagrad
 * steps, and their state. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "ink-names.h"
#include "ink-optimizer.h"

void
ink_optimizer_spec_defaults (InkOptimizerSpec *spec,
                             InkOptimizerKind  kind)
{
  g_return_if_fail (spec != NULL);

  memset (spec, 0, sizeof *spec);
  spec->kind = kind;
  spec->decay = 1.0f;

  switch (kind)
    {
    case INK_OPT_SGD:
      spec->lr = 0.01f;
      break;
    case INK_OPT_MOMENTUM:
    case INK_OPT_NESTEROV:
      spec->lr = 0.01f;
      spec->momentum = 0.9f;
      break;
    case INK_OPT_RMSPROP:
      spec->lr = 0.001f;
      spec->rho = 0.9f;
      spec->eps = 1e-7f;
      break;
    case INK_OPT_ADAM:
      spec->lr = 0.001f;
      spec->beta1 = 0.9f;
      spec->beta2 = 0.999f;
      spec->eps = 1e-7f;
      break;
    case INK_OPT_ADAGRAD:
      spec->lr = 0.01f;
      spec->eps = 1e-7f;
      break;
    default:
      g_critical ("unknown optimizer kind %d", (int) kind);
      break;
    }
}

guint
ink_optimizer_n_state_buffers (InkOptimizerKind kind)
{
  switch (kind)
    {
    case INK_OPT_SGD:
      return 0;
    case INK_OPT_ADAM:
      return 2;
    case INK_OPT_MOMENTUM:
    case INK_OPT_NESTEROV:
    case INK_OPT_RMSPROP:
    case INK_OPT_ADAGRAD:
    default:
      return 1;
    }
}

static gboolean
has_state1 (InkOptimizerKind kind)
{
  return ink_optimizer_n_state_buffers (kind) >= 1;
}

static gboolean
has_state2 (InkOptimizerKind kind)
{
  return ink_optimizer_n_state_buffers (kind) >= 2;
}

InkOptimizer *
ink_optimizer_new (const InkOptimizerSpec  *spec,
                   InkNetwork              *net,
                   GError                 **error)
{
  InkOptimizer *opt;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (net != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((int) spec->kind < INK_OPT_SGD || (int) spec->kind > INK_OPT_ADAGRAD)
    {
      g_set_error (error, INK_NETWORK_ERROR, INK_NETWORK_ERROR_INVALID_SPEC,
                   "unknown optimizer kind %d", (int) spec->kind);
      return NULL;
    }

  opt = g_new0 (InkOptimizer, 1);
  opt->spec = *spec;
  opt->net = net;

  if (has_state1 (spec->kind))
    {
      opt->state1 = ink_backend_alloc_floats (net->be, net->n_params, error);
      if (opt->state1 == NULL)
        goto fail;
    }
  if (has_state2 (spec->kind))
    {
      opt->state2 = ink_backend_alloc_floats (net->be, net->n_params, error);
      if (opt->state2 == NULL)
        goto fail;
    }

  return opt;

fail:
  g_prefix_error (error, "cannot allocate the optimizer state: ");
  ink_optimizer_free (opt);
  return NULL;
}

void
ink_optimizer_free (InkOptimizer *opt)
{
  if (opt == NULL)
    return;

  if (opt->state1 != NULL)
    opt->net->be->ops->free (opt->net->be, opt->state1);
  if (opt->state2 != NULL)
    opt->net->be->ops->free (opt->net->be, opt->state2);
  g_free (opt);
}

float
ink_optimizer_lr (const InkOptimizer *opt,
                  guint               epoch)
{
  g_return_val_if_fail (opt != NULL, 0.0f);

  if (opt->spec.decay == 1.0f || epoch == 0)
    return opt->spec.lr;

  return (float) ((double) opt->spec.lr * pow ((double) opt->spec.decay, (double) epoch));
}

void
ink_optimizer_step (InkOptimizer *opt,
                    float         lr)
{
  InkNetwork *net;
  InkBackend *be;
  InkOptParams p;

  g_return_if_fail (opt != NULL);

  net = opt->net;
  be = net->be;
  opt->step++;

  p.kind = opt->spec.kind;
  p.lr = lr;
  p.momentum = opt->spec.momentum;
  p.rho = opt->spec.rho;
  p.beta1 = opt->spec.beta1;
  p.beta2 = opt->spec.beta2;
  p.eps = opt->spec.eps;
  p.step = opt->step;

  for (int l = 0; l < net->spec->n_layers; l++)
    {
      int n_in = l == 0 ? net->spec->n_inputs : net->spec->layers[l - 1].units;
      int n_out = net->spec->layers[l].units;
      gsize wo = net->w_offset[l];
      gsize bo = net->b_offset[l];

      /* weights: with the penalties and the norm constraint */
      p.l1 = opt->spec.l1;
      p.l2 = opt->spec.l2;
      p.max_norm = opt->spec.max_norm;
      be->ops->update (be, &p, net->params + wo, net->grads + wo,
                       opt->state1 != NULL ? opt->state1 + wo : NULL,
                       opt->state2 != NULL ? opt->state2 + wo : NULL,
                       (gsize) n_out * n_in, n_in);

      /* biases: plain */
      p.l1 = 0.0f;
      p.l2 = 0.0f;
      p.max_norm = 0.0f;
      be->ops->update (be, &p, net->params + bo, net->grads + bo,
                       opt->state1 != NULL ? opt->state1 + bo : NULL,
                       opt->state2 != NULL ? opt->state2 + bo : NULL,
                       (gsize) n_out, n_out);
    }
}

void
ink_optimizer_get_state (InkOptimizer *opt,
                         float        *s1,
                         float        *s2)
{
  InkBackend *be;
  gsize bytes;

  g_return_if_fail (opt != NULL);

  be = opt->net->be;
  bytes = opt->net->n_params * sizeof (float);
  if (s1 != NULL)
    {
      if (opt->state1 != NULL)
        be->ops->download (be, s1, opt->state1, bytes);
      else
        memset (s1, 0, bytes);
    }
  if (s2 != NULL)
    {
      if (opt->state2 != NULL)
        be->ops->download (be, s2, opt->state2, bytes);
      else
        memset (s2, 0, bytes);
    }
}

void
ink_optimizer_set_state (InkOptimizer *opt,
                         const float  *s1,
                         const float  *s2)
{
  InkBackend *be;
  gsize bytes;

  g_return_if_fail (opt != NULL);

  be = opt->net->be;
  bytes = opt->net->n_params * sizeof (float);
  if (s1 != NULL && opt->state1 != NULL)
    be->ops->upload (be, opt->state1, s1, bytes);
  if (s2 != NULL && opt->state2 != NULL)
    be->ops->upload (be, opt->state2, s2, bytes);
}

static const char * const optimizer_names[] = {
  [INK_OPT_SGD] = "sgd",
  [INK_OPT_MOMENTUM] = "momentum",
  [INK_OPT_NESTEROV] = "nesterov",
  [INK_OPT_RMSPROP] = "rmsprop",
  [INK_OPT_ADAM] = "adam",
  [INK_OPT_ADAGRAD] = "adagrad",
};

G_STATIC_ASSERT (G_N_ELEMENTS (optimizer_names) == INK_OPT_N_KINDS);

const char *
ink_optimizer_kind_to_string (InkOptimizerKind kind)
{
  return ink_names_lookup (optimizer_names, G_N_ELEMENTS (optimizer_names), kind);
}

gboolean
ink_optimizer_kind_from_string (const char       *s,
                                InkOptimizerKind *out)
{
  guint i;

  if (!ink_names_find (optimizer_names, G_N_ELEMENTS (optimizer_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkOptimizerKind) i;
  return TRUE;
}

const char *
ink_optimizer_kind_choices (void)
{
  static const char *choices = NULL;

  return ink_names_choices (&choices, optimizer_names, G_N_ELEMENTS (optimizer_names));
}
