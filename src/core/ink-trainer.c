/* ink-trainer.c
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

/* The trainer: a run set up, trained (pretraining, then epochs of
 * minibatches with validation and early stopping), its kept model tested,
 * and its results; checkpoints live in ink-checkpoint.c. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ink-model.h"
#include "ink-openblas.h"
#include "ink-preflight.h"
#include "ink-rbm.h"
#include "ink-save.h"
#include "ink-trainer-private.h"

G_DEFINE_QUARK (ink-trainer-error-quark, ink_trainer_error)

#define PROGRESS_INTERVAL_US  100000   /* progress events at most ~10 per second */

const char *
ink_stop_reason_to_string (InkStopReason reason)
{
  switch (reason)
    {
    case INK_STOP_COMPLETED: return _("all epochs done");
    case INK_STOP_EARLY: return _("early stopping");
    case INK_STOP_CANCELLED: return _("stopped by the user");
    case INK_STOP_DIVERGED: return _("diverged");
    default: return "?";
    }
}

static guint
n_classes (InkTrainer *t)
{
  return (guint) t->exp->net->layers[t->exp->net->n_layers - 1].units;
}

void
ink_trainer_free (InkTrainer *t)
{
  if (t == NULL)
    return;
  if (t->be)
    {
      const InkBackendOps *ops = t->be->ops;
      if (t->dtrain) ops->data_free (t->be, t->dtrain);
      if (t->dtest) ops->data_free (t->be, t->dtest);
      if (t->perm_dev) ops->free (t->be, t->perm_dev);
      if (t->valid_dev) ops->free (t->be, t->valid_dev);
      if (t->test_dev) ops->free (t->be, t->test_dev);
      if (t->x) ops->free (t->be, t->x);
      if (t->labels) ops->free (t->be, t->labels);
      if (t->acc) ops->free (t->be, t->acc);
      if (t->eval_acc) ops->free (t->be, t->eval_acc);
      if (t->avg) ops->free (t->be, t->avg);
      if (t->avg_one) ops->free (t->be, t->avg_one);
    }
  g_clear_pointer (&t->opt, ink_optimizer_free);
  g_clear_pointer (&t->net, ink_network_free);
  g_clear_pointer (&t->be, ink_backend_free);
  g_clear_pointer (&t->split, ink_split_free);
  g_clear_pointer (&t->exp, ink_experiment_free);
  if (t->history)
    g_array_unref (t->history);
  g_clear_pointer (&t->augmenter, ink_augmenter_free);
  g_free (t->x_host);
  g_free (t->labels_host);
  g_free (t->perm_host);
  g_free (t->probs_host);
  g_free (t->params_host);
  g_free (t->best_params);
  g_free (t->message);
  g_free (t->checkpoint_path);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->cond);
  g_free (t);
}

static gpointer
upload_indices (InkBackend *be, const guint32 *idx, guint n, GError **error)
{
  gpointer mem = be->ops->alloc (be, MAX (n, 1) * sizeof (guint32), error);
  if (mem && n)
    be->ops->upload (be, mem, idx, n * sizeof (guint32));
  return mem;
}

/* a Stop while the run is being prepared (a huge network takes minutes to
 * draw and copy): FALSE with G_IO_ERROR_CANCELLED */
static gboolean
prepare_cancelled (GCancellable *cancellable, GError **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       _("stopped while the run was being prepared"));
  return TRUE;
}

/* n floats from the network into dst, a chunk at a time, checking
 * cancellable between chunks */
static gboolean
copy_params_cancellable (InkNetwork *net, float *dst, GCancellable *cancellable)
{
  const gsize chunk = (gsize) 1 << 22;

  for (gsize off = 0; off < net->n_params; off += chunk)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      net->be->ops->download (net->be, dst + off, net->params + off,
                              MIN (chunk, net->n_params - off) * sizeof (float));
    }
  return TRUE;
}

InkTrainer *
ink_trainer_new (const InkExperiment *exp,
                 const InkDataset    *train,
                 const InkDataset    *test,
                 GError             **error)
{
  return ink_trainer_new_cancellable (exp, train, test, NULL, error);
}

