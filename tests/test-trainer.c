/* test-trainer.c
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

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ink-model.h"
#include "ink-safetensors.h"
#include "ink-trainer.h"
#include "test-util.h"

typedef struct
{
  InkDataset *train;
  InkDataset *test;
  char       *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->train = test_synthetic_dataset (1200, 1);
  f->test = test_synthetic_dataset (300, 2);
  f->dir = g_dir_make_tmp ("ink-trainer-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  ink_dataset_free (f->train);
  ink_dataset_free (f->test);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* a small net with everything that carries state: dropout, momentum-like
 * optimizer state, a random split, shuffling */
static InkExperiment *
small_experiment (InkOptimizerKind kind)
{
  InkExperiment *e = ink_experiment_new_default ();
  g_free (e->net->layers);
  e->net->n_layers = 3;
  e->net->layers = g_new0 (InkLayerSpec, 3);
  e->net->layers[0] = (InkLayerSpec) { 32, INK_ACT_RELU, 0.2f };
  e->net->layers[1] = (InkLayerSpec) { 16, INK_ACT_TANH, 0.1f };
  e->net->layers[2] = (InkLayerSpec) { 10, INK_ACT_SOFTMAX, 0.0f };
  e->split.kind = INK_SPLIT_RANDOM;
  e->split.valid_fraction = 0.25;
  ink_optimizer_spec_defaults (&e->optimizer, kind);
  e->epochs = 4;
  e->batch_size = 50;
  e->seed = 7;
  return e;
}

static InkTrainer *
run (InkExperiment *e, Fixture *f, const char *ckpt, const char *resume,
     InkEventFunc func, gpointer data, GCancellable *cancel)
{
  g_autoptr(GError) error = NULL;
  InkTrainer *t = ink_trainer_new (e, f->train, f->test, &error);
  g_assert_no_error (error);
  if (ckpt)
    ink_trainer_set_checkpoint (t, ckpt);
  if (resume)
    {
      ink_trainer_resume (t, resume, &error);
      g_assert_no_error (error);
    }
  ink_trainer_run (t, cancel, func, data, &error);
  g_assert_no_error (error);
  return t;
}

static void
get_params (InkTrainer *t, float **out, gsize *n)
{
  InkNetwork *net = ink_trainer_network (t);
  *n = net->n_params;
  *out = g_new (float, *n);
  ink_network_get_params (net, *out);
}

static void
assert_same_history (InkTrainer *a, InkTrainer *b)
{
  guint na, nb;
  const InkEpochRecord *ha = ink_trainer_history (a, &na);
  const InkEpochRecord *hb = ink_trainer_history (b, &nb);

  g_assert_cmpuint (na, ==, nb);
  for (guint i = 0; i < na; i++)
    {
      g_assert_cmpuint (ha[i].epoch, ==, hb[i].epoch);
      /* bit for bit */
      g_assert_true (memcmp (&ha[i].train_loss, &hb[i].train_loss, sizeof (double)) == 0);
      g_assert_true (memcmp (&ha[i].valid_loss, &hb[i].valid_loss, sizeof (double)) == 0);
      g_assert_true (memcmp (&ha[i].valid_acc, &hb[i].valid_acc, sizeof (double)) == 0);
    }
}

static void
test_learns (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_ADAM);
  g_autoptr(InkTrainer) t = run (e, f, NULL, NULL, NULL, NULL, NULL);
  const InkMetrics *m = ink_trainer_test_metrics (t, NULL);
  guint n;
  const InkEpochRecord *h = ink_trainer_history (t, &n);

  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_COMPLETED);
  g_assert_cmpfloat (h[3].train_loss, <, h[0].train_loss);
  g_assert_cmpuint (m->total, ==, 300);
  /* the synthetic classes are easy: a working trainer is near perfect */
  g_assert_cmpfloat (ink_metrics_accuracy (m), >=, 0.9);
}

static void
test_determinism (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_RMSPROP);
  g_autoptr(InkTrainer) a = run (e, f, NULL, NULL, NULL, NULL, NULL);
  g_autoptr(InkTrainer) b = run (e, f, NULL, NULL, NULL, NULL, NULL);
  g_autoptr(InkTrainer) c = NULL;
  g_autofree float *pa = NULL, *pb = NULL, *pc = NULL;
  gsize na, nb, nc;
  guint n;

  assert_same_history (a, b);
  get_params (a, &pa, &na);
  get_params (b, &pb, &nb);
  g_assert_true (memcmp (pa, pb, na * sizeof (float)) == 0);

  e->seed = 8;
  c = run (e, f, NULL, NULL, NULL, NULL, NULL);
  get_params (c, &pc, &nc);
  g_assert_false (memcmp (pa, pc, na * sizeof (float)) == 0);
  g_assert_false (ink_trainer_history (a, &n)[0].train_loss == ink_trainer_history (c, &n)[0].train_loss);
}

