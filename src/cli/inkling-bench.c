/* inkling-bench.c
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
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>

#include "ink-dataset.h"
#include "ink-experiment.h"
#include "ink-openblas.h"
#include "ink-rng.h"
#include "ink-trainer.h"

/* `inkling-cli bench`: times epochs of keras-mnist-mlp at batch 128 and,
 * in the same process, the same sequence of OpenBLAS products alone (the
 * floor: the GEMMs of one training step with the shapes and transposes the
 * network issues, times the steps of an epoch).  Prints both and the ratio. */

/* shared with inkling-cli.c */
gboolean ink_cli_parse_options (GOptionContext *ctx, int *argc, char ***argv, int *status);
void     ink_cli_fail          (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *a)
{
  g_array_sort (a, cmp_double);
  if (a->len == 0)
    return NAN;
  if (a->len % 2)
    return g_array_index (a, double, a->len / 2);
  return 0.5 * (g_array_index (a, double, a->len / 2 - 1) + g_array_index (a, double, a->len / 2));
}

/* One epoch of the network's matrix products, nothing else, through the
 * backend's gemm (OpenBLAS on the CPU, cuBLAS on a GPU) on buffers in the
 * backend's memory; the clock stops after the backend has finished. */
static double
floor_epoch (InkBackend *be, const InkNetSpec *spec, int batch, guint n_train, float **w,
             float **act, float **delta, float *x, float **dw, GError **error)
{
  const InkBackendOps *ops = be->ops;
  guint steps = (n_train + batch - 1) / batch;
  gint64 t0;

  if (!ops->sync (be, error))
    return NAN;
  t0 = g_get_monotonic_time ();
  for (guint s = 0; s < steps; s++)
    {
      int rows = (int) MIN ((guint) batch, n_train - s * batch);
      int in = spec->n_inputs;
      const float *prev = x;
      for (int l = 0; l < spec->n_layers; l++)
        {
          int out = spec->layers[l].units;
          ops->gemm (be, FALSE, TRUE, rows, out, in, 1.0f, prev, in, w[l], in, 0.0f, act[l], out);
          prev = act[l];
          in = out;
        }
      for (int l = spec->n_layers - 1; l >= 0; l--)
        {
          int out = spec->layers[l].units;
          int lin = l ? spec->layers[l - 1].units : spec->n_inputs;
          const float *xin = l ? act[l - 1] : x;
          ops->gemm (be, TRUE, FALSE, out, lin, rows, 1.0f, delta[l], out, xin, lin, 0.0f, dw[l], lin);
          if (l > 0)
            ops->gemm (be, FALSE, FALSE, rows, lin, out, 1.0f, delta[l], out, w[l], lin, 0.0f,
                       delta[l - 1], lin);
        }
    }
  if (!ops->sync (be, error))
    return NAN;
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* n floats in the backend's memory, uniform in [lo, lo + span) */
static float *
random_floats (InkBackend *be, InkRng *rng, gsize n, float lo, float span, GError **error)
{
  g_autofree float *host = g_new (float, MAX (n, 1));
  float *mem = ink_backend_alloc_floats (be, n, error);

  if (mem == NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    host[i] = lo + span * ink_rng_uniform (rng);
  be->ops->upload (be, mem, host, sizeof (float) * n);
  return mem;
}

static double
flops_per_epoch (const InkNetSpec *spec, guint n_train)
{
  double per_sample = 0;
  int in = spec->n_inputs;
  for (int l = 0; l < spec->n_layers; l++)
    {
      int out = spec->layers[l].units;
      per_sample += 2.0 * in * out * (l ? 3 : 2);
      in = out;
    }
  return per_sample * n_train;
}

int
ink_cli_bench (int argc, char **argv)
{
  int epochs = 5, floor_runs = 5, batch = 128;
  g_autofree char *data = NULL, *preset = NULL, *device = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, N_("Training epochs to time (default 5)"), N_("N") },
    { "floor-runs", 0, 0, G_OPTION_ARG_INT, &floor_runs, N_("Floor epochs to time (default 5)"), N_("N") },
    { "batch-size", 'b', 0, G_OPTION_ARG_INT, &batch, N_("Minibatch size (default 128)"), N_("N") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset, N_("Preset to time (default keras-mnist-mlp)"), N_("NAME") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data, N_("mnist, fashion-mnist, or a folder holding the IDX files or a CSV pair"), N_("DATA") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, N_("cpu, cuda or auto (default: the preset's)"), N_("DEVICE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— time training epochs against the sgemm floor"));
  g_autoptr(GError) error = NULL;
  g_autoptr(InkExperiment) exp = NULL;
  g_autoptr(InkDataset) train = NULL, test = NULL;
  g_autoptr(InkTrainer) trainer = NULL;
  g_autoptr(GArray) ep = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) fl = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *dir = NULL, *blas = NULL;
  float *x = NULL;
  float *w[64] = { 0 }, *act[64] = { 0 }, *delta[64] = { 0 }, *dw[64] = { 0 };
  InkBackend *be = NULL;
  int ret = 1;
  const InkEpochRecord *hist;
  const InkMetrics *m;
  guint n_hist, n_train;
  double ep_med, fl_med, flops;
  struct rusage ru;
  InkRng rng;

  g_set_prgname ("bench");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!ink_cli_parse_options (ctx, &argc, &argv, &ret))
    return ret;
  if (argc > 1)
    {
      ink_cli_fail ("unexpected argument “%s” (see “inkling-cli bench --help”)", argv[1]);
      return 2;
    }
  if (epochs < 1 || floor_runs < 1 || batch < 1 || batch > 65536)
    {
      ink_cli_fail ("--epochs and --floor-runs must be at least 1, --batch-size 1 to 65536");
      return 2;
    }
  if ((data && !data[0]) || (preset && !preset[0]))
    {
      ink_cli_fail ("%s was given an empty value (see “inkling-cli bench --help”)",
                    data && !data[0] ? "--data" : "--preset");
      return 2;
    }
  {
    g_auto(GStrv) names = ink_experiment_list_presets ();

    if (preset && !g_strv_contains ((const char * const *) names, preset))
      {
        g_autofree char *list = g_strjoinv (", ", names);
        ink_cli_fail ("--preset: there is no preset “%s”; the presets are %s", preset, list);
        return 2;
      }
  }
  ret = 1;
  exp = ink_experiment_preset (preset ? preset : "keras-mnist-mlp", &error);
  if (exp == NULL)
    goto fail;
  if (exp->net->n_layers > 64)
    {
      ink_cli_fail ("too many layers for the bench");
      return 1;
    }
  exp->epochs = (guint) epochs;
  exp->batch_size = (guint) batch;
  if (device != NULL)
    {
      if (g_strcmp0 (device, "cpu") != 0 && g_strcmp0 (device, "cuda") != 0 &&
          g_strcmp0 (device, "auto") != 0)
        {
          ink_cli_fail ("--device must be cpu, cuda or auto");
          return 2;
        }
      g_free (exp->device);
      exp->device = g_strdup (device);
    }
  if (!(dir = ink_dataset_resolve (data, exp->dataset, &error)) ||
      !ink_dataset_load_dir (dir, &train, &test, &error) ||
      !(trainer = ink_trainer_new (exp, train, test, &error)))
    goto fail;
  n_train = ink_trainer_split (trainer)->n_train;

  /* the floor's buffers, in the trainer's backend, filled with small
   * random numbers (no denormals) */
  be = ink_trainer_network (trainer)->be;
  ink_enable_ftz ();
  ink_rng_init (&rng, 7);
  if (!(x = random_floats (be, &rng, (gsize) batch * exp->net->n_inputs, 0.0f, 1.0f, &error)))
    goto fail;
  {
    int in = exp->net->n_inputs;
    for (int l = 0; l < exp->net->n_layers; l++)
      {
        int out = exp->net->layers[l].units;
        gsize nw = (gsize) out * in;
        if (!(w[l] = random_floats (be, &rng, nw, -0.5f, 1.0f, &error)) ||
            !(dw[l] = random_floats (be, &rng, nw, 0.0f, 0.0f, &error)) ||
            !(act[l] = random_floats (be, &rng, (gsize) batch * out, 0.0f, 0.0f, &error)) ||
            !(delta[l] = random_floats (be, &rng, (gsize) batch * MAX (out, in), -5e-3f, 1e-2f, &error)))
          goto fail;
        in = out;
      }
  }

  blas = ink_openblas_describe ();
  flops = flops_per_epoch (exp->net, n_train);
  if (!json)
    {
      printf ("bench: %s, batch %d, %u training images, %.2f GFLOP of matrix products per epoch\n",
              exp->name, batch, n_train, flops / 1e9);
      printf ("blas: %s\n", blas);
      printf ("device: %s\n\n", ink_trainer_network (trainer)->be->device_name);
    }

  /* floor before and after the training epochs, so both see the same machine */
  for (int i = 0; i < (floor_runs + 1) / 2; i++)
    {
      double s = floor_epoch (be, exp->net, batch, n_train, w, act, delta, x, dw, &error);
      if (isnan (s))
        goto fail;
      g_array_append_val (fl, s);
      if (!json)
        printf ("floor   run %d: %.3f s  (%.1f GFLOP/s)\n", fl->len, s, flops / s / 1e9);
    }
  if (!ink_trainer_run (trainer, NULL, NULL, NULL, &error))
    goto fail;
  hist = ink_trainer_history (trainer, &n_hist);
  for (guint i = 0; i < n_hist; i++)
    {
      g_array_append_val (ep, hist[i].train_duration);
      if (!json)
        printf ("epoch %3u: %.3f s training pass (%.3f s with validation), train loss %.4f, valid acc %.2f%%\n",
                hist[i].epoch, hist[i].train_duration, hist[i].duration, hist[i].train_loss,
                100 * hist[i].valid_acc);
    }
  for (int i = (floor_runs + 1) / 2; i < floor_runs; i++)
    {
      double s = floor_epoch (be, exp->net, batch, n_train, w, act, delta, x, dw, &error);
      if (isnan (s))
        goto fail;
      g_array_append_val (fl, s);
      if (!json)
        printf ("floor   run %d: %.3f s  (%.1f GFLOP/s)\n", fl->len, s, flops / s / 1e9);
    }

  m = ink_trainer_test_metrics (trainer, NULL);
  getrusage (RUSAGE_SELF, &ru);
  ep_med = median (ep);
  fl_med = median (fl);
  if (json)
    printf ("{\"preset\":\"%s\",\"batch\":%d,\"epochs\":%u,\"epoch_median_s\":%.4f,\"floor_median_s\":%.4f,"
            "\"ratio\":%.3f,\"test_accuracy\":%.4f,\"peak_rss_mb\":%.1f,\"core\":\"%s\"}\n",
            exp->name, batch, n_hist, ep_med, fl_med, ep_med / fl_med, ink_metrics_accuracy (m),
            ru.ru_maxrss / 1024.0, ink_openblas_core ());
  else
    {
      printf ("\nmedian training epoch: %.3f s   median sgemm floor: %.3f s   ratio %.2f\n",
              ep_med, fl_med, ep_med / fl_med);
      printf ("test accuracy after %u epochs: %.2f%%   peak RSS: %.1f MB\n",
              n_hist, 100 * ink_metrics_accuracy (m), ru.ru_maxrss / 1024.0);
    }
  ret = 0;

fail:
  if (ret != 0)
    ink_cli_fail ("%s", error->message);
  if (be != NULL)
    {
      for (int l = 0; l < 64; l++)
        {
          float *bufs[] = { w[l], dw[l], act[l], delta[l] };
          for (guint k = 0; k < G_N_ELEMENTS (bufs); k++)
            if (bufs[k] != NULL)
              be->ops->free (be, bufs[k]);
        }
      if (x != NULL)
        be->ops->free (be, x);
    }
  return ret;
}