InkTrainer *
ink_trainer_new_cancellable (const InkExperiment *exp,
                             const InkDataset    *train,
                             const InkDataset    *test,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(InkTrainer) t = g_new0 (InkTrainer, 1);
  const InkBackendOps *ops;
  guint dim = ink_dataset_dim (train);
  int max_batch;

  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  t->history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));

  if (!ink_experiment_validate (exp, error))
    return NULL;
  t->exp = ink_experiment_copy (exp);
  t->train = train;
  t->test = test;

  if (dim != (guint) exp->net->n_inputs)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_SETUP,
                   _("the network takes %d inputs but the dataset's images have %u pixels (%u×%u)"),
                   exp->net->n_inputs, dim, train->rows, train->cols);
      return NULL;
    }
  if (ink_dataset_dim (test) != dim)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_SETUP,
                   _("training and test images differ in size"));
      return NULL;
    }

  t->split = ink_split_new (&exp->split, train, test, exp->seed, error);
  if (t->split == NULL)
    return NULL;
  if (t->split->n_train == 0 || t->split->n_valid == 0)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_SETUP,
                   _("the split leaves %u training and %u validation images; both must be at least 1"),
                   t->split->n_train, t->split->n_valid);
      return NULL;
    }
  ink_norm_fit (&t->norm, exp->normalization, train, t->split->train_idx, t->split->n_train);

  if (prepare_cancelled (cancellable, error))
    return NULL;
  t->be = ink_backend_new (exp->device, error);
  if (t->be == NULL)
    return NULL;
  ops = t->be->ops;
  if (!ink_preflight_check (t->be, exp, train->n, test->n, dim, NULL, error))
    return NULL;

  max_batch = (int) MAX (exp->batch_size, INK_EVAL_BATCH);
  if (prepare_cancelled (cancellable, error))
    return NULL;
  t->net = ink_network_new (exp->net, t->be, max_batch, error);
  if (t->net == NULL)
    return NULL;
  if (!ink_network_init_params_cancellable (t->net, ink_hash64 (exp->seed + 1), cancellable) &&
      prepare_cancelled (cancellable, error))
    return NULL;
  if (prepare_cancelled (cancellable, error))
    return NULL;
  t->opt = ink_optimizer_new (&exp->optimizer, t->net, error);
  if (t->opt == NULL)
    return NULL;
  t->opt->n_epochs = exp->epochs;
  if (prepare_cancelled (cancellable, error))
    return NULL;

  t->dtrain = ops->data_upload (t->be, train->images, train->labels, train->n, dim, error);
  if (t->dtrain == NULL)
    return NULL;
  t->dtest = ops->data_upload (t->be, test->images, test->labels, test->n, dim, error);
  if (t->dtest == NULL)
    return NULL;

  t->perm_host = g_new (guint32, t->split->n_train);
  if (!(t->perm_dev = upload_indices (t->be, t->split->train_idx, t->split->n_train, error)) ||
      !(t->valid_dev = upload_indices (t->be, t->split->valid_idx, t->split->n_valid, error)) ||
      !(t->test_dev = upload_indices (t->be, t->split->test_idx, t->split->n_test, error)) ||
      !(t->x = ops->alloc (t->be, sizeof (float) * (gsize) max_batch * dim, error)) ||
      !(t->labels = ops->alloc (t->be, sizeof (gint32) * (gsize) max_batch, error)) ||
      !(t->acc = ops->alloc (t->be, 2 * sizeof (double), error)) ||
      !(t->eval_acc = ops->alloc (t->be, 2 * sizeof (double), error)))
    return NULL;

  if (exp->optimizer.ema_decay > 0.0f)
    {
      static const float one = 1.0f;
      gsize bytes = sizeof (float) * t->net->n_params;

      if (!(t->avg = ops->alloc (t->be, bytes, error)) ||
          !(t->avg_one = ops->alloc (t->be, sizeof one, error)))
        return NULL;
      ops->copy (t->be, t->avg, t->net->params, bytes);   /* the initial weights, until training starts */
      ops->upload (t->be, t->avg_one, &one, sizeof one);
    }

  t->probs_host = g_new (float, (gsize) max_batch * n_classes (t));
  t->params_host = g_new (float, t->net->n_params);
  t->best_params = g_new (float, t->net->n_params);
  if (!copy_params_cancellable (t->net, t->best_params, cancellable) &&
      prepare_cancelled (cancellable, error))
    return NULL;

  if (ink_augment_spec_enabled (&exp->augmentation))
    {
      t->augmenter = ink_augmenter_new (&exp->augmentation, train->rows, train->cols,
                                        ink_hash64 (exp->seed + 3));
      /* a backend whose memory is host memory takes the batch straight in */
      if (!ops->host_memory)
        {
          t->x_host = g_new (float, (gsize) max_batch * dim);
          t->labels_host = g_new (gint32, max_batch);
        }
    }

  ink_rng_init (&t->rng, exp->seed ^ G_GUINT64_CONSTANT (0x53485546464c45));
  t->dropout_seed = ink_hash64 (exp->seed + 2);
  t->best_monitor = INFINITY;
  t->patience = exp->patience;
  t->last_valid_loss = NAN;
  t->last_valid_acc = NAN;
  ink_metrics_init (&t->test_metrics, n_classes (t));

  if (!ops->sync (t->be, error))
    return NULL;
  return g_steal_pointer (&t);
}

void
ink_trainer_set_paused (InkTrainer *t,
                        gboolean    paused)
{
  g_mutex_lock (&t->lock);
  g_atomic_int_set (&t->paused, paused);
  g_cond_broadcast (&t->cond);
  g_mutex_unlock (&t->lock);
}

void
ink_trainer_request_weights (InkTrainer *t)
{
  g_atomic_int_set (&t->want_weights, 1);
}