static void
test_resume (Fixture *f, gconstpointer data)
{
  InkOptimizerKind kind = GPOINTER_TO_INT (data);
  g_autoptr(InkExperiment) e = small_experiment (kind);
  g_autofree char *ck = g_build_filename (f->dir, "run.ckpt", NULL);
  g_autoptr(InkTrainer) full = NULL, part = NULL, resumed = NULL;
  g_autofree float *pf = NULL, *pr = NULL;
  gsize nf, nr;
  guint n;

  e->optimizer.decay = 0.9f;
  full = run (e, f, NULL, NULL, NULL, NULL, NULL);

  e->epochs = 2;
  part = run (e, f, ck, NULL, NULL, NULL, NULL);
  g_assert_cmpuint ((ink_trainer_history (part, &n), n), ==, 2);

  e->epochs = 4;
  resumed = run (e, f, NULL, ck, NULL, NULL, NULL);
  assert_same_history (full, resumed);
  get_params (full, &pf, &nf);
  get_params (resumed, &pr, &nr);
  g_assert_cmpuint (nf, ==, nr);
  g_assert_true (memcmp (pf, pr, nf * sizeof (float)) == 0);
  g_assert_cmpuint (ink_trainer_best_epoch (full), ==, ink_trainer_best_epoch (resumed));
}

static void
test_resume_rejects (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkExperiment) other = small_experiment (INK_OPT_SGD);
  g_autofree char *ck = g_build_filename (f->dir, "a.ckpt", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.ckpt", NULL);
  g_autoptr(InkTrainer) a = NULL, b = NULL, c = NULL;
  g_autoptr(GError) error = NULL;

  e->epochs = 1;
  a = run (e, f, ck, NULL, NULL, NULL, NULL);

  /* a checkpoint of another network shape */
  other->net->layers[0].units = 33;
  b = ink_trainer_new (other, f->train, f->test, &error);
  g_assert_no_error (error);
  g_assert_false (ink_trainer_resume (b, ck, &error));
  g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT);
  g_assert_nonnull (strstr (error->message, "layers.0.weight"));
  g_clear_error (&error);

  /* not a checkpoint at all */
  g_assert_true (g_file_set_contents (junk, "garbage", -1, NULL));
  c = ink_trainer_new (e, f->train, f->test, &error);
  g_assert_false (ink_trainer_resume (c, junk, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* the same network on other data: another size, or the same size with
   * other images */
  {
    g_autoptr(InkDataset) smaller = test_synthetic_dataset (1100, 1);
    g_autoptr(InkDataset) other_images = test_synthetic_dataset (1200, 3);
    g_autoptr(InkTrainer) d = ink_trainer_new (e, smaller, f->test, &error);
    g_autoptr(InkTrainer) g = NULL;

    g_assert_no_error (error);
    g_assert_false (ink_trainer_resume (d, ck, &error));
    g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT);
    g_assert_nonnull (strstr (error->message, "other data (1200 training and 300 test images)"));
    g_assert_nonnull (strstr (error->message, "1100 and 300"));
    g_clear_error (&error);

    g = ink_trainer_new (e, other_images, f->test, &error);
    g_assert_no_error (error);
    g_assert_false (ink_trainer_resume (g, ck, &error));
    g_assert_nonnull (strstr (error->message, "but other images"));
  }
}

static void
test_diverge (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkTrainer) t = NULL;
  g_autofree float *p = NULL;
  gsize n;

  e->net->loss = INK_LOSS_MSE;
  e->net->layers[2].activation = INK_ACT_IDENTITY;
  e->optimizer.lr = 1e6f;
  e->epochs = 20;
  t = run (e, f, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_DIVERGED);
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "NaN"));
  get_params (t, &p, &n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (p[i]));
  /* test scores only for a model that some completed epoch made */
  if (ink_trainer_best_epoch (t) == 0)
    g_assert_null (ink_trainer_test_metrics (t, NULL));
  else
    g_assert_nonnull (ink_trainer_test_metrics (t, NULL));
}

static void
cancel_after_first_epoch (const InkTrainEvent *ev, gpointer data)
{
  if (ev->kind == INK_EVENT_EPOCH && ev->epoch == 1)
    g_cancellable_cancel (data);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(InkTrainer) t = NULL;
  guint n;

  e->epochs = 50;
  t = run (e, f, NULL, NULL, cancel_after_first_epoch, cancel, cancel);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_CANCELLED);
  ink_trainer_history (t, &n);
  g_assert_cmpuint (n, ==, 1);
}

typedef struct
{
  guint epochs;
  guint finished;
  guint weights;
  InkStopReason reason;
} Events;

static void
count_events (const InkTrainEvent *ev, gpointer data)
{
  Events *c = data;
  if (ev->kind == INK_EVENT_EPOCH)
    c->epochs++;
  if (ev->kind == INK_EVENT_WEIGHTS)
    {
      g_assert_nonnull (ev->params);
      g_assert_cmpuint (ev->n_params, >, 0);
      c->weights++;
    }
  if (ev->kind == INK_EVENT_FINISHED)
    {
      c->finished++;
      c->reason = ev->reason;
    }
}

