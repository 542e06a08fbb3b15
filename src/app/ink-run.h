/* ink-run.h
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

/* A training run seen from the main thread (InkRun), and the shared
 * loaded dataset (InkData). */

#pragma once

#include <gio/gio.h>
#include "ink-ledger.h"
#include "ink-trainer.h"

G_BEGIN_DECLS

/* A loaded dataset pair, shared (reference counted) between runs and pages. */
typedef struct _InkData InkData;
struct _InkData
{
  char       *dir;
  InkDataset *train;
  InkDataset *test;
};

InkData *ink_data_load   (const char *dir, GError **error);   /* blocking; call on a worker thread */
InkData *ink_data_ref    (InkData *data);
void     ink_data_unref  (InkData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (InkData, ink_data_unref)

typedef enum
{
  INK_RUN_IDLE,
  INK_RUN_LOADING,     /* reading the dataset, building the network */
  INK_RUN_RUNNING,
  INK_RUN_PAUSED,
  INK_RUN_STOPPING,    /* stop requested, waiting for the minibatch to end */
  INK_RUN_FINISHED,    /* ended: see reason */
  INK_RUN_FAILED,      /* could not start or failed: see message */
} InkRunState;

/* One epoch of RBM pretraining (layer and epoch 1-based). */
typedef struct
{
  guint  layer;
  guint  n_layers;
  guint  epoch;
  guint  n_epochs;
  double recon_error;   /* mean over the images of Σ (v − v')² */
  double duration;      /* seconds */
} InkRunPretrainEpoch;

#define INK_TYPE_RUN (ink_run_get_type ())
G_DECLARE_FINAL_TYPE (InkRun, ink_run, INK, RUN, GObject)

/* One training run on a worker thread (GTask).  The worker never touches
 * GTK: it hands copies (epoch records, weights) to the main context, where
 * the run updates its properties and emits signals:
 *   "progress"   — ~10 per second: properties epoch, batch, n-batches, running-loss,
 *                   running-acc, samples-per-second, eta-seconds changed
 *   "epoch"      — (InkEpochItem *item) a new row, also appended to the history model
 *   "pretrain-epoch" — (guint layer, guint n_layers, guint epoch, guint n_epochs,
 *                   double recon_error) one epoch of RBM pretraining (1-based),
 *                   followed by "progress"
 *   "weights"    — (GBytes *params) a host copy of all parameters (network layout);
 *                   while ink_run_get_pretraining, layer 1 holds the RBM's weights
 *   "finished"   — the run ended (state FINISHED or FAILED); results available
 * `data` may be NULL: the run loads exp->dataset itself (or `data_dir`). */
InkRun        *ink_run_new                (const InkExperiment *exp,
                                           InkData             *data,
                                           const char          *data_dir);
void           ink_run_set_ledger_root    (InkRun *run, const char *root);   /* tests; NULL = the user's */
void           ink_run_start              (InkRun *run);
void           ink_run_set_paused         (InkRun *run, gboolean paused);
void           ink_run_stop               (InkRun *run);
void           ink_run_request_weights    (InkRun *run);

InkRunState    ink_run_get_state          (InkRun *run);
const InkExperiment *ink_run_get_experiment (InkRun *run);
GListModel    *ink_run_get_history        (InkRun *run);   /* of InkEpochItem */
guint          ink_run_get_epoch          (InkRun *run);   /* the epoch in progress (1-based) */
guint          ink_run_get_epochs_done    (InkRun *run);   /* epochs completed (rows of the history) */
/* after "finished": the epoch whose weights the run kept (the best
 * validation, or the last completed one); 0 when none was completed and
 * the run has no model (ink_run_get_params is then NULL) */
guint          ink_run_get_best_epoch     (InkRun *run);
guint          ink_run_get_batch          (InkRun *run);
guint          ink_run_get_n_batches      (InkRun *run);
double         ink_run_get_running_loss   (InkRun *run);
double         ink_run_get_running_acc    (InkRun *run);
double         ink_run_get_samples_per_second (InkRun *run);
double         ink_run_get_eta_seconds    (InkRun *run);
double         ink_run_get_fraction       (InkRun *run);  /* of the whole run, 0..1 */
const char    *ink_run_get_message        (InkRun *run);
const GError  *ink_run_get_error          (InkRun *run);  /* why a FAILED run failed */
InkStopReason  ink_run_get_reason         (InkRun *run);
double         ink_run_get_test_accuracy  (InkRun *run);  /* NAN until finished */
InkData       *ink_run_get_data           (InkRun *run);
const char    *ink_run_get_ledger_id      (InkRun *run);
/* after "finished": the reported (best) model */
GBytes        *ink_run_get_params         (InkRun *run);
const InkNorm *ink_run_get_norm           (InkRun *run);
const InkMetrics *ink_run_get_test_metrics (InkRun *run);
/* a minibatch-level series for charts: (fractional epoch, smoothed minibatch loss) pairs since the last call */
GArray        *ink_run_take_batch_points  (InkRun *run);
/* TRUE from the first "pretrain layer N" phase until training starts */
gboolean       ink_run_get_pretraining    (InkRun *run);
/* every pretraining epoch signalled so far, in order */
const InkRunPretrainEpoch *ink_run_get_pretrain_epochs (InkRun *run, guint *n);

const char    *ink_run_state_to_string    (InkRunState state);

G_END_DECLS