/* ------------------------------------------------------------------------ */

static void
zero_acc (InkTrainer *t, double *acc)
{
  static const double zeros[2] = { 0, 0 };
  t->be->ops->upload (t->be, acc, zeros, sizeof zeros);
}

/* Loss and accuracy of the current network over idx[0..n) of `data`; with
 * `m`, also the confusion counts (downloads the outputs). */
static void
evaluate (InkTrainer       *t,
          const InkDevData *data,
          const guint32    *idx_dev,
          const guint32    *idx_host,
          const InkDataset *ds,
          guint             n,
          double           *loss,
          double           *acc,
          InkMetrics       *m)
{
  const InkBackendOps *ops = t->be->ops;
  guint C = n_classes (t);
  double a[2];

  zero_acc (t, t->eval_acc);
  for (guint off = 0; off < n; off += INK_EVAL_BATCH)
    {
      int rows = (int) MIN (INK_EVAL_BATCH, n - off);
      float *out;

      ops->gather (t->be, data, idx_dev + off, rows, t->norm.affine, t->x, t->labels);
      out = ink_network_forward (t->net, t->x, rows, FALSE, 0, 0);
      ops->loss (t->be, t->exp->net->loss, out, t->labels, rows, (int) C, NULL, t->eval_acc);
      if (m != NULL)
        {
          guint8 lab[INK_EVAL_BATCH];
          ops->download (t->be, t->probs_host, out, sizeof (float) * rows * C);
          for (int i = 0; i < rows; i++)
            lab[i] = ds->labels[idx_host[off + i]];
          ink_metrics_add_batch (m, t->probs_host, lab, (guint) rows);
        }
    }
  ops->download (t->be, a, t->eval_acc, sizeof a);
  *loss = n ? a[0] / n : NAN;
  *acc = n ? a[1] / n : NAN;
}

static void
emit (InkEventFunc func, gpointer data, InkTrainEvent *ev)
{
  if (func)
    func (ev, data);
}

static void
emit_weights (InkTrainer *t, InkEventFunc func, gpointer data)
{
  InkTrainEvent ev = { .kind = INK_EVENT_WEIGHTS };

  g_atomic_int_set (&t->want_weights, 0);
  if (func == NULL)
    return;
  /* the weights whose scores the run shows: the average when there is one */
  if (t->avg != NULL)
    t->be->ops->download (t->be, t->params_host, t->avg, sizeof (float) * t->net->n_params);
  else
    ink_network_get_params (t->net, t->params_host);
  ev.params = t->params_host;
  ev.n_params = t->net->n_params;
  ev.epoch = t->epochs_done;
  ev.iteration = t->iteration;
  func (&ev, data);
}

static void
stop (InkTrainer *t, InkStopReason reason, char *message)
{
  if (t->stopped)
    {
      g_free (message);
      return;
    }
  t->stopped = TRUE;
  t->reason = reason;
  g_free (t->message);
  t->message = message;
}

/* what a stop keeps, for the messages */
static char *
kept_phrase (InkTrainer *t)
{
  if (t->kept_epoch == 0)
    return g_strdup (t->pretrained ? _("no epoch was completed: the weights are only pretrained, "
                                       "not a trained model")
                                   : _("no epoch was completed: there is no trained model to keep"));
  if (t->split->valid_is_test)
    return g_strdup_printf (_("the weights at the end of epoch %u, the last completed, were kept"),
                            t->kept_epoch);
  return g_strdup_printf (_("the weights of epoch %u, the best validation score, were kept"),
                          t->kept_epoch);
}

static void
diverged (InkTrainer *t, const char *what, guint epoch, guint batch, guint n_batches, float lr)
{
  g_autofree char *kept = kept_phrase (t);

  stop (t, INK_STOP_DIVERGED,
        g_strdup_printf (_("the %s became NaN or infinite at epoch %u (minibatch %u of %u); "
                           "%s — try a learning rate below %g"),
                         what, epoch, batch, n_batches, kept, (double) lr));
}

/* One validation of the weights the network holds: updates the best model
 * and the early-stopping state. */
