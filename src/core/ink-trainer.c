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

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "ink-augment.h"
#include "ink-model.h"
#include "ink-openblas.h"
#include "ink-preflight.h"
#include "ink-rbm.h"
#include "ink-rng.h"
#include "ink-trainer.h"
#include "ink-json.h"
#include "ink-save.h"

G_DEFINE_QUARK (ink-trainer-error-quark, ink_trainer_error)

#define PROGRESS_INTERVAL_US  100000   /* progress events at most ~10 per second */
#define EVAL_BATCH            500

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

static gboolean
all_finite (const float *v, gsize n)
{
  /* a sum is NaN when any term is NaN or the terms hold +inf and -inf;
   * an infinite term alone makes it infinite */
  float acc = 0.0f;

  for (gsize i = 0; i < n; i++)
    acc += v[i] * 0.0f;
  return acc == 0.0f;
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

  max_batch = (int) MAX (exp->batch_size, EVAL_BATCH);
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
      /* the CPU backend's memory is host memory: the batch goes straight in */
      if (g_strcmp0 (ops->name, "cpu") != 0)
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
ink_trainer_set_checkpoint (InkTrainer *t,
                            const char *path)
{
  g_free (t->checkpoint_path);
  t->checkpoint_path = g_strdup (path);
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
  for (guint off = 0; off < n; off += EVAL_BATCH)
    {
      int rows = (int) MIN (EVAL_BATCH, n - off);
      float *out;

      ops->gather (t->be, data, idx_dev + off, rows, t->norm.affine, t->x, t->labels);
      out = ink_network_forward (t->net, t->x, rows, FALSE, 0, 0);
      ops->loss (t->be, t->exp->net->loss, out, t->labels, rows, (int) C, NULL, t->eval_acc);
      if (m != NULL)
        {
          guint8 lab[EVAL_BATCH];
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

/* One validation: updates the best model and the early-stopping state. */
static void
validate (InkTrainer *t, guint epoch, guint batch, guint n_batches, float lr, gboolean *improved)
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
      if (!all_finite (t->params_host, t->net->n_params))
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

static gboolean write_checkpoint (InkTrainer *t, GError **error);

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

gboolean
ink_trainer_run (InkTrainer    *t,
                 GCancellable  *cancellable,
                 InkEventFunc   func,
                 gpointer       user_data,
                 GError       **error)
{
  const InkBackendOps *ops = t->be->ops;
  InkBackend *be = t->be;
  InkNetwork *net = t->net;
  const InkExperiment *exp = t->exp;
  guint n_train = t->split->n_train;
  guint B = exp->batch_size;
  guint n_batches = (n_train + B - 1) / B;
  guint C = n_classes (t);
  int L = exp->net->n_layers;
  guint64 val_freq = exp->validation_frequency ? exp->validation_frequency : 0;
  InkTrainEvent ev = { 0 };

  ink_enable_ftz ();
  t->stopped = FALSE;
  t->have_test = FALSE;

  if (exp->pretraining.enabled && !t->resumed && !t->pretrained && t->epochs_done == 0 &&
      !pretrain (t, cancellable, func, user_data, error))
    return FALSE;

  ev.kind = INK_EVENT_PHASE;
  ev.phase = "training";
  emit (func, user_data, &ev);

  while (!t->stopped && t->epochs_done < exp->epochs)
    {
      guint epoch = t->epochs_done + 1;
      float lr = ink_optimizer_lr (t->opt, t->epochs_done);
      gint64 t0 = g_get_monotonic_time ();
      gint64 last_progress = t0;
      gint64 paused_us = 0;   /* paused during this epoch: not counted in its time */
      gboolean improved = FALSE;
      gboolean validated = FALSE;
      guint seen = 0;
      double a[2];
      InkEpochRecord rec = { 0 };

      memcpy (t->perm_host, t->split->train_idx, sizeof (guint32) * n_train);
      ink_rng_shuffle (&t->rng, t->perm_host, n_train);
      if (t->augmenter == NULL)
        ops->upload (be, t->perm_dev, t->perm_host, sizeof (guint32) * n_train);
      zero_acc (t, t->acc);

      for (guint b = 0; b < n_batches; b++)
        {
          guint off = b * B;
          int rows = (int) MIN (B, n_train - off);
          float *out;
          gint64 now;

          if (g_cancellable_is_cancelled (cancellable) || !wait_while_paused (t, cancellable, &paused_us))
            {
              g_autofree char *kept = kept_phrase (t);

              /* the reason says "stopped by the user"; this says when and
               * which weights are kept */
              stop (t, INK_STOP_CANCELLED,
                    g_strdup_printf (_("during epoch %u (minibatch %u of %u); %s"),
                                     epoch, b + 1, n_batches, kept));
              break;
            }

          if (t->augmenter == NULL)
            ops->gather (be, t->dtrain, t->perm_dev + off, rows, t->norm.affine, t->x, t->labels);
          else
            gather_augmented (t, epoch, off, rows);
          out = ink_network_forward (net, t->x, rows, TRUE, t->dropout_seed, t->iteration);
          ops->loss (be, exp->net->loss, out, t->labels, rows, (int) C, net->delta[L - 1], t->acc);
          ink_network_backward (net, t->x, rows, FALSE);
          ink_optimizer_step (t->opt, lr);
          t->iteration++;
          seen += (guint) rows;

          if (val_freq && t->iteration % val_freq == 0)
            {
              validate (t, epoch, b + 1, n_batches, lr, &improved);
              validated = TRUE;
            }
          if (exp->early_stopping == INK_EARLY_PATIENCE && t->patience <= (double) (t->iteration - 1))
            stop (t, INK_STOP_EARLY,
                  g_strdup_printf (_("patience exhausted after %" G_GUINT64_FORMAT " minibatches; best at epoch %u"),
                                   t->iteration, t->best_epoch));

          now = g_get_monotonic_time ();
          if (now - last_progress >= PROGRESS_INTERVAL_US)
            {
              last_progress = now;
              ops->download (be, a, t->acc, sizeof a);
              if (!isfinite (a[0]))
                {
                  diverged (t, _("training loss"), epoch, b + 1, n_batches, lr);
                  break;
                }
              ev = (InkTrainEvent) { .kind = INK_EVENT_PROGRESS, .epoch = epoch, .batch = b + 1,
                                     .n_batches = n_batches, .iteration = t->iteration,
                                     .running_loss = a[0] / seen, .running_acc = a[1] / seen,
                                     .samples_per_sec = seen / (MAX (now - t0 - paused_us, 1) / 1e6) };
              emit (func, user_data, &ev);
              if (g_atomic_int_get (&t->want_weights))
                emit_weights (t, func, user_data);
            }
          if (t->stopped)
            break;
        }

      if (t->stopped && t->reason != INK_STOP_EARLY)
        break;

      ops->download (be, a, t->acc, sizeof a);
      rec.train_duration = (g_get_monotonic_time () - t0 - paused_us) / 1e6;
      if (!isfinite (a[0]))
        {
          diverged (t, _("training loss"), epoch, n_batches, n_batches, lr);
          break;
        }
      /* every loss, every activation: weights that are no longer numbers
       * end the run even when the loss still looks finite */
      ink_network_get_params (net, t->params_host);
      if (!all_finite (t->params_host, net->n_params))
        {
          diverged (t, _("weights"), epoch, n_batches, n_batches, lr);
          break;
        }
      if (!validated && !t->stopped)
        validate (t, epoch, n_batches, n_batches, lr, &improved);
      if (t->stopped && t->reason == INK_STOP_DIVERGED)
        break;
      if (!ops->sync (be, error))
        return FALSE;

      rec.epoch = epoch;
      rec.train_loss = a[0] / MAX (seen, 1);
      rec.train_acc = a[1] / MAX (seen, 1);
      rec.valid_loss = t->last_valid_loss;
      rec.valid_acc = t->last_valid_acc;
      rec.lr = lr;
      rec.improved = improved;
      rec.duration = (g_get_monotonic_time () - t0 - paused_us) / 1e6;
      g_array_append_val (t->history, rec);
      t->epochs_done = epoch;
      if (t->split->valid_is_test)
        {
          /* params_host holds this epoch's final weights (checked above) */
          memcpy (t->best_params, t->params_host, sizeof (float) * net->n_params);
          t->kept_epoch = epoch;
        }

      ev = (InkTrainEvent) { .kind = INK_EVENT_EPOCH, .epoch = epoch, .n_batches = n_batches,
                             .iteration = t->iteration, .record = &g_array_index (t->history, InkEpochRecord, t->history->len - 1) };
      emit (func, user_data, &ev);
      emit_weights (t, func, user_data);

      if (t->checkpoint_path && !write_checkpoint (t, error))
        return FALSE;
    }

  if (!t->stopped)
    {
      /* the reason already says "all epochs done": the message adds which
       * weights are kept */
      g_autofree char *kept = kept_phrase (t);

      stop (t, INK_STOP_COMPLETED,
            g_strdup_printf (ngettext ("%u epoch; %s%s", "%u epochs; %s%s", exp->epochs),
                             exp->epochs, kept,
                             t->split->valid_is_test ? _(" (the validation set is the test set)") : ""));
    }

  /* the model whose test score is reported, whatever ended the run: the
   * best one on the validation set, or the last completed epoch's when
   * the validation set is the test set (selecting on it would report an
   * optimistic score) — never the weights of a half-done epoch */
  ink_network_set_params (net, t->best_params);

  ev = (InkTrainEvent) { .kind = INK_EVENT_PHASE, .phase = "testing" };
  emit (func, user_data, &ev);
  ink_metrics_init (&t->test_metrics, C);
  {
    double tacc;
    evaluate (t, t->dtest, t->test_dev, t->split->test_idx, t->test, t->split->n_test,
              &t->test_loss, &tacc, &t->test_metrics);
    t->have_test = TRUE;
  }
  if (!ops->sync (be, error))
    return FALSE;

  ev = (InkTrainEvent) { .kind = INK_EVENT_FINISHED, .reason = t->reason, .message = t->message,
                         .epoch = t->epochs_done, .iteration = t->iteration };
  emit (func, user_data, &ev);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* checkpoints                                                               */

/* 64-bit counters as decimal strings (JSON numbers are doubles to many
 * readers); NaN as null (JSON has no NaN) */
static void
add_u64 (JsonBuilder *b, guint64 v)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, v);
  json_builder_add_string_value (b, buf);
}

static void
add_double (JsonBuilder *b, double v)
{
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

/* A fingerprint of the data a run trains on: its sizes, every label and a
 * stride of the pixels, hashed.  A checkpoint records it, so that resuming
 * with other data is refused instead of silently mixing datasets. */
static guint64
data_fingerprint (const InkDataset *train, const InkDataset *test)
{
  const InkDataset *sets[2] = { train, test };
  guint64 h = G_GUINT64_CONSTANT (0x1d2c3b4a59687f);

  for (guint k = 0; k < 2; k++)
    {
      const InkDataset *ds = sets[k];
      gsize bytes = (gsize) ds->n * ds->rows * ds->cols;

      h = ink_hash64 (h ^ ((guint64) ds->n << 32 | ((guint64) ds->rows << 16) | ds->cols));
      for (guint i = 0; i < ds->n; i++)
        h = ink_hash64 (h ^ ds->labels[i] ^ ((guint64) i << 8));
      for (gsize i = 0; i < bytes; i += 61)
        h = ink_hash64 (h ^ ds->images[i] ^ ((guint64) i << 8));
    }
  return h;
}

/* computed once: the data does not change during a run, and a checkpoint
 * is written every epoch */
static guint64
trainer_data_fingerprint (InkTrainer *t)
{
  if (t->data_fp == 0)
    t->data_fp = data_fingerprint (t->train, t->test) | 1;
  return t->data_fp;
}

static gboolean
write_checkpoint (InkTrainer *t, GError **error)
{
  g_autoptr(InkTensorFile) tf = ink_tensor_file_new ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *state_json = NULL;
  g_autofree char *exp_json = ink_experiment_to_json (t->exp, FALSE);
  g_autofree char *norm_json = ink_norm_to_json (&t->norm);
  g_autofree float *s1 = g_new (float, t->net->n_params);
  g_autofree float *s2 = g_new (float, t->net->n_params);
  g_autoptr(GError) local = NULL;

  ink_network_get_params (t->net, t->params_host);
  ink_optimizer_get_state (t->opt, s1, s2);
  ink_model_add_tensors (tf, t->exp->net, "params.", t->params_host);
  ink_model_add_tensors (tf, t->exp->net, "best.", t->best_params);
  ink_model_add_tensors (tf, t->exp->net, "state1.", s1);
  ink_model_add_tensors (tf, t->exp->net, "state2.", s2);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "train");
  json_builder_add_int_value (b, t->train->n);
  json_builder_set_member_name (b, "test");
  json_builder_add_int_value (b, t->test->n);
  json_builder_set_member_name (b, "fingerprint");
  add_u64 (b, trainer_data_fingerprint (t));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "epochs_done");
  json_builder_add_int_value (b, t->epochs_done);
  json_builder_set_member_name (b, "iteration");
  add_u64 (b, t->iteration);
  json_builder_set_member_name (b, "optimizer_step");
  add_u64 (b, t->opt->step);
  json_builder_set_member_name (b, "rng");
  json_builder_begin_array (b);
  for (int i = 0; i < 4; i++)
    add_u64 (b, t->rng.s[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "have_best");
  json_builder_add_boolean_value (b, t->have_best);
  json_builder_set_member_name (b, "best_monitor");
  json_builder_add_double_value (b, isfinite (t->best_monitor) ? t->best_monitor : -1.0);
  json_builder_set_member_name (b, "best_epoch");
  json_builder_add_int_value (b, t->best_epoch);
  json_builder_set_member_name (b, "patience");
  add_double (b, t->patience);
  json_builder_set_member_name (b, "no_improve");
  json_builder_add_int_value (b, t->no_improve);
  json_builder_set_member_name (b, "last_valid_loss");
  add_double (b, t->last_valid_loss);
  json_builder_set_member_name (b, "last_valid_acc");
  add_double (b, t->last_valid_acc);
  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->history->len; i++)
    {
      const InkEpochRecord *r = &g_array_index (t->history, InkEpochRecord, i);
      json_builder_begin_array (b);
      json_builder_add_int_value (b, r->epoch);
      add_double (b, r->train_loss);
      add_double (b, r->train_acc);
      add_double (b, r->valid_loss);
      add_double (b, r->valid_acc);
      add_double (b, r->duration);
      add_double (b, r->lr);
      json_builder_add_boolean_value (b, r->improved);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  state_json = ink_json_builder_to_text (b, FALSE);
  /* what is written must read back */
  if (!ink_json_check (state_json, -1, &local) ||
      !ink_experiment_check_round_trip (exp_json, t->checkpoint_path, &local))
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("could not write the checkpoint %s: %s"), t->checkpoint_path, local->message);
      return FALSE;
    }

  ink_tensor_file_set_meta (tf, "format", "inkling-checkpoint");
  ink_tensor_file_set_meta (tf, "inkling.version", PACKAGE_VERSION);
  ink_tensor_file_set_meta (tf, "inkling.experiment", exp_json);
  ink_tensor_file_set_meta (tf, "inkling.normalization", norm_json);
  ink_tensor_file_set_meta (tf, "inkling.checkpoint", state_json);
  if (!ink_safetensors_save (tf, t->checkpoint_path, &local))
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("could not write the checkpoint: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}

/* the four copies of the network a checkpoint holds */
static const char * const checkpoint_prefixes[] = { "params.", "best.", "state1.", "state2." };

InkExperiment *
ink_checkpoint_experiment (const char  *path,
                           GError     **error)
{
  g_autoptr(InkTensorFile) tf = ink_safetensors_load (path, error);
  const char *json;
  g_autoptr(GError) local = NULL;
  InkExperiment *exp;

  if (tf == NULL)
    return NULL;
  json = ink_tensor_file_get_meta (tf, "inkling.experiment");
  if (json == NULL || ink_tensor_file_get_meta (tf, "inkling.checkpoint") == NULL)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("%s is not an Inkling checkpoint"), path);
      return NULL;
    }
  exp = ink_experiment_from_json (json, -1, &local);
  if (exp == NULL)
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("%s: the stored experiment is not valid: %s"), path, local->message);
      return NULL;
    }
  /* the network the experiment claims must be the one whose tensors the
   * file holds, before anyone allocates it (a 1 KiB file may claim
   * billions of parameters) */
  for (guint i = 0; i < G_N_ELEMENTS (checkpoint_prefixes); i++)
    if (!ink_model_check_tensors (tf, exp->net, checkpoint_prefixes[i], &local))
      {
        g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                     _("%s does not hold the network its experiment describes: %s"), path, local->message);
        ink_experiment_free (exp);
        return NULL;
      }
  return exp;
}