static void
test_patience (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkTrainer) t = NULL;
  Events c = { 0 };
  guint n;

  /* validate every 6 minibatches; patience 12 minibatches, doubled on a
   * significant improvement: training must stop long before 100 epochs */
  e->epochs = 100;
  e->early_stopping = INK_EARLY_PATIENCE;
  e->monitor = INK_MONITOR_VALID_ERROR;
  e->validation_frequency = 6;
  e->patience = 12;
  e->patience_increase = 2.0;
  e->improvement_threshold = 0.995;
  t = run (e, f, NULL, NULL, count_events, &c, NULL);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_EARLY);
  g_assert_cmpint (c.reason, ==, INK_STOP_EARLY);
  g_assert_cmpuint (c.finished, ==, 1);
  ink_trainer_history (t, &n);
  g_assert_cmpuint (n, <, 100);
  g_assert_cmpuint (c.epochs, ==, n);
  g_assert_cmpuint (c.weights, >=, n);
  g_assert_cmpuint (ink_trainer_best_epoch (t), >=, 1);
  g_assert_cmpuint (ink_trainer_best_epoch (t), <=, n);
}

static void
test_no_improvement (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_ADAM);
  g_autoptr(InkTrainer) t = NULL;
  guint n, best;
  const InkEpochRecord *h;

  e->epochs = 200;
  e->optimizer.lr = 0.01f;
  e->early_stopping = INK_EARLY_NO_IMPROVEMENT;
  e->stop_epochs = 3;
  t = run (e, f, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_EARLY);
  h = ink_trainer_history (t, &n);
  best = ink_trainer_best_epoch (t);
  /* it stopped exactly 3 epochs after the best one, and the best has the lowest valid loss */
  g_assert_cmpuint (n, ==, best + 3);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (h[best - 1].valid_loss, <=, h[i].valid_loss);
}

static void
test_save_model (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_ADAM);
  g_autofree char *path = g_build_filename (f->dir, "m.safetensors", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "h.csv", NULL);
  g_autoptr(InkTrainer) t = run (e, f, NULL, NULL, NULL, NULL, NULL);
  g_autoptr(InkModel) m = NULL;
  g_autoptr(InkBackend) be = ink_backend_cpu_new ();
  g_autoptr(InkNetwork) net = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *x = g_new (float, 300 * 784);
  g_autofree float *p1 = g_new (float, 300 * 10);
  g_autofree float *p2 = g_new (float, 300 * 10);
  g_autofree char *text = NULL;

  g_assert_true (ink_trainer_save_model (t, path, &error));
  g_assert_no_error (error);
  g_assert_true (ink_trainer_save_history (t, csv, &error));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "epoch,train_loss,valid_loss"));
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 6);
  }

  m = ink_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (&m->norm, sizeof m->norm, ink_trainer_norm (t), sizeof m->norm);

  /* the loaded model predicts bit for bit what the trained one predicts */
  ink_norm_apply (&m->norm, f->test->images, x, 300 * 784);
  ink_network_predict (ink_trainer_network (t), x, 300, p1);
  net = ink_model_network (m, be, 300, &error);
  g_assert_no_error (error);
  ink_network_predict (net, x, 300, p2);
  g_assert_cmpmem (p1, 300 * 10 * sizeof (float), p2, 300 * 10 * sizeof (float));
}

/* ---- divergence every loss sees, and what a stop keeps ---------------- */

typedef struct
{
  InkTrainer   *t;
  GCancellable *cancel;
  guint         poison_after;   /* epoch after which layer 1's weights become NaN */
  guint         cancel_epoch;   /* cancel at the first progress event of this epoch */
  float        *weights_at[8];  /* the weights after each epoch (1-based) */
  guint         cancelled_at_batch;
} Drive;

static void
drive_events (const InkTrainEvent *ev, gpointer data)
{
  Drive *d = data;
  InkNetwork *net = ink_trainer_network (d->t);

  if (ev->kind == INK_EVENT_WEIGHTS && ev->epoch >= 1 && ev->epoch < G_N_ELEMENTS (d->weights_at) &&
      d->weights_at[ev->epoch] == NULL)
    d->weights_at[ev->epoch] = g_memdup2 (ev->params, ev->n_params * sizeof (float));
  /* after the epoch's weights were taken above */
  if (ev->kind == INK_EVENT_WEIGHTS && ev->epoch == d->poison_after && d->poison_after != 0)
    {
      g_autofree float *p = g_new (float, net->n_params);

      /* one weight of the first layer: a ReLU after it hides it from the
       * loss (it turns NaN into 0 or passes it on, depending on the unit) */
      ink_network_get_params (net, p);
      p[0] = NAN;
      ink_network_set_params (net, p);
    }
  if (ev->kind == INK_EVENT_PROGRESS && ev->epoch == d->cancel_epoch && d->cancelled_at_batch == 0)
    {
      d->cancelled_at_batch = ev->batch;
      g_cancellable_cancel (d->cancel);
    }
}