static void
validate_network (InkTrainer *t, guint epoch, guint batch, guint n_batches, float lr, gboolean *improved)
{
  double vloss, vacc, monitor;

  evaluate (t, t->split->valid_is_test ? t->dtest : t->dtrain, t->valid_dev, NULL, NULL,
            t->split->n_valid, &vloss, &vacc, NULL);
  t->last_valid_loss = vloss;
  t->last_valid_acc = vacc;
  if (!isfinite (vloss))
    {
      diverged (t, _("validation loss"), epoch, batch, n_batches, lr);
      return;
    }
  monitor = t->exp->monitor == INK_MONITOR_VALID_ERROR ? 1.0 - vacc : vloss;
  if (monitor < t->best_monitor)
    {
      /* a finite loss can hide NaN weights (a ReLU turns NaN into 0):
       * NaN weights are never the best */
      ink_network_get_params (t->net, t->params_host);
      if (!ink_trainer_all_finite (t->params_host, t->net->n_params))
        {
          diverged (t, _("weights"), epoch, batch, n_batches, lr);
          return;
        }
      /* the Theano tutorial: a large enough improvement extends the patience */
      if (t->exp->early_stopping == INK_EARLY_PATIENCE &&
          monitor < t->best_monitor * t->exp->improvement_threshold)
        t->patience = MAX (t->patience, (double) (t->iteration - 1) * t->exp->patience_increase);
      t->best_monitor = monitor;
      t->best_epoch = epoch;
      t->have_best = TRUE;
      t->no_improve = 0;
      /* with the test set as validation set the last weights are kept,
       * not the best on it (that would report an optimistic score) */
      if (!t->split->valid_is_test)
        {
          memcpy (t->best_params, t->params_host, sizeof (float) * t->net->n_params);
          t->kept_epoch = epoch;
        }
      *improved = TRUE;
    }
  else
    {
      t->no_improve++;
      if (t->exp->early_stopping == INK_EARLY_NO_IMPROVEMENT && t->no_improve >= t->exp->stop_epochs)
        stop (t, INK_STOP_EARLY,
              g_strdup_printf (_("no improvement of the %s for %u validations; best at epoch %u"),
                               t->exp->monitor == INK_MONITOR_VALID_ERROR ? _("validation error") : _("validation loss"),
                               t->no_improve, t->best_epoch));
    }
}

/* *paused_us grows by the time spent paused: it is not the epoch's */
static gboolean
wait_while_paused (InkTrainer *t, GCancellable *cancellable, gint64 *paused_us)
{
  gint64 from;

  /* per minibatch: no lock unless a pause was asked for */
  if (!g_atomic_int_get (&t->paused))
    return TRUE;
  from = g_get_monotonic_time ();
  g_mutex_lock (&t->lock);
  while (t->paused && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&t->cond, &t->lock, g_get_monotonic_time () + 50000);
  g_mutex_unlock (&t->lock);
  *paused_us += g_get_monotonic_time () - from;
  return !g_cancellable_is_cancelled (cancellable);
}

/* a training batch, distorted on the host (augmentation on) */
static void
gather_augmented (InkTrainer *t, guint epoch, guint off, int rows)
{
  const InkBackendOps *ops = t->be->ops;
  gsize dim = ink_dataset_dim (t->train);
  float *x = t->x_host ? t->x_host : t->x;
  gint32 *labels = t->labels_host ? t->labels_host : t->labels;

  ink_augmenter_gather (t->augmenter, epoch, t->train, t->perm_host + off, rows,
                        t->norm.affine, x, labels);
  if (t->x_host != NULL)
    {
      ops->upload (t->be, t->x, t->x_host, sizeof (float) * dim * rows);
      ops->upload (t->be, t->labels, t->labels_host, sizeof (gint32) * rows);
    }
}

typedef struct
{
  InkTrainer  *t;
  InkEventFunc func;
  gpointer     user_data;
} PretrainCtx;

static void
on_pretrain (guint    layer,
             guint    n_layers,
             guint    epoch,
             guint    n_epochs,
             double   recon_error,
             double   seconds,
             gpointer data)
{
  PretrainCtx *pc = data;
  InkTrainEvent ev = { 0 };

  if (epoch == 0)
    {
      g_autofree char *phase = g_strdup_printf ("pretrain layer %u", layer + 1);
      ev = (InkTrainEvent) { .kind = INK_EVENT_PHASE, .phase = phase };
      emit (pc->func, pc->user_data, &ev);
      return;
    }
  ev = (InkTrainEvent) { .kind = INK_EVENT_PRETRAIN_EPOCH, .layer = layer + 1, .n_layers = n_layers,
                         .epoch = epoch, .n_epochs = n_epochs, .recon_error = recon_error,
                         .duration = seconds };
  emit (pc->func, pc->user_data, &ev);
  /* the first hidden layer's features as they form: the network already
   * holds the RBM's current weights (full layout, nothing partial) */
  if (layer == 0)
    emit_weights (pc->t, pc->func, pc->user_data);
}

/* Greedy RBM pretraining of the hidden layers, before epoch 1 of a fresh
 * run.  FALSE only on backend failures; a cancel stops the run. */
static gboolean
pretrain (InkTrainer *t, GCancellable *cancellable, InkEventFunc func, gpointer user_data,
          GError **error)
{
  PretrainCtx pc = { t, func, user_data };
  g_autoptr(GError) local = NULL;

  t->pretrained = TRUE;
  if (!ink_rbm_pretrain (t->net, &t->exp->pretraining, t->dtrain, t->split->train_idx,
                         t->split->n_train, t->norm.affine, ink_hash64 (t->exp->seed + 4),
                         cancellable, on_pretrain, &pc, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          stop (t, INK_STOP_CANCELLED, g_strdup (_("during pretraining; no epoch was completed: "
                                                   "there is no trained model to keep")));
          return TRUE;
        }
      if (g_error_matches (local, INK_RBM_ERROR, INK_RBM_ERROR_DIVERGED))
        {
          /* like a diverging epoch: stop, keeping the last finite weights */
          stop (t, INK_STOP_DIVERGED, g_strdup (local->message));
          ink_network_get_params (t->net, t->best_params);
          emit_weights (t, func, user_data);
          return TRUE;
        }
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_BACKEND,
                   _("pretraining failed: %s"), local->message);
      return FALSE;
    }
  /* the starting point now: what a divergence before any validation keeps */
  ink_network_get_params (t->net, t->best_params);
  emit_weights (t, func, user_data);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* the training loop                                                         */

