/* ink-trainer.h
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

/* The trainer: runs an experiment (epochs, validation, early stopping,
 * checkpoints) and reports events. */

#pragma once

#include <gio/gio.h>
#include "ink-experiment.h"
#include "ink-metrics.h"

G_BEGIN_DECLS

#define INK_TRAINER_ERROR (ink_trainer_error_quark ())
GQuark ink_trainer_error_quark (void);

typedef enum
{
  INK_TRAINER_ERROR_SETUP,
  INK_TRAINER_ERROR_CHECKPOINT,
  INK_TRAINER_ERROR_BACKEND,
  INK_TRAINER_ERROR_NO_MODEL,   /* nothing trained to save (no epoch completed), or NaN weights */
} InkTrainerError;

typedef enum
{
  INK_STOP_COMPLETED,   /* all epochs done */
  INK_STOP_EARLY,       /* early stopping */
  INK_STOP_CANCELLED,   /* stopped by the user */
  INK_STOP_DIVERGED,    /* NaN / Inf in the loss */
} InkStopReason;

typedef struct
{
  guint   epoch;         /* 1-based */
  double  train_loss;    /* mean over the epoch's minibatches, with dropout */
  double  train_acc;
  double  valid_loss;    /* from the last validation in this epoch */
  double  valid_acc;
  double  duration;      /* seconds: training + validation */
  double  train_duration;/* seconds: the training pass alone (shuffle, forward, backward, update) */
  double  lr;
  gboolean improved;     /* this epoch produced a new best model */
} InkEpochRecord;

typedef enum
{
  INK_EVENT_PHASE,       /* phase */
  INK_EVENT_PROGRESS,    /* epoch, batch, n_batches, running_loss, samples_per_sec (~10 per second) */
  INK_EVENT_EPOCH,       /* record */
  INK_EVENT_WEIGHTS,     /* params: host copy valid during the callback (n_params floats);
                            also after each pretraining epoch of hidden layer 1 (the
                            network's layout: layer 1 holds the RBM's current weights,
                            the others their initialization) */
  INK_EVENT_FINISHED,    /* reason, message */
  INK_EVENT_PRETRAIN_EPOCH, /* layer, n_layers, epoch, n_epochs, recon_error, duration:
                               one epoch of RBM pretraining done (layer and epoch 1-based) */
} InkEventKind;

typedef struct
{
  InkEventKind          kind;
  const char           *phase;
  guint                 epoch;
  guint                 batch;
  guint                 n_batches;
  guint64               iteration;
  double                running_loss;
  double                running_acc;
  double                samples_per_sec;
  const InkEpochRecord *record;
  const float          *params;
  gsize                 n_params;
  InkStopReason         reason;
  const char           *message;
  /* INK_EVENT_PRETRAIN_EPOCH */
  guint                 layer;
  guint                 n_layers;
  guint                 n_epochs;
  double                recon_error;   /* mean over the epoch's images of Σ (v − v')² */
  double                duration;      /* seconds */
} InkTrainEvent;

/* Called on the thread running ink_trainer_run. */
typedef void (*InkEventFunc) (const InkTrainEvent *event,
                              gpointer             user_data);

typedef struct _InkTrainer InkTrainer;

/* Borrows train/test (they must outlive the trainer).  Builds the split, the
 * normalization, the backend, the network (seeded init) and the optimizer. */
InkTrainer   *ink_trainer_new            (const InkExperiment *exp,
                                          const InkDataset    *train,
                                          const InkDataset    *test,
                                          GError             **error);
/* The same, stopping early (G_IO_ERROR_CANCELLED) when cancellable is
 * cancelled: drawing and copying the weights of a huge network takes
 * minutes, and a Stop must not wait for it. */
InkTrainer   *ink_trainer_new_cancellable (const InkExperiment *exp,
                                           const InkDataset    *train,
                                           const InkDataset    *test,
                                           GCancellable        *cancellable,
                                           GError             **error);
void          ink_trainer_free           (InkTrainer          *t);

/* Write a checkpoint (atomically) after every epoch. */
void          ink_trainer_set_checkpoint (InkTrainer          *t,
                                          const char          *path);
/* Restore weights, optimizer state, RNG state, history and stopping state
 * from a checkpoint made by the same experiment: the run then continues
 * exactly as if it had never been interrupted. */
gboolean      ink_trainer_resume         (InkTrainer          *t,
                                          const char          *path,
                                          GError             **error);
/* The experiment stored in a checkpoint (to rebuild the trainer). */
InkExperiment *ink_checkpoint_experiment (const char          *path,
                                          GError             **error);

/* Runs to the end (epochs, early stopping, cancel, divergence).  When the
 * experiment asks for pretraining and the run starts fresh (not resumed),
 * the hidden layers are first pretrained as RBMs (phase "pretrain layer N",
 * INK_EVENT_PRETRAIN_EPOCH events); a checkpoint's weights already hold
 * them, so a resumed run skips it.  Returns
 * FALSE only on failures (backend, checkpoint write); cancellation and
 * divergence are normal ends reported by ink_trainer_stop_reason. */
gboolean      ink_trainer_run            (InkTrainer          *t,
                                          GCancellable        *cancellable,
                                          InkEventFunc         func,
                                          gpointer             user_data,
                                          GError             **error);

/* thread-safe controls */
void          ink_trainer_set_paused     (InkTrainer          *t,
                                          gboolean             paused);
void          ink_trainer_request_weights (InkTrainer         *t);

/* results (after run) */
InkStopReason         ink_trainer_stop_reason  (InkTrainer *t);
const char           *ink_trainer_stop_message (InkTrainer *t);
const InkEpochRecord *ink_trainer_history      (InkTrainer *t, guint *n);
/* the epoch whose weights the run keeps and reports (the best validation,
 * or with the test set as validation set the last completed epoch; never a
 * half-done one); 0 when no epoch was completed: there is no trained model */
guint                 ink_trainer_best_epoch   (InkTrainer *t);
/* metrics of the best model on the test set */
const InkMetrics     *ink_trainer_test_metrics (InkTrainer *t, double *test_loss);
const InkExperiment  *ink_trainer_experiment   (InkTrainer *t);
const InkNorm        *ink_trainer_norm         (InkTrainer *t);
InkNetwork           *ink_trainer_network      (InkTrainer *t);
const InkSplit       *ink_trainer_split        (InkTrainer *t);
/* saves the kept model (the one whose test score is reported); refuses
 * (INK_TRAINER_ERROR_NO_MODEL, nothing written) when no epoch was
 * completed or the weights are not finite */
gboolean              ink_trainer_save_model   (InkTrainer *t, const char *path, GError **error);
/* history as CSV: epoch,train_loss,valid_loss,train_valid_ratio,train_acc,valid_acc,lr,duration_s,improved
 * (numbers in their shortest exact form), written atomically */
gboolean              ink_trainer_save_history (InkTrainer *t, const char *path, GError **error);
char                 *ink_history_to_csv       (const InkEpochRecord *records, guint n);
gboolean              ink_history_save_csv     (const InkEpochRecord *records, guint n,
                                                const char *path, GError **error);

const char   *ink_stop_reason_to_string  (InkStopReason reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkTrainer, ink_trainer_free)

G_END_DECLS