static gboolean
parse_u64 (JsonNode *n, guint64 *out)
{
  const char *s;
  char *end = NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return FALSE;
  s = json_node_get_string (n);
  if (!g_ascii_isdigit (s[0]))
    return FALSE;
  *out = g_ascii_strtoull (s, &end, 10);
  return end != s && *end == '\0';
}

static double
node_double (JsonNode *n)
{
  if (n != NULL && JSON_NODE_HOLDS_VALUE (n) &&
      (json_node_get_value_type (n) == G_TYPE_DOUBLE || json_node_get_value_type (n) == G_TYPE_INT64))
    return json_node_get_double (n);
  return NAN;
}

static double
get_double (JsonObject *o, const char *key, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, key);
  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    return NAN;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_DOUBLE && json_node_get_value_type (n) != G_TYPE_INT64))
    {
      *ok = FALSE;
      return 0;
    }
  return json_node_get_double (n);
}

/* an integer member in [0, max]; a missing or wrong one clears *ok */
static guint
get_uint (JsonObject *o, const char *key, guint max, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, key);
  gint64 v;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64 ||
      (v = json_node_get_int (n)) < 0 || v > (gint64) max)
    {
      *ok = FALSE;
      return 0;
    }
  return (guint) v;
}

static gboolean
get_bool (JsonObject *o, const char *key, gboolean *ok)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    {
      *ok = FALSE;
      return FALSE;
    }
  return json_node_get_boolean (n);
}