/* who a run reports to, and what stops it */
typedef struct
{
  GCancellable *cancellable;
  InkEventFunc  func;
  gpointer      user_data;
} Listener;

/* what one epoch keeps track of while its minibatches run */
typedef struct
{
  guint    epoch;           /* 1-based */
  float    lr;
  guint    n_batches;
  gint64   t0;
  gint64   last_progress;
  gint64   paused_us;       /* paused during this epoch: not counted in its time */
  guint    seen;            /* training images so far */
  gboolean improved;
  gboolean validated;
} Epoch;

static void
emit_phase (const Listener *l, const char *phase)
{
  InkTrainEvent ev = { .kind = INK_EVENT_PHASE, .phase = phase };

  emit (l->func, l->user_data, &ev);
}

/* seconds since the epoch began, its pauses left out */
static double
epoch_seconds (const Epoch *e, gint64 now)
{
  return (now - e->t0 - e->paused_us) / 1e6;
}

/* the epoch's order of the training images; on the backend too unless
 * the batches are gathered on the host */
static void
shuffle_training_set (InkTrainer *t)
{
  guint n_train = t->split->n_train;

  memcpy (t->perm_host, t->split->train_idx, sizeof (guint32) * n_train);
  ink_rng_shuffle (&t->rng, t->perm_host, n_train);
  if (t->augmenter == NULL)
    t->be->ops->upload (t->be, t->perm_dev, t->perm_host, sizeof (guint32) * n_train);
}

/* Weight averaging, after every update: avg = d·avg + (1 − d)·weights with
 * d = min (ema_decay, (1 + steps) / (10 + steps)), steps the updates done,
 * so that the first updates are not drowned by the initial weights.  On a
 * backend with its own memory the sum runs as a product of a 1×1 one by
 * the 1×n weights into the average (cuBLAS's sgemm, β = d). */
static void
average_weights (InkTrainer *t)
{
  const InkBackendOps *ops = t->be->ops;
  gsize n = t->net->n_params;
  double steps = (double) t->opt->step;
  float d = (float) MIN ((double) t->exp->optimizer.ema_decay, (1.0 + steps) / (10.0 + steps));

  if (t->avg == NULL)
    return;
  if (ops->host_memory)
    {
      float *a = t->avg;
      const float *w = t->net->params;

      for (gsize i = 0; i < n; i++)
        a[i] = d * a[i] + (1.0f - d) * w[i];
    }
  else
    {
      /* in FP32 even when the products run in TF32: TF32 would round each
       * weight to 10 bits before it enters the average */
      gboolean tf32 = ops->get_tf32 != NULL && ops->get_tf32 (t->be);

      if (tf32)
        ops->set_tf32 (t->be, FALSE);
      ops->gemm (t->be, FALSE, FALSE, 1, (int) n, 1, 1.0f - d, t->avg_one, 1,
                 t->net->params, (int) n, d, t->avg, (int) n);
      if (tf32)
        ops->set_tf32 (t->be, TRUE);
    }
}

/* With weight averaging, evaluation runs on the average: the network's
 * parameter buffer and the average's trade places (the network reads
 * net->params afresh in every pass and keeps no copy of the pointer);
 * averaged_out trades them back.  No copies, no buffer of its own. */
static void
swap_average (InkTrainer *t)
{
  float *p = t->net->params;

  t->net->params = t->avg;
  t->avg = p;
  t->avg_in = !t->avg_in;
}

static void
averaged_in (InkTrainer *t)
{
  if (t->avg != NULL && !t->avg_in)
    swap_average (t);
}

static void
averaged_out (InkTrainer *t)
{
  if (t->avg_in)
    swap_average (t);
}

/* One validation, of the average when there is one */
static void
validate (InkTrainer *t, guint epoch, guint batch, guint n_batches, float lr, gboolean *improved)
{
  averaged_in (t);
  validate_network (t, epoch, batch, n_batches, lr, improved);
  averaged_out (t);
}