static InkTrainer *
drive (InkExperiment *e, const InkDataset *train, const InkDataset *test, Drive *d)
{
  g_autoptr(GError) error = NULL;
  InkTrainer *t = ink_trainer_new (e, train, test, &error);

  g_assert_no_error (error);
  d->t = t;
  ink_trainer_run (t, d->cancel, drive_events, d, &error);
  g_assert_no_error (error);
  return t;
}

static void
drive_clear (Drive *d)
{
  for (guint i = 0; i < G_N_ELEMENTS (d->weights_at); i++)
    g_free (d->weights_at[i]);
}

/* NaN weights end the run as diverged for both losses, the kept model is
 * the last good one, and a NaN model is never saved (cross-entropy used
 * to floor a NaN probability and report "all epochs done") */
static void
test_diverge_nan_weights (Fixture *f, gconstpointer data)
{
  InkLoss loss = GPOINTER_TO_INT (data);
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkTrainer) t = NULL;
  g_autofree char *path = g_build_filename (f->dir, "m.safetensors", NULL);
  g_autofree float *p = NULL;
  g_autoptr(GError) error = NULL;
  Drive d = { .poison_after = 2 };
  gsize n;

  e->net->loss = loss;
  if (loss == INK_LOSS_MSE)
    e->net->layers[2].activation = INK_ACT_IDENTITY;
  e->epochs = 6;
  t = drive (e, f->train, f->test, &d);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_DIVERGED);
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "NaN"));
  g_assert_cmpuint (ink_trainer_best_epoch (t), >=, 1);
  g_assert_cmpuint (ink_trainer_best_epoch (t), <=, 2);
  get_params (t, &p, &n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (p[i]));
  /* the kept weights are an epoch's own, not a mix */
  g_assert_true (memcmp (p, d.weights_at[ink_trainer_best_epoch (t)], n * sizeof (float)) == 0);
  g_assert_true (ink_trainer_save_model (t, path, &error));
  g_assert_no_error (error);
  {
    g_autoptr(InkModel) m = ink_model_load (path, &error);
    g_assert_no_error (error);
    g_assert_nonnull (m);
  }
  drive_clear (&d);
}

/* a learning rate that blows a softmax network up: cross-entropy sees it */
static void
test_diverge_cross_entropy (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkTrainer) t = NULL;
  g_autofree char *path = g_build_filename (f->dir, "m.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree float *p = NULL;
  gsize n;

  e->net->layers[1].activation = INK_ACT_RELU;
  e->net->layers[0].dropout = e->net->layers[1].dropout = 0.0f;
  e->optimizer.lr = 1e30f;
  e->epochs = 5;
  t = run (e, f, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_DIVERGED);
  get_params (t, &p, &n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (p[i]));
  if (ink_trainer_best_epoch (t) == 0)
    {
      g_assert_false (ink_trainer_save_model (t, path, &error));
      g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_NO_MODEL);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
}

/* a bigger set, so that an epoch lasts long enough for progress events
 * (one every 100 ms) to come in its middle */
static InkExperiment *
slow_experiment (InkSplitKind split)
{
  InkExperiment *e = small_experiment (INK_OPT_SGD);

  e->net->layers[0].units = 600;
  e->batch_size = 4;
  e->epochs = 5;
  e->split.kind = split;
  return e;
}

/* Stopped in the middle of epoch 2: the kept weights are those at the
 * end of epoch 1 (the best validation, or with the test set as validation
 * set the last completed epoch), the reported score is theirs, and the
 * message says which; never the half-done epoch's */
static void
test_stop_mid_epoch (Fixture *f, gconstpointer data)
{
  InkSplitKind split = GPOINTER_TO_INT (data);
  g_autoptr(InkExperiment) e = slow_experiment (split);
  g_autoptr(InkDataset) train = test_synthetic_dataset (4000, 1);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(InkTrainer) t = NULL;
  g_autofree float *p = NULL;
  Drive d = { .cancel = cancel, .cancel_epoch = 2 };
  guint n_hist;
  gsize n;

  t = drive (e, train, f->test, &d);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_CANCELLED);
  ink_trainer_history (t, &n_hist);
  g_assert_cmpuint (n_hist, ==, 1);
  /* the stop came in the middle of the epoch, after some minibatches */
  g_assert_cmpuint (d.cancelled_at_batch, >, 1);
  g_assert_cmpuint (ink_trainer_best_epoch (t), ==, 1);
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "during epoch 2"));
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "epoch 1"));
  g_assert_null (strstr (ink_trainer_stop_message (t), "stopped by the user"));
  get_params (t, &p, &n);
  g_assert_true (memcmp (p, d.weights_at[1], n * sizeof (float)) == 0);
  drive_clear (&d);
}

/* Stopped before the first epoch ends: there is no trained model; saving
 * refuses and leaves an existing model file as it was */
