/* ink-trainer-private.h
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

/* The trainer's state, shared by the run (ink-trainer.c) and the
 * checkpoints (ink-checkpoint.c); not for callers of ink-trainer.h. */

#pragma once

#include "ink-augment.h"
#include "ink-optimizer.h"
#include "ink-rng.h"
#include "ink-trainer.h"

G_BEGIN_DECLS

struct _InkTrainer
{
  InkExperiment    *exp;
  const InkDataset *train;
  const InkDataset *test;
  guint64           data_fp;        /* data_fingerprint (train, test), 0 until needed */
  InkSplit         *split;
  InkNorm           norm;

  InkBackend       *be;
  InkNetwork       *net;
  InkOptimizer     *opt;
  InkDevData       *dtrain;
  InkDevData       *dtest;
  guint32          *perm_host;
  guint32          *perm_dev;
  guint32          *valid_dev;
  guint32          *test_dev;
  float            *x;
  gint32           *labels;
  double           *acc;        /* backend memory, 2 doubles: training */
  double           *eval_acc;   /* backend memory, 2 doubles: evaluation */
  float            *probs_host;
  float            *params_host;
  float            *avg;          /* weight averaging (backend memory, n_params); NULL when off */
  float            *avg_one;      /* 1.0f on the backend: the 1×1 factor of the averaging product */
  gboolean          avg_in;       /* net->params and avg traded places: the network
                                   * holds the average, avg the trained weights */

  /* augmentation: training batches gathered on the host */
  InkAugmenter     *augmenter;    /* NULL when the experiment has none */
  float            *x_host;       /* staging for backends with their own memory; */
  gint32           *labels_host;  /* NULL on the CPU, which fills x directly */

  gboolean          resumed;      /* restored from a checkpoint: no pretraining */
  gboolean          pretrained;

  /* the run's state: everything a checkpoint must hold */
  InkRng            rng;
  guint64           dropout_seed;
  guint             epochs_done;
  guint64           iteration;
  GArray           *history;      /* InkEpochRecord */
  float            *best_params;  /* the weights a stop keeps: the best validation's, or
                                     (validation set = test set) the last completed
                                     epoch's; the initial weights before either */
  guint             kept_epoch;   /* the epoch best_params come from; 0: initial */
  gboolean          have_best;
  double            best_monitor;
  guint             best_epoch;
  double            patience;
  guint             no_improve;
  double            last_valid_loss;
  double            last_valid_acc;

  /* results */
  gboolean          stopped;
  InkStopReason     reason;
  char             *message;
  InkMetrics        test_metrics;
  double            test_loss;
  gboolean          have_test;

  char             *checkpoint_path;

  /* controls, shared with other threads */
  GMutex            lock;
  GCond             cond;
  gint              paused;         /* atomic; changes under `lock` */
  gint              want_weights;
};

/* TRUE when none of the n values is NaN or infinite */
static inline gboolean
ink_trainer_all_finite (const float *v,
                        gsize        n)
{
  /* a sum is NaN when any term is NaN or the terms hold +inf and -inf;
   * an infinite term alone makes it infinite */
  float acc = 0.0f;

  for (gsize i = 0; i < n; i++)
    acc += v[i] * 0.0f;
  return acc == 0.0f;
}

/* Writes t->checkpoint_path (atomically): the current and the kept
 * weights, the optimizer's state and the run's state (ink-checkpoint.c). */
gboolean ink_trainer_write_checkpoint (InkTrainer  *t,
                                       GError     **error);

G_END_DECLS