/* minibatch b: gather, forward, loss, backward, update */
static void
train_minibatch (InkTrainer *t, Epoch *e, guint b)
{
  const InkBackendOps *ops = t->be->ops;
  InkNetwork *net = t->net;
  guint B = t->exp->batch_size;
  guint off = b * B;
  int rows = (int) MIN (B, t->split->n_train - off);
  int L = t->exp->net->n_layers;
  float *out;

  if (t->augmenter == NULL)
    ops->gather (t->be, t->dtrain, t->perm_dev + off, rows, t->norm.affine, t->x, t->labels);
  else
    gather_augmented (t, e->epoch, off, rows);
  out = ink_network_forward (net, t->x, rows, TRUE, t->dropout_seed, t->iteration);
  ops->loss (t->be, t->exp->net->loss, out, t->labels, rows, (int) n_classes (t),
             net->delta[L - 1], t->acc);
  ink_network_backward (net, t->x, rows, FALSE);
  ink_optimizer_step (t->opt, e->lr);
  average_weights (t);
  t->iteration++;
  e->seen += (guint) rows;
}

/* At most ~10 times a second: the running loss (not a number: the run
 * diverged, FALSE), the progress event, and the weights when they were
 * asked for. */
static gboolean
report_progress (InkTrainer *t, Epoch *e, guint b, const Listener *l)
{
  gint64 now = g_get_monotonic_time ();
  InkTrainEvent ev;
  double a[2];

  if (now - e->last_progress < PROGRESS_INTERVAL_US)
    return TRUE;
  e->last_progress = now;
  t->be->ops->download (t->be, a, t->acc, sizeof a);
  if (!isfinite (a[0]))
    {
      diverged (t, _("training loss"), e->epoch, b + 1, e->n_batches, e->lr);
      return FALSE;
    }
  ev = (InkTrainEvent) { .kind = INK_EVENT_PROGRESS, .epoch = e->epoch, .batch = b + 1,
                         .n_batches = e->n_batches, .iteration = t->iteration,
                         .running_loss = a[0] / e->seen, .running_acc = a[1] / e->seen,
                         .samples_per_sec = e->seen / (MAX (now - e->t0 - e->paused_us, 1) / 1e6) };
  emit (l->func, l->user_data, &ev);
  if (g_atomic_int_get (&t->want_weights))
    emit_weights (t, l->func, l->user_data);
  return TRUE;
}

/* One step of the minibatch loop: a Stop (or a pause) honoured, the
 * update, the validation and the patience rule when due, the progress.
 * FALSE ends the loop. */
static gboolean
train_step (InkTrainer *t, Epoch *e, guint b, const Listener *l)
{
  const InkExperiment *exp = t->exp;

  if (g_cancellable_is_cancelled (l->cancellable) || !wait_while_paused (t, l->cancellable, &e->paused_us))
    {
      g_autofree char *kept = kept_phrase (t);

      /* the reason says "stopped by the user"; this says when and
       * which weights are kept */
      stop (t, INK_STOP_CANCELLED,
            g_strdup_printf (_("during epoch %u (minibatch %u of %u); %s"),
                             e->epoch, b + 1, e->n_batches, kept));
      return FALSE;
    }

  train_minibatch (t, e, b);

  if (exp->validation_frequency && t->iteration % exp->validation_frequency == 0)
    {
      validate (t, e->epoch, b + 1, e->n_batches, e->lr, &e->improved);
      e->validated = TRUE;
    }
  if (exp->early_stopping == INK_EARLY_PATIENCE && t->patience <= (double) (t->iteration - 1))
    stop (t, INK_STOP_EARLY,
          g_strdup_printf (_("patience exhausted after %" G_GUINT64_FORMAT " minibatches; best at epoch %u"),
                           t->iteration, t->best_epoch));
  if (!report_progress (t, e, b, l))
    return FALSE;
  return !t->stopped;
}

/* the minibatch loop: the shuffled training set, a minibatch a step,
 * until the last one or a stop */
static void
train_minibatches (InkTrainer *t, Epoch *e, const Listener *l)
{
  shuffle_training_set (t);
  zero_acc (t, t->acc);
  for (guint b = 0; b < e->n_batches; b++)
    if (!train_step (t, e, b, l))
      break;
}

/* the epoch into the history; with the test set as validation set its
 * final weights (params_host, checked) become the kept ones */
static void
record_epoch (InkTrainer *t, const Epoch *e, const double a[2], InkEpochRecord *rec)
{
  rec->epoch = e->epoch;
  rec->train_loss = a[0] / MAX (e->seen, 1);
  rec->train_acc = a[1] / MAX (e->seen, 1);
  rec->valid_loss = t->last_valid_loss;
  rec->valid_acc = t->last_valid_acc;
  rec->lr = e->lr;
  rec->improved = e->improved;
  rec->duration = epoch_seconds (e, g_get_monotonic_time ());
  g_array_append_val (t->history, *rec);
  t->epochs_done = e->epoch;
  if (t->split->valid_is_test)
    {
      memcpy (t->best_params, t->params_host, sizeof (float) * t->net->n_params);
      t->kept_epoch = e->epoch;
    }
}

/* After the minibatch loop: the epoch's loss and weights must be numbers
 * (otherwise the run diverged), the epoch ends with a validation unless
 * one fell on it already, then it is recorded, reported and
 * checkpointed.  FALSE only on failures (backend, checkpoint write). */