static void
test_stop_before_first_epoch (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = slow_experiment (INK_SPLIT_OFFICIAL);
  g_autoptr(InkDataset) train = test_synthetic_dataset (4000, 1);
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "m.safetensors", NULL);
  g_autofree char *before = NULL, *after = NULL;
  gsize len_before, len_after;
  Drive d = { .cancel = cancel, .cancel_epoch = 1 };

  g_assert_true (g_file_set_contents (path, "an earlier, better model", -1, NULL));
  t = drive (e, train, f->test, &d);
  g_assert_cmpint (ink_trainer_stop_reason (t), ==, INK_STOP_CANCELLED);
  g_assert_cmpuint (d.cancelled_at_batch, >, 1);
  g_assert_cmpuint (ink_trainer_best_epoch (t), ==, 0);
  g_assert_nonnull (strstr (ink_trainer_stop_message (t), "no epoch was completed"));
  /* no model, so no pass over the test set scoring the initial weights */
  g_assert_null (ink_trainer_test_metrics (t, NULL));
  g_assert_false (ink_trainer_save_model (t, path, &error));
  g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_NO_MODEL);
  g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
  g_assert_cmpstr (after, ==, "an earlier, better model");
  (void) before; (void) len_before;
  drive_clear (&d);
}

/* a checkpoint whose training state was tampered with: refused with a
 * message, no GLib-CRITICAL (which the test harness makes fatal) */
static void
test_resume_damaged_state (Fixture *f, gconstpointer data)
{
  static const struct { const char *from; const char *to; } edits[] = {
    { "\"history\":[[1,", "\"history\":[[\"1\"," },
    { "\"history\":[[1,", "\"history\":[[{},"},
    { "\"history\":[[1,", "\"history\":[[2," },
    { "\"history\":[[1,", "\"history\":[[1,[]," },
    { "\"history\":[[1,", "\"history\":[[1,true," },
    { "\"epochs_done\":1", "\"epochs_done\":\"1\"" },
    { "\"epochs_done\":1", "\"epochs_done\":[]" },
    { "\"best_epoch\":1", "\"best_epoch\":{}" },
    { "\"best_epoch\":1", "\"best_epoch\":9" },
    { "\"have_best\":true", "\"have_best\":1" },
    { "\"no_improve\":0", "\"no_improve\":-1" },
    { "\"fingerprint\":\"", "\"fingerprint\":\"x" },
  };
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autofree char *ck = g_build_filename (f->dir, "a.ckpt", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.ckpt", NULL);
  g_autoptr(InkTrainer) a = NULL;

  e->epochs = 1;
  a = run (e, f, ck, NULL, NULL, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkTensorFile) tf = ink_safetensors_load (ck, &error);
      g_autoptr(InkTrainer) t = NULL;
      const char *state;
      g_autofree char *edited = NULL;
      const char *at;

      g_assert_no_error (error);
      state = ink_tensor_file_get_meta (tf, "inkling.checkpoint");
      at = strstr (state, edits[i].from);
      if (at == NULL)
        g_error ("the checkpoint state has no “%s”: %s", edits[i].from, state);
      edited = g_strdup_printf ("%.*s%s%s", (int) (at - state), state, edits[i].to,
                                at + strlen (edits[i].from));
      ink_tensor_file_set_meta (tf, "inkling.checkpoint", edited);
      g_assert_true (ink_safetensors_save (tf, bad, &error));
      g_assert_no_error (error);
      t = ink_trainer_new (e, f->train, f->test, &error);
      g_assert_no_error (error);
      g_assert_false (ink_trainer_resume (t, bad, &error));
      g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT);
    }
}

/* a checkpoint whose experiment claims a network of billions of
 * parameters that the file does not hold: refused before anything is
 * allocated for it */
static void
test_checkpoint_claims_huge_network (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkExperiment) huge = small_experiment (INK_OPT_SGD);
  g_autofree char *ck = g_build_filename (f->dir, "a.ckpt", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.ckpt", NULL);
  g_autofree char *json = NULL;
  g_autoptr(InkTrainer) a = NULL;
  g_autoptr(InkTensorFile) tf = NULL;
  g_autoptr(InkExperiment) back = NULL;
  g_autoptr(GError) error = NULL;

  e->epochs = 1;
  a = run (e, f, ck, NULL, NULL, NULL, NULL);
  tf = ink_safetensors_load (ck, &error);
  g_assert_no_error (error);
  huge->net->layers[0].units = 65536;
  huge->net->layers[1].units = 30000;   /* 2.0 G parameters, under the limit */
  json = ink_experiment_to_json (huge, FALSE);
  ink_tensor_file_set_meta (tf, "inkling.experiment", json);
  g_assert_true (ink_safetensors_save (tf, bad, &error));
  back = ink_checkpoint_experiment (bad, &error);
  g_assert_null (back);
  g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "does not hold the network"));
}

/* time spent paused is not the epoch's: its duration and the samples per
 * second leave it out */
typedef struct
{
  InkTrainer *t;
  gint64      start;
  gint64      wall_epoch1;
  double      reported_epoch1;
  gboolean    paused_once;
} PauseRun;

