/* bench-train.c
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

/* keras-mnist-cnn epochs through Inkling's own trainer (the code
 * `inkling-cli train` runs), printing each epoch's training pass alone (the
 * trainer's train_duration: shuffle, forward, backward, update; the
 * validation pass left out, as the PyTorch peer times it), the test
 * accuracy and the peak RSS (`inkling-cli bench --preset keras-mnist-cnn`
 * times whole epochs against its own product list).  Run by hand:
 *   ninja -C _build bench/bench-train
 *   _build/bench/bench-train [--epochs 1] [--preset keras-mnist-cnn] [--subset N]
 * (bench/cnn/compare.sh runs it next to PyTorch and the floor). */

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>

#include "ink-dataset.h"
#include "ink-experiment.h"
#include "ink-metrics.h"
#include "ink-openblas.h"
#include "ink-trainer.h"

int
main (int argc, char **argv)
{
  int epochs = 1, subset = 0;
  const char *preset = "keras-mnist-cnn";
  GOptionEntry entries[] = {
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, "Epochs (default 1)", "N" },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset, "Preset (default keras-mnist-cnn)", "NAME" },
    { "subset", 0, 0, G_OPTION_ARG_INT, &subset, "Only the first N training and test images", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— time a preset's training epochs");
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(InkDataset) train = NULL;
  g_autoptr(InkDataset) test = NULL;
  g_autoptr(InkTrainer) trainer = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *blas = NULL;
  const InkEpochRecord *hist;
  struct rusage ru;
  double sum = 0.0, best = G_MAXDOUBLE;
  guint n_hist;

  ink_openblas_reexec_if_needed (argv);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || epochs < 1 || subset < 0)
    {
      fprintf (stderr, "bench-train: %s\n", error != NULL ? error->message : "bad value");
      return 2;
    }
  if (!(exp = ink_experiment_preset (preset, &error)))
    goto fail;
  exp->epochs = (guint) epochs;
  if (subset > 0)
    exp->split.subset = (guint) subset;
  if (!(dir = ink_dataset_resolve (NULL, exp->dataset, &error)) ||
      !ink_dataset_load_dir (dir, &train, &test, &error) ||
      !(trainer = ink_trainer_new (exp, train, test, &error)))
    goto fail;

  blas = ink_openblas_describe ();
  printf ("%s, batch %u, %u training images; blas: %s; OMP_WAIT_POLICY=%s\n", preset,
          exp->batch_size, ink_trainer_split (trainer)->n_train, blas,
          g_getenv ("OMP_WAIT_POLICY") ? g_getenv ("OMP_WAIT_POLICY") : "(unset)");
  fflush (stdout);
  if (!ink_trainer_run (trainer, NULL, NULL, NULL, &error))
    goto fail;
  hist = ink_trainer_history (trainer, &n_hist);
  for (guint i = 0; i < n_hist; i++)
    {
      printf ("epoch %3u: %.3f s training pass (%.3f s with validation), train loss %.4f, "
              "valid acc %.2f%%\n", hist[i].epoch, hist[i].train_duration, hist[i].duration,
              hist[i].train_loss, 100 * hist[i].valid_acc);
      sum += hist[i].train_duration;
      best = MIN (best, hist[i].train_duration);
    }
  getrusage (RUSAGE_SELF, &ru);
  printf ("{\"preset\":\"%s\",\"epochs\":%u,\"train_s_mean\":%.3f,\"train_s_min\":%.3f,"
          "\"test_accuracy\":%.4f,\"peak_rss_mb\":%.1f}\n", preset, n_hist,
          sum / MAX (n_hist, 1), best,
          ink_metrics_accuracy (ink_trainer_test_metrics (trainer, NULL)), ru.ru_maxrss / 1024.0);
  return 0;

fail:
  fprintf (stderr, "bench-train: %s\n", error->message);
  return 1;
}