static gboolean
finish_epoch (InkTrainer *t, Epoch *e, const Listener *l, GError **error)
{
  const InkBackendOps *ops = t->be->ops;
  InkEpochRecord rec = { 0 };
  InkTrainEvent ev;
  double a[2];

  ops->download (t->be, a, t->acc, sizeof a);
  rec.train_duration = epoch_seconds (e, g_get_monotonic_time ());
  if (!isfinite (a[0]))
    {
      diverged (t, _("training loss"), e->epoch, e->n_batches, e->n_batches, e->lr);
      return TRUE;
    }
  /* every loss, every activation: weights that are no longer numbers
   * end the run even when the loss still looks finite */
  ink_network_get_params (t->net, t->params_host);
  if (!ink_trainer_all_finite (t->params_host, t->net->n_params))
    {
      diverged (t, _("weights"), e->epoch, e->n_batches, e->n_batches, e->lr);
      return TRUE;
    }
  if (!e->validated && !t->stopped)
    validate (t, e->epoch, e->n_batches, e->n_batches, e->lr, &e->improved);
  if (t->stopped && t->reason == INK_STOP_DIVERGED)
    return TRUE;
  /* with weight averaging the epoch's weights (kept when the validation
   * set is the test set) are the average */
  if (t->avg != NULL)
    {
      ops->download (t->be, t->params_host, t->avg, sizeof (float) * t->net->n_params);
      if (!ink_trainer_all_finite (t->params_host, t->net->n_params))
        {
          diverged (t, _("weight average"), e->epoch, e->n_batches, e->n_batches, e->lr);
          return TRUE;
        }
    }
  if (!ops->sync (t->be, error))
    return FALSE;

  record_epoch (t, e, a, &rec);
  ev = (InkTrainEvent) { .kind = INK_EVENT_EPOCH, .epoch = e->epoch, .n_batches = e->n_batches,
                         .iteration = t->iteration,
                         .record = &g_array_index (t->history, InkEpochRecord, t->history->len - 1) };
  emit (l->func, l->user_data, &ev);
  emit_weights (t, l->func, l->user_data);

  if (t->checkpoint_path && !ink_trainer_write_checkpoint (t, error))
    return FALSE;
  return TRUE;
}

/* One epoch: the minibatch loop, then its end.  A Stop or a divergence
 * during the loop leaves the epoch unrecorded; an early stop lets it end
 * normally.  FALSE only on failures. */
static gboolean
train_epoch (InkTrainer *t, const Listener *l, GError **error)
{
  guint B = t->exp->batch_size;
  Epoch e = {
    .epoch = t->epochs_done + 1,
    .lr = ink_optimizer_lr (t->opt, t->epochs_done),
    .n_batches = (t->split->n_train + B - 1) / B,
    .t0 = g_get_monotonic_time (),
  };

  e.last_progress = e.t0;
  train_minibatches (t, &e, l);
  if (t->stopped && t->reason != INK_STOP_EARLY)
    return TRUE;
  return finish_epoch (t, &e, l, error);
}

/* the reason already says "all epochs done": the message adds which
 * weights are kept */
static void
stop_completed (InkTrainer *t)
{
  g_autofree char *kept = kept_phrase (t);
  guint epochs = t->exp->epochs;

  stop (t, INK_STOP_COMPLETED,
        g_strdup_printf (ngettext ("%u epoch; %s%s", "%u epochs; %s%s", epochs),
                         epochs, kept,
                         t->split->valid_is_test ? _(" (the validation set is the test set)") : ""));
}

/* The model whose test score is reported, whatever ended the run: the
 * best one on the validation set, or the last completed epoch's when the
 * validation set is the test set (selecting on it would report an
 * optimistic score) — never the weights of a half-done epoch. */
static gboolean
test_kept_model (InkTrainer *t, const Listener *l, GError **error)
{
  InkTrainEvent ev;
  double tacc;

  ink_network_set_params (t->net, t->best_params);
  /* no completed epoch, no model: nothing to test, and a Stop (or the
   * SIGTERM of a scheduler) should not wait for a pass over the test set
   * scoring the initial weights */
  if (t->kept_epoch == 0)
    {
      ev = (InkTrainEvent) { .kind = INK_EVENT_FINISHED, .reason = t->reason, .message = t->message,
                             .epoch = t->epochs_done, .iteration = t->iteration };
      emit (l->func, l->user_data, &ev);
      return TRUE;
    }

  emit_phase (l, "testing");
  ink_metrics_init (&t->test_metrics, n_classes (t));
  evaluate (t, t->dtest, t->test_dev, t->split->test_idx, t->test, t->split->n_test,
            &t->test_loss, &tacc, &t->test_metrics);
  t->have_test = TRUE;
  if (!t->be->ops->sync (t->be, error))
    return FALSE;

  ev = (InkTrainEvent) { .kind = INK_EVENT_FINISHED, .reason = t->reason, .message = t->message,
                         .epoch = t->epochs_done, .iteration = t->iteration };
  emit (l->func, l->user_data, &ev);
  return TRUE;
}

