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
  ink_lr_schedule_defaults (&spec->schedule);

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
    case INK_OPT_ADADELTA:
      /* Keras 2's Adadelta (lr 1.0, rho 0.95, eps = K.epsilon() = 1e-7),
       * the one its mnist_cnn example trains with; lr scales the step */
      spec->lr = 1.0f;
      spec->rho = 0.95f;
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
    case INK_OPT_ADADELTA:
      return 2;
    case INK_OPT_MOMENTUM:
    case INK_OPT_NESTEROV:
    case INK_OPT_RMSPROP:
    case INK_OPT_ADAGRAD:
    default:
      return 1;
    }
}

guint
ink_optimizer_spec_n_buffers (const InkOptimizerSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);

  return ink_optimizer_n_state_buffers (spec->kind) + (spec->ema_decay > 0.0f ? 1 : 0);
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

  if ((int) spec->kind < INK_OPT_SGD || (int) spec->kind >= INK_OPT_N_KINDS)
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

void
ink_lr_schedule_defaults (InkLrSchedule *schedule)
{
  g_return_if_fail (schedule != NULL);

  memset (schedule, 0, sizeof *schedule);
  schedule->kind = INK_SCHEDULE_NONE;
  schedule->step_epochs = 10;
  schedule->factor = 0.1f;
  schedule->min_lr = 0.0f;
  schedule->pct_start = 0.3f;
  schedule->div_factor = 25.0f;
  schedule->final_div_factor = 1e4f;
}

/* the schedule's value k epochs after the warm-up, of K */
static double
schedule_value (const InkLrSchedule *s,
                double               lr,
                guint                k,
                guint                K)
{
  double t, lo, end;

  switch (s->kind)
    {
    case INK_SCHEDULE_STEP:
      return lr * pow ((double) s->factor, (double) (k / MAX (s->step_epochs, 1u)));
    case INK_SCHEDULE_COSINE:
      if (K <= 1)
        return lr;
      t = (double) MIN (k, K - 1) / (double) (K - 1);
      return s->min_lr + (lr - s->min_lr) * 0.5 * (1.0 + cos (G_PI * t));
    case INK_SCHEDULE_ONE_CYCLE:
      lo = lr / s->div_factor;
      end = lo / s->final_div_factor;
      if (K <= 1)
        return lr;
      t = (double) MIN (k, K - 1) / (double) (K - 1);
      if (t <= s->pct_start)
        return lo + (lr - lo) * t / s->pct_start;
      return lr + (end - lr) * (t - s->pct_start) / (1.0 - s->pct_start);
    case INK_SCHEDULE_NONE:
    default:
      return lr;
    }
}

float
ink_lr_schedule_at (const InkOptimizerSpec *spec,
                    guint                   epoch,
                    guint                   n_epochs)
{
  const InkLrSchedule *s;
  guint w, K;
  double lr;

  g_return_val_if_fail (spec != NULL, 0.0f);

  s = &spec->schedule;
  if (s->kind == INK_SCHEDULE_NONE && s->warmup_epochs == 0)
    {
      /* the per-epoch decay alone, computed as it always was */
      if (spec->decay == 1.0f || epoch == 0)
        return spec->lr;
      return (float) ((double) spec->lr * pow ((double) spec->decay, (double) epoch));
    }

  w = s->warmup_epochs;
  K = n_epochs > w ? n_epochs - w : 0;
  if (epoch < w)
    lr = schedule_value (s, spec->lr, 0, K) * (double) (epoch + 1) / (double) (w + 1);
  else
    lr = schedule_value (s, spec->lr, epoch - w, K);
  if (spec->decay != 1.0f && epoch > 0)
    lr *= pow ((double) spec->decay, (double) epoch);
  return (float) lr;
}

float
ink_optimizer_lr (const InkOptimizer *opt,
                  guint               epoch)
{
  g_return_val_if_fail (opt != NULL, 0.0f);

  return ink_lr_schedule_at (&opt->spec, epoch, opt->n_epochs);
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
      const InkLayerShape *sh = &net->shape[l];
      gboolean batch_norm = net->spec->layers[l].kind == INK_LAYER_BATCH_NORM;
      int n_in = sh->row_len;
      int n_out = (int) sh->n_biases;
      gsize wo = net->w_offset[l];
      gsize bo = net->b_offset[l];

      if (sh->n_weights == 0)
        continue;   /* a pool */

      /* weights: with the penalties and the norm constraint (a dense
       * layer's rows, a conv2d layer's filters); batch norm's scales plain */
      p.l1 = batch_norm ? 0.0f : opt->spec.l1;
      p.l2 = batch_norm ? 0.0f : opt->spec.l2;
      p.max_norm = batch_norm ? 0.0f : opt->spec.max_norm;
      be->ops->update (be, &p, net->params + wo, net->grads + wo,
                       opt->state1 != NULL ? opt->state1 + wo : NULL,
                       opt->state2 != NULL ? opt->state2 + wo : NULL,
                       sh->n_weights, n_in);

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
  [INK_OPT_ADADELTA] = "adadelta",
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

static const char * const schedule_names[] = {
  [INK_SCHEDULE_NONE] = "none",
  [INK_SCHEDULE_STEP] = "step",
  [INK_SCHEDULE_COSINE] = "cosine",
  [INK_SCHEDULE_ONE_CYCLE] = "one-cycle",
};

G_STATIC_ASSERT (G_N_ELEMENTS (schedule_names) == INK_SCHEDULE_N_KINDS);

const char *
ink_schedule_kind_to_string (InkScheduleKind kind)
{
  return ink_names_lookup (schedule_names, G_N_ELEMENTS (schedule_names), kind);
}

gboolean
ink_schedule_kind_from_string (const char      *s,
                               InkScheduleKind *out)
{
  guint i;

  if (!ink_names_find (schedule_names, G_N_ELEMENTS (schedule_names), s, &i))
    return FALSE;
  if (out != NULL)
    *out = (InkScheduleKind) i;
  return TRUE;
}

const char *
ink_schedule_kind_choices (void)
{
  static const char *choices = NULL;

  return ink_names_choices (&choices, schedule_names, G_N_ELEMENTS (schedule_names));
}