static gpointer
unpause_later (gpointer data)
{
  g_usleep (400000);
  ink_trainer_set_paused (data, FALSE);
  return NULL;
}

static void
pause_events (const InkTrainEvent *ev, gpointer data)
{
  PauseRun *p = data;

  if (ev->kind == INK_EVENT_PHASE && g_str_equal (ev->phase, "training"))
    p->start = g_get_monotonic_time ();
  if (ev->kind == INK_EVENT_PROGRESS && ev->epoch == 1 && !p->paused_once)
    {
      p->paused_once = TRUE;
      ink_trainer_set_paused (p->t, TRUE);
      g_thread_unref (g_thread_new ("unpause", unpause_later, p->t));
    }
  if (ev->kind == INK_EVENT_EPOCH && ev->epoch == 1)
    {
      p->wall_epoch1 = g_get_monotonic_time () - p->start;
      p->reported_epoch1 = ev->record->duration;
    }
}

static void
test_pause_not_counted (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = slow_experiment (INK_SPLIT_OFFICIAL);
  g_autoptr(InkDataset) train = test_synthetic_dataset (4000, 1);
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  PauseRun p = { 0 };

  e->epochs = 1;
  t = ink_trainer_new (e, train, f->test, &error);
  g_assert_no_error (error);
  p.t = t;
  g_assert_true (ink_trainer_run (t, NULL, pause_events, &p, &error));
  g_assert_true (p.paused_once);
  g_test_message ("epoch 1: %.3f s of wall time, %.3f s reported", p.wall_epoch1 / 1e6, p.reported_epoch1);
  /* paused 0.4 s: the reported time leaves (nearly) all of it out */
  g_assert_cmpfloat (p.wall_epoch1 / 1e6 - p.reported_epoch1, >=, 0.35);
}

static void
test_bad_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(GError) error = NULL;
  InkTrainer *t;

  e->net->n_inputs = 100;
  t = ink_trainer_new (e, f->train, f->test, &error);
  g_assert_null (t);
  g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_SETUP);
  g_assert_nonnull (strstr (error->message, "784"));
}

/* strict loading: a checkpoint holding a tensor the network does not use
 * (under any of its four prefixes, or none) is refused, naming it */
static void
test_resume_extra_tensor (Fixture *f, gconstpointer data)
{
  static const char * const extra[] = { "best.layers.3.weight", "params.layers.0.scale", "layers.0.weight" };
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autofree char *ck = g_build_filename (f->dir, "a.ckpt", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "extra.ckpt", NULL);
  g_autoptr(InkTrainer) a = NULL;

  e->epochs = 1;
  a = run (e, f, ck, NULL, NULL, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (extra); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(InkTensorFile) tf = ink_safetensors_load (ck, &error);
      g_autoptr(InkTrainer) t = NULL, ok = NULL;
      gint64 shape[1] = { 3 };
      float v[3] = { 1, 2, 3 };

      g_assert_no_error (error);
      ink_tensor_file_add (tf, extra[i], 1, shape, v);
      g_assert_true (ink_safetensors_save (tf, bad, &error));
      t = ink_trainer_new (e, f->train, f->test, &error);
      g_assert_no_error (error);
      g_assert_false (ink_trainer_resume (t, bad, &error));
      g_assert_error (error, INK_TRAINER_ERROR, INK_TRAINER_ERROR_CHECKPOINT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, extra[i]));
      g_clear_error (&error);

      /* the same file without it resumes */
      ok = ink_trainer_new (e, f->train, f->test, &error);
      g_assert_true (ink_trainer_resume (ok, ck, &error));
      g_assert_no_error (error);
    }
}

/* a checkpoint read as a model: ink_model_load refuses it saying what it
 * is; ink_model_load_any gives the weights the run keeps, those the run
 * saves as its model */
static void
test_checkpoint_as_model (Fixture *f, gconstpointer data)
{
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_MOMENTUM);
  g_autofree char *ck = g_build_filename (f->dir, "a.ckpt", NULL);
  g_autofree char *model = g_build_filename (f->dir, "a.safetensors", NULL);
  g_autoptr(InkTrainer) a = NULL;
  g_autoptr(InkModel) saved = NULL, from_ckpt = NULL, plain = NULL;
  g_autoptr(GError) error = NULL;
  InkCheckpointInfo info;

  a = run (e, f, ck, NULL, NULL, NULL, NULL);
  g_assert_true (ink_trainer_save_model (a, model, &error));
  saved = ink_model_load (model, &error);
  g_assert_no_error (error);

  plain = ink_model_load (ck, &error);
  g_assert_null (plain);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "a.ckpt is a checkpoint of"));
  g_assert_nonnull (strstr (error->message, "4 of 4 epochs done"));
  g_clear_error (&error);

  from_ckpt = ink_model_load_any (ck, &info, &error);
  g_assert_no_error (error);
  g_assert_true (info.is_checkpoint);
  g_assert_cmpuint (info.epochs_done, ==, 4);
  g_assert_false (info.kept_is_last);
  g_assert_cmpuint (info.kept_epoch, ==, ink_trainer_best_epoch (a));
  g_assert_cmpuint (from_ckpt->n_params, ==, saved->n_params);
  g_assert_cmpmem (from_ckpt->params, saved->n_params * sizeof (float),
                   saved->params, saved->n_params * sizeof (float));

  /* a model read with ink_model_load_any says it is none */
  g_clear_pointer (&from_ckpt, ink_model_free);
  from_ckpt = ink_model_load_any (model, &info, &error);
  g_assert_no_error (error);
  g_assert_false (info.is_checkpoint);
}

