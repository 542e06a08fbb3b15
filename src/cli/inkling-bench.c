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

/* inkling-cli bench: epochs of a preset (keras-mnist-mlp unless told)
 * timed against the floor of their bare OpenBLAS products. */

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

#include "inkling-cli.h"

/* `inkling-cli bench`: times epochs of a preset (keras-mnist-mlp unless
 * told) at batch 128 and, in the same process, the same sequence of
 * OpenBLAS products alone (the floor: the GEMMs of one training step with
 * the shapes and transposes the network issues — a convolution's in its
 * im2col form — times the steps of an epoch).  Prints both and the ratio. */

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

/* One matrix product of a training step: C [m, n] = op(A) · op(B) with
 * op(A) [m, k] and op(B) [k, n], transposed as the network issues it. */
typedef struct
{
  gboolean ta, tb;
  int      m, n, k;
} Product;

/* The products of one step on `rows` samples, in the order the network
 * issues them: forward layer by layer, then backward (the weight gradient
 * and, below the first layer, the gradient of the layer's input).  A dense
 * layer multiplies [rows, in] by Wᵀ; a convolution is W [F, C·kh·kw] times
 * its columns [C·kh·kw, rows·oh·ow] (the im2col form; the gathering itself
 * is not a product and is not counted).  Pooling and batch norm have no
 * products.  Returns the count (at most 3 per layer). */
static int
step_products (const InkNetSpec *spec, const InkLayerShape *sh, int rows, Product *p)
{
  int n = 0;

  for (int l = 0; l < spec->n_layers; l++)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      int in = (int) sh[l].n_inputs;

      if (ls->kind == INK_LAYER_DENSE)
        p[n++] = (Product) { FALSE, TRUE, rows, ls->units, in };
      else if (ls->kind == INK_LAYER_CONV2D)
        p[n++] = (Product) { FALSE, FALSE, ls->filters, rows * sh[l].height * sh[l].width,
                             sh[l].in_channels * ls->kernel_h * ls->kernel_w };
    }
  for (int l = spec->n_layers - 1; l >= 0; l--)
    {
      const InkLayerSpec *ls = &spec->layers[l];
      int in = (int) sh[l].n_inputs;

      if (ls->kind == INK_LAYER_DENSE)
        {
          p[n++] = (Product) { TRUE, FALSE, ls->units, in, rows };
          if (l > 0)
            p[n++] = (Product) { FALSE, FALSE, rows, in, ls->units };
        }
      else if (ls->kind == INK_LAYER_CONV2D)
        {
          int K = sh[l].in_channels * ls->kernel_h * ls->kernel_w;
          int P = rows * sh[l].height * sh[l].width;

          p[n++] = (Product) { FALSE, TRUE, ls->filters, K, P };
          if (l > 0)
            p[n++] = (Product) { TRUE, FALSE, K, P, ls->filters };
        }
    }
  return n;
}

/* One epoch of the network's matrix products, nothing else, through the
 * backend's gemm (OpenBLAS on the CPU, cuBLAS on a GPU) on buffers in the
 * backend's memory; the clock stops after the backend has finished. */