gboolean
ink_trainer_resume (InkTrainer  *t,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(InkTensorFile) tf = ink_safetensors_load (path, error);
  g_autoptr(JsonParser) parser = NULL;
  g_autofree float *params = NULL, *best = NULL, *s1 = NULL, *s2 = NULL;
  g_autoptr(GArray) history = g_array_new (FALSE, TRUE, sizeof (InkEpochRecord));
  const char *state;
  JsonObject *o;
  JsonArray *rng, *hist;
  guint64 iteration, step, rs[4];
  gboolean ok = TRUE;
  double best_monitor, patience, lvl, lva;
  gsize n = t->net->n_params;
  g_autoptr(GError) local = NULL;

  if (tf == NULL)
    return FALSE;
  state = ink_tensor_file_get_meta (tf, "inkling.checkpoint");
  if (state == NULL || !(parser = ink_json_parse (state, -1, NULL)) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto bad;
  o = json_node_get_object (json_parser_get_root (parser));

  /* the same data as when it was written (checkpoints from before this
   * check carry no fingerprint) */
  if (json_object_has_member (o, "data"))
    {
      JsonNode *dn = json_object_get_member (o, "data");
      JsonObject *d;
      guint64 fp;

      if (!JSON_NODE_HOLDS_OBJECT (dn) ||
          !parse_u64 (json_object_get_member (d = json_node_get_object (dn), "fingerprint"), &fp))
        goto bad;
      if (fp != trainer_data_fingerprint (t))
        {
          gboolean fine = TRUE;
          gint64 ntr = get_uint (d, "train", G_MAXUINT, &fine);
          gint64 nte = get_uint (d, "test", G_MAXUINT, &fine);

          if (!fine)
            goto bad;

          g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                       _("%s was written while training on other data (%" G_GINT64_FORMAT
                         " training and %" G_GINT64_FORMAT " test images); the data given now has "
                         "%u and %u%s: resume with the data the run started with"),
                       path, ntr, nte, t->train->n, t->test->n,
                       ntr == t->train->n && nte == t->test->n ? _(", but other images") : "");
          return FALSE;
        }
    }

  params = g_new (float, n);
  best = g_new (float, n);
  s1 = g_new (float, n);
  s2 = g_new (float, n);
  if (!ink_model_get_tensors (tf, t->exp->net, "params.", params, &local) ||
      !ink_model_get_tensors (tf, t->exp->net, "best.", best, &local) ||
      !ink_model_get_tensors (tf, t->exp->net, "state1.", s1, &local) ||
      !ink_model_get_tensors (tf, t->exp->net, "state2.", s2, &local) ||
      !ink_model_check_no_extra (tf, t->exp->net, checkpoint_prefixes,
                                 G_N_ELEMENTS (checkpoint_prefixes), &local))
    {
      g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
                   _("%s does not match this experiment's network: %s"), path, local->message);
      return FALSE;
    }

  if (!parse_u64 (json_object_get_member (o, "iteration"), &iteration) ||
      !parse_u64 (json_object_get_member (o, "optimizer_step"), &step) ||
      !json_object_has_member (o, "rng") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "rng")) ||
      json_array_get_length (rng = json_object_get_array_member (o, "rng")) != 4 ||
      !json_object_has_member (o, "history") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "history")))
    goto bad;
  for (guint i = 0; i < 4; i++)
    if (!parse_u64 (json_array_get_element (rng, i), &rs[i]))
      goto bad;
  if ((rs[0] | rs[1] | rs[2] | rs[3]) == 0)
    goto bad;

  best_monitor = get_double (o, "best_monitor", &ok);
  patience = get_double (o, "patience", &ok);
  lvl = get_double (o, "last_valid_loss", &ok);
  lva = get_double (o, "last_valid_acc", &ok);
  if (!ok)
    goto bad;

  hist = json_object_get_array_member (o, "history");
  for (guint i = 0; i < json_array_get_length (hist); i++)
    {
      JsonNode *rn = json_array_get_element (hist, i);
      JsonArray *ra;
      InkEpochRecord r = { 0 };

      if (!JSON_NODE_HOLDS_ARRAY (rn) || json_array_get_length (ra = json_node_get_array (rn)) != 8)
        goto bad;
      /* every field of its type: the epoch counts up from 1, the loss and
       * the duration are numbers (a lost validation is null), the flag is
       * a boolean */
      {
        JsonNode *en = json_array_get_element (ra, 0);
        JsonNode *fn = json_array_get_element (ra, 7);

        if (!JSON_NODE_HOLDS_VALUE (en) || json_node_get_value_type (en) != G_TYPE_INT64 ||
            json_node_get_int (en) != (gint64) i + 1 ||
            !JSON_NODE_HOLDS_VALUE (fn) || json_node_get_value_type (fn) != G_TYPE_BOOLEAN)
          goto bad;
        for (guint k = 1; k <= 6; k++)
          {
            JsonNode *vn = json_array_get_element (ra, k);
            if (!JSON_NODE_HOLDS_NULL (vn) && !isfinite (node_double (vn)))
              goto bad;
          }
        r.epoch = (guint) json_node_get_int (en);
        r.improved = json_node_get_boolean (fn);
      }
      r.train_loss = node_double (json_array_get_element (ra, 1));
      r.train_acc = node_double (json_array_get_element (ra, 2));
      r.valid_loss = node_double (json_array_get_element (ra, 3));
      r.valid_acc = node_double (json_array_get_element (ra, 4));
      r.duration = node_double (json_array_get_element (ra, 5));
      r.lr = node_double (json_array_get_element (ra, 6));
      g_array_append_val (history, r);
    }

  {
    guint ed = get_uint (o, "epochs_done", G_MAXUINT, &ok);
    gboolean have_best = get_bool (o, "have_best", &ok);
    guint best_epoch = get_uint (o, "best_epoch", ed, &ok);
    guint no_improve = get_uint (o, "no_improve", G_MAXUINT, &ok);

    if (!ok || ed != history->len || isnan (patience) ||
        (have_best && !isfinite (best_monitor)))
      goto bad;
    t->epochs_done = ed;
    t->have_best = have_best;
    t->best_epoch = best_epoch;
    t->no_improve = no_improve;
    /* the weights a stop would keep: the best validation's, or with the
     * test set as validation set the last completed epoch's, which are
     * the checkpoint's current weights */
    t->kept_epoch = t->split->valid_is_test ? ed : (have_best ? best_epoch : 0);
  }
  /* a checkpoint never holds NaN weights; one that does is damaged */
  if (!all_finite (params, n) || !all_finite (best, n))
    goto bad;
  ink_network_set_params (t->net, params);
  ink_optimizer_set_state (t->opt, s1, s2);
  t->opt->step = step;
  memcpy (t->best_params, t->split->valid_is_test ? params : best, sizeof (float) * n);
  memcpy (t->rng.s, rs, sizeof rs);
  t->iteration = iteration;
  t->best_monitor = t->have_best ? best_monitor : INFINITY;
  t->patience = patience;
  t->last_valid_loss = lvl;
  t->last_valid_acc = lva;
  g_array_set_size (t->history, 0);
  g_array_append_vals (t->history, history->data, history->len);
  t->resumed = TRUE;
  return TRUE;

bad:
  g_set_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT,
               _("%s: the checkpoint's training state is missing or damaged"), path);
  return FALSE;
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
  if (!all_finite (t->params_host, t->net->n_params))
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