/* ---- weight averaging --------------------------------------------------- */

/* the weights each epoch's INK_EVENT_WEIGHTS carries (at most 7 epochs) */
static void
keep_epoch_weights (const InkTrainEvent *ev, gpointer data)
{
  float **at = data;

  if (ev->kind == INK_EVENT_WEIGHTS && ev->epoch >= 1 && ev->epoch < 8 && at[ev->epoch] == NULL)
    at[ev->epoch] = g_memdup2 (ev->params, ev->n_params * sizeof (float));
}

/* One step an epoch (the whole training set in one minibatch), so that the
 * average can be written down by hand from the trained weights w0 (the
 * initial ones), w1, w2, w3 of a run without it:
 *   a1 = d1·w0 + (1 - d1)·w1,  d1 = min (D, 2/11)
 *   a2 = d2·a1 + (1 - d2)·w2,  d2 = min (D, 3/12)
 *   a3 = d3·a2 + (1 - d3)·w3,  d3 = min (D, 4/13)
 * The average leaves training alone (the same losses, bit for bit), is
 * what each epoch's weights event carries and what the run keeps, and
 * the scores of its epochs are the average's. */
static void
test_weight_average (Fixture *f, gconstpointer data)
{
  const float D = 0.2f;
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_SGD);
  g_autoptr(InkTrainer) plain = NULL, avg = NULL;
  g_autoptr(GError) error = NULL;
  float *raw[8] = { NULL }, *ev_avg[8] = { NULL };
  g_autofree float *w0 = NULL, *kept = NULL;
  double want[3] = { 2.0 / 11.0, 3.0 / 12.0, 4.0 / 13.0 };
  const InkEpochRecord *hp, *ha;
  gsize n;
  guint np, na;

  e->split.kind = INK_SPLIT_OFFICIAL;     /* the test set validates: the last epoch is kept */
  e->epochs = 3;
  e->batch_size = f->train->n;
  e->optimizer.lr = 0.5f;

  plain = ink_trainer_new (e, f->train, f->test, &error);
  g_assert_no_error (error);
  get_params (plain, &w0, &n);
  ink_trainer_run (plain, NULL, keep_epoch_weights, raw, &error);
  g_assert_no_error (error);

  e->optimizer.ema_decay = D;
  avg = ink_trainer_new (e, f->train, f->test, &error);
  g_assert_no_error (error);
  ink_trainer_run (avg, NULL, keep_epoch_weights, ev_avg, &error);
  g_assert_no_error (error);

  /* training is the same; validation saw other weights */
  hp = ink_trainer_history (plain, &np);
  ha = ink_trainer_history (avg, &na);
  g_assert_cmpuint (np, ==, 3);
  g_assert_cmpuint (na, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (memcmp (&hp[i].train_loss, &ha[i].train_loss, sizeof (double)) == 0);
      g_assert_cmpfloat (hp[i].valid_loss, !=, ha[i].valid_loss);
    }

  get_params (avg, &kept, &n);
  {
    g_autofree double *a = g_new (double, n);
    double worst = 0.0, scale = 0.0;

    for (gsize j = 0; j < n; j++)
      a[j] = w0[j];
    for (guint k = 0; k < 3; k++)
      {
        double d = MIN ((double) D, want[k]);

        for (gsize j = 0; j < n; j++)
          a[j] = d * a[j] + (1.0 - d) * raw[k + 1][j];
        /* the epoch's weights event carries the average */
        for (gsize j = 0; j < n; j++)
          {
            worst = MAX (worst, fabs (ev_avg[k + 1][j] - a[j]));
            scale = MAX (scale, fabs (a[j]));
          }
      }
    g_assert_cmpfloat (scale, >, 0.0);
    g_assert_cmpfloat (worst, <=, 1e-6 * scale);
    /* the kept model is the last average, not the last trained weights */
    g_assert_cmpmem (kept, n * sizeof (float), ev_avg[3], n * sizeof (float));
    g_assert_false (memcmp (kept, raw[3], n * sizeof (float)) == 0);
  }
  for (guint k = 0; k < 8; k++)
    {
      g_free (raw[k]);
      g_free (ev_avg[k]);
    }
}

/* a run with weight averaging stopped and resumed is the run straight
 * through, the average and the kept weights included, for both ways of
 * keeping (best validation; last epoch when the test set validates) */