gboolean
ink_trainer_run (InkTrainer    *t,
                 GCancellable  *cancellable,
                 InkEventFunc   func,
                 gpointer       user_data,
                 GError       **error)
{
  Listener l = { cancellable, func, user_data };

  ink_enable_ftz ();
  t->stopped = FALSE;
  t->have_test = FALSE;

  if (t->exp->pretraining.enabled && !t->resumed && !t->pretrained && t->epochs_done == 0 &&
      !pretrain (t, cancellable, func, user_data, error))
    return FALSE;

  /* the average starts from the weights training starts from: the
   * pretrained ones when there was pretraining */
  if (t->avg != NULL && t->iteration == 0 && !t->resumed)
    t->be->ops->copy (t->be, t->avg, t->net->params, sizeof (float) * t->net->n_params);

  emit_phase (&l, "training");
  while (!t->stopped && t->epochs_done < t->exp->epochs)
    if (!train_epoch (t, &l, error))
      return FALSE;

  if (!t->stopped)
    stop_completed (t);
  return test_kept_model (t, &l, error);
}

/* ------------------------------------------------------------------------ */
/* results                                                                   */

InkStopReason
ink_trainer_stop_reason (InkTrainer *t)
{
  return t->reason;
}

const char *
ink_trainer_stop_message (InkTrainer *t)
{
  return t->message;
}

const InkEpochRecord *
ink_trainer_history (InkTrainer *t,
                     guint      *n)
{
  *n = t->history->len;
  return (const InkEpochRecord *) t->history->data;
}

guint
ink_trainer_best_epoch (InkTrainer *t)
{
  return t->kept_epoch;
}

const InkMetrics *
ink_trainer_test_metrics (InkTrainer *t,
                          double     *test_loss)
{
  if (!t->have_test)
    return NULL;
  if (test_loss)
    *test_loss = t->test_loss;
  return &t->test_metrics;
}

const InkExperiment *
ink_trainer_experiment (InkTrainer *t)
{
  return t->exp;
}

const InkNorm *
ink_trainer_norm (InkTrainer *t)
{
  return &t->norm;
}

InkNetwork *
ink_trainer_network (InkTrainer *t)
{
  return t->net;
}

const InkSplit *
ink_trainer_split (InkTrainer *t)
{
  return t->split;
}

gboolean
ink_trainer_save_model (InkTrainer  *t,
                        const char  *path,
                        GError     **error)
{
  /* after run() the network holds the reported model; a run that
   * completed no epoch has none, and must not replace a saved one */
  if (t->kept_epoch == 0)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_NO_MODEL,
                   _("no epoch was completed, so there is no trained model: %s was not written"),
                   path);
      return FALSE;
    }
  ink_network_get_params (t->net, t->params_host);
  if (!ink_trainer_all_finite (t->params_host, t->net->n_params))
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_NO_MODEL,
                   _("the model's weights are not all finite numbers: %s was not written"), path);
      return FALSE;
    }
  return ink_model_save (path, t->exp, &t->norm, t->params_host, error);
}

char *
ink_history_to_csv (const InkEpochRecord *records,
                    guint                 n)
{
  GString *s = g_string_new ("epoch,train_loss,valid_loss,train_valid_ratio,train_acc,valid_acc,lr,duration_s,improved\n");

  for (guint i = 0; i < n; i++)
    {
      const InkEpochRecord *r = &records[i];
      char v[7][G_ASCII_DTOSTR_BUF_SIZE];

      /* shortest exact decimal form: a reader gets the same doubles back */
      g_string_append_printf (s, "%u,%s,%s,%s,%s,%s,%s,%s,%d\n", r->epoch,
                              g_ascii_dtostr (v[0], sizeof v[0], r->train_loss),
                              g_ascii_dtostr (v[1], sizeof v[1], r->valid_loss),
                              g_ascii_dtostr (v[2], sizeof v[2], r->train_loss / r->valid_loss),
                              g_ascii_dtostr (v[3], sizeof v[3], r->train_acc),
                              g_ascii_dtostr (v[4], sizeof v[4], r->valid_acc),
                              g_ascii_dtostr (v[5], sizeof v[5], r->lr),
                              g_ascii_dtostr (v[6], sizeof v[6], r->duration),
                              r->improved ? 1 : 0);
    }
  return g_string_free (s, FALSE);
}

gboolean
ink_history_save_csv (const InkEpochRecord *records,
                      guint                 n,
                      const char           *path,
                      GError              **error)
{
  g_autofree char *text = ink_history_to_csv (records, n);
  return ink_save_file (path, text, strlen (text), FALSE, error);
}

gboolean
ink_trainer_save_history (InkTrainer  *t,
                          const char  *path,
                          GError     **error)
{
  return ink_history_save_csv ((const InkEpochRecord *) t->history->data, t->history->len, path, error);
}