static double
floor_epoch (InkBackend *be, const InkNetSpec *spec, const InkLayerShape *sh, int batch,
             guint n_train, float *a, float *b, float *c, GError **error)
{
  const InkBackendOps *ops = be->ops;
  guint steps = (n_train + batch - 1) / batch;
  g_autofree Product *p = g_new (Product, 3 * spec->n_layers);
  gint64 t0;

  if (!ops->sync (be, error))
    return NAN;
  t0 = g_get_monotonic_time ();
  for (guint s = 0; s < steps; s++)
    {
      int rows = (int) MIN ((guint) batch, n_train - s * batch);
      int n = step_products (spec, sh, rows, p);

      for (int i = 0; i < n; i++)
        ops->gemm (be, p[i].ta, p[i].tb, p[i].m, p[i].n, p[i].k, 1.0f,
                   a, p[i].ta ? p[i].m : p[i].k, b, p[i].tb ? p[i].k : p[i].n,
                   0.0f, c, p[i].n);
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

/* the floating-point operations of one epoch's products (2·m·n·k each) */
static double
flops_per_epoch (const InkNetSpec *spec, const InkLayerShape *sh, int batch, guint n_train)
{
  g_autofree Product *p = g_new (Product, 3 * spec->n_layers);
  guint steps = (n_train + batch - 1) / batch;
  double total = 0;

  for (guint s = 0; s < steps; s++)
    {
      int rows = (int) MIN ((guint) batch, n_train - s * batch);
      int n = step_products (spec, sh, rows, p);

      for (int i = 0; i < n; i++)
        total += 2.0 * p[i].m * p[i].n * (double) p[i].k;
    }
  return total;
}

#define BENCH_MAX_LAYERS INK_MAX_LAYERS

/* One `inkling-cli bench`: its flags, the trainer it times, and the
 * floor's buffers in the trainer's backend */
typedef struct
{
  int            epochs, floor_runs, batch;
  char          *data, *preset, *device;
  gboolean       json;
  InkExperiment *exp;
  InkDataset    *train, *test;
  InkTrainer    *trainer;
  guint          n_train;
  double         flops;         /* of the matrix products of one epoch */
  InkBackend    *be;            /* the trainer's, once the floor's buffers are made */
  InkLayerShape *shapes;        /* the network's, one per layer */
  float         *a, *b, *c;     /* the products' operands and result, big enough for each */
  GArray        *ep, *fl;       /* seconds per training epoch, per floor epoch */
} Bench;

static void
bench_clear (Bench *b)
{
  if (b->be != NULL)
    {
      float *bufs[] = { b->a, b->b, b->c };

      for (guint k = 0; k < G_N_ELEMENTS (bufs); k++)
        if (bufs[k] != NULL)
          b->be->ops->free (b->be, bufs[k]);
    }
  g_clear_pointer (&b->shapes, g_free);
  g_clear_pointer (&b->fl, g_array_unref);
  g_clear_pointer (&b->ep, g_array_unref);
  g_clear_pointer (&b->trainer, ink_trainer_free);
  g_clear_pointer (&b->test, ink_dataset_free);
  g_clear_pointer (&b->train, ink_dataset_free);
  g_clear_pointer (&b->exp, ink_experiment_free);
  g_free (b->data);
  g_free (b->preset);
  g_free (b->device);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bench, bench_clear)

/* Step 1: the flags, parsed and checked.  FALSE: return *status (--help,
 * --version or a usage error, already printed). */
static gboolean
bench_parse_options (Bench *b, int argc, char **argv, int *status)
{
  GOptionEntry entries[] = {
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &b->epochs, N_("Training epochs to time (default 5)"), N_("N") },
    { "floor-runs", 0, 0, G_OPTION_ARG_INT, &b->floor_runs, N_("Floor epochs to time (default 5)"), N_("N") },
    { "batch-size", 'b', 0, G_OPTION_ARG_INT, &b->batch, N_("Minibatch size (default 128)"), N_("N") },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &b->preset, N_("Preset to time (default keras-mnist-mlp)"), N_("NAME") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &b->data, N_("mnist, fashion-mnist, or a folder holding the IDX files or a CSV pair"), N_("DATA") },
    { "device", 0, 0, G_OPTION_ARG_STRING, &b->device, N_("cpu, cuda or auto (default: the preset's)"), N_("DEVICE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &b->json, N_("Print the result as one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("— time training epochs against the sgemm floor"));
  g_auto(GStrv) names = NULL;

  g_set_prgname ("bench");
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!ink_cli_parse_options (ctx, &argc, &argv, status))
    return FALSE;
  *status = 2;
  if (argc > 1)
    {
      ink_cli_fail ("unexpected argument “%s” (see “inkling-cli bench --help”)", argv[1]);
      return FALSE;
    }
  if (b->epochs < 1 || b->floor_runs < 1 || b->batch < 1 || b->batch > INK_MAX_BATCH_SIZE)
    {
      ink_cli_fail ("--epochs and --floor-runs must be at least 1, --batch-size 1 to " G_STRINGIFY (INK_MAX_BATCH_SIZE));
      return FALSE;
    }
  if ((b->data && !b->data[0]) || (b->preset && !b->preset[0]))
    {
      ink_cli_fail ("%s was given an empty value (see “inkling-cli bench --help”)",
                    b->data && !b->data[0] ? "--data" : "--preset");
      return FALSE;
    }
  names = ink_experiment_list_all_presets ();
  if (b->preset && !g_strv_contains ((const char * const *) names, b->preset))
    {
      g_autofree char *list = g_strjoinv (", ", names);
      ink_cli_fail ("--preset: there is no preset “%s”; the presets are %s", b->preset, list);
      return FALSE;
    }
  return TRUE;
}

/* Step 2: the preset, with the flags over it.  FALSE: return *status (the
 * error is printed). */
static gboolean
bench_load_experiment (Bench *b, int *status)
{
  g_autoptr(GError) error = NULL;

  *status = 1;
  b->exp = ink_experiment_preset (b->preset ? b->preset : "keras-mnist-mlp", &error);
  if (b->exp == NULL)
    {
      ink_cli_fail ("%s", error->message);
      return FALSE;
    }
  if (b->exp->net->n_layers > BENCH_MAX_LAYERS)
    {
      ink_cli_fail ("too many layers for the bench");
      return FALSE;
    }
  b->exp->epochs = (guint) b->epochs;
  b->exp->batch_size = (guint) b->batch;
  if (b->device != NULL)
    {
      if (g_strcmp0 (b->device, "cpu") != 0 && g_strcmp0 (b->device, "cuda") != 0 &&
          g_strcmp0 (b->device, "auto") != 0)
        {
          ink_cli_fail ("--device must be cpu, cuda or auto");
          *status = 2;
          return FALSE;
        }
      g_free (b->exp->device);
      b->exp->device = g_strdup (b->device);
    }
  return TRUE;
}

/* Step 3: the data and the trainer */
static gboolean
bench_load_data (Bench *b, GError **error)
{
  g_autofree char *dir = NULL;

  if (!(dir = ink_dataset_resolve (b->data, b->exp->dataset, error)) ||
      !ink_dataset_load_dir (dir, &b->train, &b->test, error) ||
      !(b->trainer = ink_trainer_new (b->exp, b->train, b->test, error)))
    return FALSE;
  b->n_train = ink_trainer_split (b->trainer)->n_train;
  return TRUE;
}

/* Step 4: the floor's buffers, in the trainer's backend, each as large as
 * the largest operand of its kind, filled with small random numbers (no
 * denormals) */
static gboolean
bench_make_floor (Bench *b, GError **error)
{
  const InkNetSpec *net = b->exp->net;
  g_autofree Product *p = g_new (Product, 3 * net->n_layers);
  gsize na = 1, nb = 1, nc = 1;
  InkRng rng;
  int n;

  b->shapes = g_new0 (InkLayerShape, net->n_layers);
  if (!ink_net_spec_shapes (net, b->shapes, error))
    return FALSE;
  n = step_products (net, b->shapes, b->batch, p);
  for (int i = 0; i < n; i++)
    {
      na = MAX (na, (gsize) p[i].m * p[i].k);
      nb = MAX (nb, (gsize) p[i].k * p[i].n);
      nc = MAX (nc, (gsize) p[i].m * p[i].n);
    }
  b->be = ink_trainer_network (b->trainer)->be;
  ink_enable_ftz ();
  ink_rng_init (&rng, 7);
  return (b->a = random_floats (b->be, &rng, na, -0.5f, 1.0f, error)) != NULL &&
         (b->b = random_floats (b->be, &rng, nb, -5e-3f, 1e-2f, error)) != NULL &&
         (b->c = random_floats (b->be, &rng, nc, 0.0f, 0.0f, error)) != NULL;
}

/* what is timed, on what */
static void
bench_print_header (Bench *b)
{
  g_autofree char *blas = ink_openblas_describe ();

  b->flops = flops_per_epoch (b->exp->net, b->shapes, b->batch, b->n_train);
  if (b->json)
    return;
  printf ("bench: %s, batch %d, %u training images, %.2f GFLOP of matrix products per epoch\n",
          b->exp->name, b->batch, b->n_train, b->flops / 1e9);
  printf ("blas: %s\n", blas);
  printf ("device: %s\n\n", ink_trainer_network (b->trainer)->be->device_name);
}

/* floor runs from to to (counted from 0) */
static gboolean
bench_time_floor (Bench *b, int from, int to, GError **error)
{
  for (int i = from; i < to; i++)
    {
      double s = floor_epoch (b->be, b->exp->net, b->shapes, b->batch, b->n_train, b->a, b->b, b->c,
                              error);
      if (isnan (s))
        return FALSE;
      g_array_append_val (b->fl, s);
      if (!b->json)
        printf ("floor   run %d: %.3f s  (%.1f GFLOP/s)\n", b->fl->len, s, b->flops / s / 1e9);
    }
  return TRUE;
}

/* the training epochs, each timed by the trainer */
static gboolean
bench_time_training (Bench *b, GError **error)
{
  const InkEpochRecord *hist;
  guint n_hist;

  if (!ink_trainer_run (b->trainer, NULL, NULL, NULL, error))
    return FALSE;
  hist = ink_trainer_history (b->trainer, &n_hist);
  for (guint i = 0; i < n_hist; i++)
    {
      g_array_append_val (b->ep, hist[i].train_duration);
      if (!b->json)
        printf ("epoch %3u: %.3f s training pass (%.3f s with validation), train loss %.4f, valid acc %.2f%%\n",
                hist[i].epoch, hist[i].train_duration, hist[i].duration, hist[i].train_loss,
                100 * hist[i].valid_acc);
    }
  return TRUE;
}

/* the medians, their ratio, the test accuracy and the peak memory */
static void
bench_print_result (Bench *b)
{
  const InkMetrics *m = ink_trainer_test_metrics (b->trainer, NULL);
  guint n_hist = b->ep->len;
  double ep_med, fl_med;
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  ep_med = median (b->ep);
  fl_med = median (b->fl);
  if (b->json)
    printf ("{\"preset\":\"%s\",\"batch\":%d,\"epochs\":%u,\"epoch_median_s\":%.4f,\"floor_median_s\":%.4f,"
            "\"ratio\":%.3f,\"test_accuracy\":%.4f,\"peak_rss_mb\":%.1f,\"core\":\"%s\"}\n",
            b->exp->name, b->batch, n_hist, ep_med, fl_med, ep_med / fl_med, ink_metrics_accuracy (m),
            ru.ru_maxrss / 1024.0, ink_openblas_core ());
  else
    {
      printf ("\nmedian training epoch: %.3f s   median sgemm floor: %.3f s   ratio %.2f\n",
              ep_med, fl_med, ep_med / fl_med);
      printf ("test accuracy after %u epochs: %.2f%%   peak RSS: %.1f MB\n",
              n_hist, 100 * ink_metrics_accuracy (m), ru.ru_maxrss / 1024.0);
    }
}

int
ink_cli_bench (int argc, char **argv)
{
  g_auto(Bench) b = {
    .epochs = 5, .floor_runs = 5, .batch = 128,
    .ep = g_array_new (FALSE, FALSE, sizeof (double)),
    .fl = g_array_new (FALSE, FALSE, sizeof (double)),
  };
  g_autoptr(GError) error = NULL;
  int status = 1;
  int half;

  if (!bench_parse_options (&b, argc, argv, &status) || !bench_load_experiment (&b, &status))
    return status;
  if (!bench_load_data (&b, &error) || !bench_make_floor (&b, &error))
    {
      ink_cli_fail ("%s", error->message);
      return 1;
    }
  bench_print_header (&b);
  /* floor before and after the training epochs, so both see the same machine */
  half = (b.floor_runs + 1) / 2;
  if (!bench_time_floor (&b, 0, half, &error) ||
      !bench_time_training (&b, &error) ||
      !bench_time_floor (&b, half, b.floor_runs, &error))
    {
      ink_cli_fail ("%s", error->message);
      return 1;
    }
  bench_print_result (&b);
  return 0;
}
