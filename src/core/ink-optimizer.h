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

/* How the learning rate moves over the epochs of a run (after the optional
 * linear warm-up; `decay` still multiplies the result). */
typedef enum
{
  INK_SCHEDULE_NONE,       /* lr throughout */
  INK_SCHEDULE_STEP,       /* lr · factor^⌊k / step_epochs⌋ */
  INK_SCHEDULE_COSINE,     /* half a cosine from lr down to min_lr, reached on the last epoch */
  INK_SCHEDULE_ONE_CYCLE,  /* Smith's one cycle, linear: lr/div_factor up to lr at
                            * pct_start of the run, then down to lr/div_factor/final_div_factor */
} InkScheduleKind;

#define INK_SCHEDULE_N_KINDS (INK_SCHEDULE_ONE_CYCLE + 1)

typedef struct
{
  InkScheduleKind kind;
  guint warmup_epochs;     /* any kind: epochs e < W run at target·(e+1)/(W+1),
                            * target the schedule's first value */
  guint step_epochs;       /* STEP: epochs per step (≥ 1) */
  float factor;            /* STEP: multiplier per step, in (0, 1] */
  float min_lr;            /* COSINE: the floor, in [0, lr) */
  float pct_start;         /* ONE_CYCLE: share of the run spent rising, in (0, 1) */
  float div_factor;        /* ONE_CYCLE: lr / div_factor to start (≥ 1) */
  float final_div_factor;  /* ONE_CYCLE: start / final_div_factor to end (≥ 1) */
} InkLrSchedule;

typedef struct
{
  InkOptimizerKind kind;
  float lr;           /* initial learning rate */
  float momentum;     /* MOMENTUM, NESTEROV */
  float rho;          /* RMSPROP, ADADELTA */
  float beta1;        /* ADAM */
  float beta2;
  float eps;          /* RMSPROP, ADAM, ADAGRAD, ADADELTA */
  float decay;        /* per-epoch multiplier of lr: lr_e = lr · decay^e (1 = none) */
  float l1;           /* penalty l1·Σ|w| on weights (not biases) */
  float l2;           /* penalty l2·Σw² on weights (not biases) */
  float max_norm;     /* 0 = off */
  InkLrSchedule schedule;
  float ema_decay;    /* weight averaging: 0 = off; in (0, 1), the decay of an
                       * exponential moving average of the weights (running
                       * statistics included), updated after every step with
                       * min (ema_decay, (1 + steps) / (10 + steps)); validation,
                       * testing and the kept model use the average */
} InkOptimizerSpec;

void ink_optimizer_spec_defaults (InkOptimizerSpec *spec,
                                  InkOptimizerKind  kind);
/* none, no warm-up, with each kind's usual numbers ready (step: 0.1 every
 * 10 epochs; cosine: floor 0; one-cycle: 0.3, 25, 10⁴) */
void ink_lr_schedule_defaults    (InkLrSchedule    *schedule);
/* the learning rate of epoch `epoch` (0-based) of a run of n_epochs, with
 * the spec's schedule, warm-up and decay; cosine and one-cycle need
 * n_epochs (≤ 1 after warm-up: they hold lr) */
float ink_lr_schedule_at         (const InkOptimizerSpec *spec,
                                  guint                   epoch,
                                  guint                   n_epochs);
const char *ink_schedule_kind_to_string   (InkScheduleKind kind);
gboolean    ink_schedule_kind_from_string (const char *s, InkScheduleKind *out);
/* "none, step, cosine, one-cycle" (for messages) */
const char *ink_schedule_kind_choices     (void);

typedef struct
{
  InkOptimizerSpec spec;
  InkNetwork      *net;     /* not owned */
  float           *state1;  /* backend memory, n_params (NULL for SGD) */
  float           *state2;  /* backend memory, n_params (ADAM, ADADELTA) */
  guint64          step;    /* updates done */
  guint            n_epochs;  /* the run's length, for the schedule (0: unknown) */
} InkOptimizer;

InkOptimizer *ink_optimizer_new   (const InkOptimizerSpec *spec,
                                   InkNetwork             *net,
                                   GError                **error);
void          ink_optimizer_free  (InkOptimizer           *opt);
/* lr for epoch e (0-based): ink_lr_schedule_at over opt->n_epochs */
float         ink_optimizer_lr    (const InkOptimizer     *opt,
                                   guint                   epoch);
/* applies net->grads to net->params; L1/L2/max-norm to weights only */
void          ink_optimizer_step  (InkOptimizer           *opt,
                                   float                   lr);
/* host copies of state1/state2 (n_params floats each; zeros when unused) */
void          ink_optimizer_get_state (InkOptimizer *opt, float *s1, float *s2);
void          ink_optimizer_set_state (InkOptimizer *opt, const float *s1, const float *s2);

/* the kinds, INK_OPT_SGD to INK_OPT_ADADELTA */
#define INK_OPT_N_KINDS (INK_OPT_ADADELTA + 1)

/* the kind's name in experiments ("sgd", …, "adadelta"); NULL for no kind */
const char   *ink_optimizer_kind_to_string   (InkOptimizerKind kind);
/* How many n_params-sized state buffers the optimizer keeps: 0 for SGD,
 * 2 for Adam and Adadelta, 1 for the others (velocity or squared-gradient average). */
guint         ink_optimizer_n_state_buffers  (InkOptimizerKind kind);
/* The n_params-sized buffers a run with this spec keeps on the backend
 * besides the weights and gradients: the state buffers, and with weight
 * averaging the average (1 more). */
guint         ink_optimizer_spec_n_buffers   (const InkOptimizerSpec *spec);
gboolean      ink_optimizer_kind_from_string (const char *s, InkOptimizerKind *out);
/* the names, in order, as "sgd, momentum, …, adadelta" (for messages) */
const char   *ink_optimizer_kind_choices     (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkOptimizer, ink_optimizer_free)

G_END_DECLS
