/* test-mnist.c
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

#include <string.h>

#include "ink-evaluate.h"
#include "ink-model.h"
#include "ink-trainer.h"
#include "test-util.h"

/* Short runs on the real MNIST files (skipped, with the reason, when
 * tools/setup-data.sh has not fetched them). */

static InkDataset *train, *test;

static gboolean
have_data (void)
{
  g_autofree char *dir = test_mnist_dir ();
  g_autoptr(GError) error = NULL;

  if (train)
    return TRUE;
  if (dir == NULL)
    {
      g_test_skip ("MNIST not found in the user data folder: run tools/setup-data.sh");
      return FALSE;
    }
  if (!ink_dataset_load_dir (dir, &train, &test, &error))
    g_error ("%s", error->message);
  return TRUE;
}

/* 784-128-10 ReLU with Adam on the first 12000 training images for 5 epochs:
 * must reach at least 94% on the 10000 test images (94.8% here; PyTorch with
 * the same recipe reaches 93.9%). */
static void
test_short_run (void)
{
  g_autoptr(InkExperiment) e = NULL;
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  const InkMetrics *m;
  guint n;
  const InkEpochRecord *h;

  if (!have_data ())
    return;
  e = test_short_run_experiment ();
  g_assert_true (ink_experiment_validate (e, NULL));
  t = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (t, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  h = ink_trainer_history (t, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpfloat (h[4].train_loss, <, h[0].train_loss);
  m = ink_trainer_test_metrics (t, NULL);
  g_assert_cmpuint (m->total, ==, 10000);
  g_test_message ("test accuracy after 5 epochs on 12000 images: %.2f%%", 100 * ink_metrics_accuracy (m));
  g_assert_cmpfloat (ink_metrics_accuracy (m), >=, 0.94);
}

/* the nolearn recipe (identity output, MSE, Nesterov) learns too */
static void
test_mse_run (void)
{
  g_autoptr(InkExperiment) e = NULL;
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  const InkEpochRecord *h;
  guint n;

  if (!have_data ())
    return;
  e = ink_experiment_preset ("nolearn-lasagne", &error);
  g_assert_no_error (error);
  e->epochs = 2;
  e->split.subset = 10000;
  t = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (t, NULL, NULL, NULL, &error));
  h = ink_trainer_history (t, &n);
  g_assert_cmpuint (n, ==, 2);
  /* the seed's valid loss after one epoch on 40000 images is 0.045 */
  g_test_message ("nolearn valid loss: %.5f, %.5f", h[0].valid_loss, h[1].valid_loss);
  g_assert_cmpfloat (h[1].valid_loss, <, h[0].valid_loss);
  g_assert_cmpfloat (h[1].valid_loss, <, 0.065);
  g_assert_cmpfloat (ink_metrics_accuracy (ink_trainer_test_metrics (t, NULL)), >=, 0.65);   /* 72.7% after these 126 small steps */
}

/* LeNet-5 (the preset) on the first 10000 training images for 4 epochs
 * must reach 95% of the 10000 test digits (96.28% here; 94.79% after 3); its saved model,
 * loaded back, gives the same class for every one of the 10000 test
 * images as the trained network, and the same probabilities. */
static void
test_cnn_run (void)
{
  g_autoptr(InkExperiment) e = NULL;
  g_autoptr(InkTrainer) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(InkModel) model = NULL;
  g_autoptr(InkBackend) be = NULL;
  g_autofree char *dir = NULL, *path = NULL;
  g_autofree float *before = NULL, *after = NULL;
  InkNetwork *loaded;
  const InkMetrics *m;
  gsize n;

  if (!have_data ())
    return;
  e = ink_experiment_preset ("lenet-5", &error);
  g_assert_no_error (error);
  e->epochs = 4;
  e->split.subset = 10000;
  t = ink_trainer_new (e, train, test, &error);
  g_assert_no_error (error);
  g_assert_true (ink_trainer_run (t, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  m = ink_trainer_test_metrics (t, NULL);
  g_assert_nonnull (m);
  g_assert_cmpuint (m->total, ==, 10000);
  g_test_message ("lenet-5, 4 epochs on 10000 images: %.2f%% of the 10000 test digits",
                  100 * ink_metrics_accuracy (m));
  g_assert_cmpfloat (ink_metrics_accuracy (m), >=, 0.95);

  dir = g_dir_make_tmp ("inkling-mnist-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "lenet.safetensors", NULL);
  g_assert_true (ink_trainer_save_model (t, path, &error));
  g_assert_no_error (error);
  model = ink_model_load (path, &error);
  g_assert_no_error (error);
  be = ink_backend_cpu_new ();
  loaded = ink_model_network (model, be, INK_EVAL_BATCH, &error);
  g_assert_no_error (error);

  n = (gsize) test->n * 10;
  before = g_new (float, n);
  after = g_new (float, n);
  g_assert_true (ink_evaluate_dataset (ink_trainer_network (t), ink_trainer_norm (t), test,
                                       before, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ink_evaluate_dataset (loaded, &model->norm, test, after, NULL, NULL, &error));
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (after[i], before[i], 1e-6);
  ink_network_free (loaded);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mnist/short-run", test_short_run);
  g_test_add_func ("/mnist/mse-run", test_mse_run);
  g_test_add_func ("/mnist/cnn-run", test_cnn_run);
  ret = g_test_run ();
  g_clear_pointer (&train, ink_dataset_free);
  g_clear_pointer (&test, ink_dataset_free);
  return ret;
}
