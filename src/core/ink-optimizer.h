/* ink-optimizer.h
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

/* Optimizers: their settings, state and update step. */

#pragma once

#include "ink-network.h"

G_BEGIN_DECLS

typedef struct
{
  InkOptimizerKind kind;
  float lr;           /* initial learning rate */
  float momentum;     /* MOMENTUM, NESTEROV */
  float rho;          /* RMSPROP */
  float beta1;        /* ADAM */
  float beta2;
  float eps;          /* RMSPROP, ADAM, ADAGRAD */
  float decay;        /* per-epoch multiplier of lr: lr_e = lr · decay^e (1 = none) */
  float l1;           /* penalty l1·Σ|w| on weights (not biases) */
  float l2;           /* penalty l2·Σw² on weights (not biases) */
  float max_norm;     /* 0 = off */
} InkOptimizerSpec;

void ink_optimizer_spec_defaults (InkOptimizerSpec *spec,
                                  InkOptimizerKind  kind);

typedef struct
{
  InkOptimizerSpec spec;
  InkNetwork      *net;     /* not owned */
  float           *state1;  /* backend memory, n_params (NULL for SGD) */
  float           *state2;  /* backend memory, n_params (ADAM only) */
  guint64          step;    /* updates done */
} InkOptimizer;

InkOptimizer *ink_optimizer_new   (const InkOptimizerSpec *spec,
                                   InkNetwork             *net,
                                   GError                **error);
void          ink_optimizer_free  (InkOptimizer           *opt);
/* lr for epoch e (0-based) */
float         ink_optimizer_lr    (const InkOptimizer     *opt,
                                   guint                   epoch);
/* applies net->grads to net->params; L1/L2/max-norm to weights only */
void          ink_optimizer_step  (InkOptimizer           *opt,
                                   float                   lr);
/* host copies of state1/state2 (n_params floats each; zeros when unused) */
void          ink_optimizer_get_state (InkOptimizer *opt, float *s1, float *s2);
void          ink_optimizer_set_state (InkOptimizer *opt, const float *s1, const float *s2);

/* the kinds, INK_OPT_SGD to INK_OPT_ADAGRAD */
#define INK_OPT_N_KINDS (INK_OPT_ADAGRAD + 1)

/* the kind's name in experiments ("sgd", …, "adagrad"); NULL for no kind */
const char   *ink_optimizer_kind_to_string   (InkOptimizerKind kind);
/* How many n_params-sized state buffers the optimizer keeps: 0 for SGD,
 * 2 for Adam, 1 for the others (velocity or squared-gradient average). */
guint         ink_optimizer_n_state_buffers  (InkOptimizerKind kind);
gboolean      ink_optimizer_kind_from_string (const char *s, InkOptimizerKind *out);
/* the names, in order, as "sgd, momentum, …, adagrad" (for messages) */
const char   *ink_optimizer_kind_choices     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkOptimizer, ink_optimizer_free)

G_END_DECLS