static void
test_weight_average_resume (Fixture *f, gconstpointer data)
{
  InkSplitKind split = GPOINTER_TO_INT (data);
  g_autoptr(InkExperiment) e = small_experiment (INK_OPT_ADAM);
  g_autofree char *ck = g_build_filename (f->dir, "avg.ckpt", NULL);
  g_autoptr(InkTrainer) full = NULL, part = NULL, resumed = NULL;
  g_autoptr(InkModel) from_ckpt = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *pf = NULL, *pr = NULL;
  InkCheckpointInfo info;
  float *at[8] = { NULL };
  gsize nf, nr;
  guint n;

  e->split.kind = split;
  e->optimizer.ema_decay = 0.9f;
  /* the error reaches its floor early: later epochs do not improve it, and
   * what they keep must still be the average */
  e->monitor = INK_MONITOR_VALID_ERROR;
  full = run (e, f, NULL, NULL, keep_epoch_weights, at, NULL);
  get_params (full, &pf, &nf);
  if (split == INK_SPLIT_OFFICIAL)
    g_assert_cmpmem (pf, nf * sizeof (float), at[4], nf * sizeof (float));
  g_clear_pointer (&pf, g_free);
  e->epochs = 2;
  part = run (e, f, ck, NULL, NULL, NULL, NULL);
  g_assert_cmpuint ((ink_trainer_history (part, &n), n), ==, 2);

  /* the checkpoint opened as a model gives the kept weights: the average's */
  from_ckpt = ink_model_load_any (ck, &info, &error);
  g_assert_no_error (error);
  g_assert_true (info.is_checkpoint);
  get_params (part, &pr, &nr);
  g_assert_cmpmem (from_ckpt->params, from_ckpt->n_params * sizeof (float), pr, nr * sizeof (float));
  g_clear_pointer (&pr, g_free);

  e->epochs = 4;
  resumed = run (e, f, NULL, ck, NULL, NULL, NULL);
  assert_same_history (full, resumed);
  get_params (full, &pf, &nf);
  get_params (resumed, &pr, &nr);
  g_assert_cmpmem (pf, nf * sizeof (float), pr, nr * sizeof (float));
  g_assert_cmpuint (ink_trainer_best_epoch (full), ==, ink_trainer_best_epoch (resumed));
  for (guint k = 0; k < 8; k++)
    g_free (at[k]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/trainer/learns", test_learns, NULL);
  ADD ("/trainer/determinism", test_determinism, NULL);
  ADD ("/trainer/resume/rmsprop", test_resume, GINT_TO_POINTER (INK_OPT_RMSPROP));
  ADD ("/trainer/resume/adam", test_resume, GINT_TO_POINTER (INK_OPT_ADAM));
  ADD ("/trainer/resume/nesterov", test_resume, GINT_TO_POINTER (INK_OPT_NESTEROV));
  ADD ("/trainer/resume/rejects", test_resume_rejects, NULL);
  ADD ("/trainer/diverge", test_diverge, NULL);
  ADD ("/trainer/cancel", test_cancel, NULL);
  ADD ("/trainer/patience", test_patience, NULL);
  ADD ("/trainer/no-improvement", test_no_improvement, NULL);
  ADD ("/trainer/save-model", test_save_model, NULL);
  ADD ("/trainer/bad-setup", test_bad_setup, NULL);
  ADD ("/trainer/diverge/nan-weights-cross-entropy", test_diverge_nan_weights, GINT_TO_POINTER (INK_LOSS_CROSS_ENTROPY));
  ADD ("/trainer/diverge/nan-weights-mse", test_diverge_nan_weights, GINT_TO_POINTER (INK_LOSS_MSE));
  ADD ("/trainer/diverge/cross-entropy-lr", test_diverge_cross_entropy, NULL);
  ADD ("/trainer/stop/mid-epoch-best-validation", test_stop_mid_epoch, GINT_TO_POINTER (INK_SPLIT_RANDOM));
  ADD ("/trainer/stop/mid-epoch-valid-is-test", test_stop_mid_epoch, GINT_TO_POINTER (INK_SPLIT_OFFICIAL));
  ADD ("/trainer/stop/before-first-epoch", test_stop_before_first_epoch, NULL);
  ADD ("/trainer/resume/damaged-state", test_resume_damaged_state, NULL);
  ADD ("/trainer/resume/claims-huge-network", test_checkpoint_claims_huge_network, NULL);
  ADD ("/trainer/pause-not-counted", test_pause_not_counted, NULL);
  ADD ("/trainer/resume/extra-tensor-refused", test_resume_extra_tensor, NULL);
  ADD ("/trainer/checkpoint-as-model", test_checkpoint_as_model, NULL);
  ADD ("/trainer/weight-average/hand-values", test_weight_average, NULL);
  ADD ("/trainer/weight-average/resume-best", test_weight_average_resume, GINT_TO_POINTER (INK_SPLIT_RANDOM));
  ADD ("/trainer/weight-average/resume-last", test_weight_average_resume, GINT_TO_POINTER (INK_SPLIT_OFFICIAL));
  return g_test_run ();
}
