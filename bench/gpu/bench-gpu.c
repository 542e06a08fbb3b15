/* bench-gpu.c
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

/* Standalone timings of the backend ops and of whole training steps of the
 * keras-mnist-mlp shape (784-512-512-10, dropout 0.2) on random data.
 * Built only when asked for, in a build with the CUDA backend:
 *
 *   meson setup _build-cuda -Dcuda=enabled
 *   ninja -C _build-cuda bench/bench-gpu
 *   _build-cuda/bench/bench-gpu [cuda|cpu] [--tf32] [--batch N]
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ink-backend.h"
#include "ink-network.h"
#include "ink-optimizer.h"
#include "ink-rng.h"
#ifdef INK_HAVE_CUDA
#include "ink-backend-cuda.h"
#endif

static InkBackend *be;

static void
sync_or_die (void)
{
  GError *error = NULL;

  if (!be->ops->sync (be, &error))
    {
      g_printerr ("backend failure: %s\n", error->message);
      exit (1);
    }
}

static gpointer
alloc_or_die (gsize bytes)
{
  GError *error = NULL;
  gpointer p = be->ops->alloc (be, bytes, &error);

  if (p == NULL)
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  return p;
}

static float *
random_device_floats (InkRng *rng,
                      gsize   n)
{
  float *h = g_new (float, n);
  float *d = alloc_or_die (n * sizeof (float));

  for (gsize i = 0; i < n; i++)
    h[i] = 2.0f * ink_rng_uniform (rng) - 1.0f;
  be->ops->upload (be, d, h, n * sizeof (float));
  g_free (h);
  return d;
}

/* seconds per call of fn, after warm-up, over at least ~0.3 s */
typedef void (*BenchFn) (gpointer data);

static double
time_it (BenchFn  fn,
         gpointer data)
{
  gint64 t0, t1;
  int reps = 1;

  for (int i = 0; i < 3; i++)
    fn (data);
  sync_or_die ();
  for (;;)
    {
      t0 = g_get_monotonic_time ();
      for (int i = 0; i < reps; i++)
        fn (data);
      sync_or_die ();
      t1 = g_get_monotonic_time ();
      if (t1 - t0 > 300000 || reps >= (1 << 20))
        break;
      reps *= 4;
    }
  return (t1 - t0) / 1e6 / reps;
}

typedef struct
{
  gboolean ta, tb;
  int m, n, k;
  float *a, *b, *c;
} GemmJob;

static void
gemm_fn (gpointer data)
{
  GemmJob *j = data;
  int lda = j->ta ? j->m : j->k, ldb = j->tb ? j->k : j->n;

  be->ops->gemm (be, j->ta, j->tb, j->m, j->n, j->k, 1.0f, j->a, lda, j->b, ldb, 0.0f, j->c, j->n);
}

static void
bench_gemm (InkRng *rng, const char *what, gboolean ta, gboolean tb, int m, int n, int k)
{
  GemmJob j = { ta, tb, m, n, k, NULL, NULL, NULL };
  double s;

  j.a = random_device_floats (rng, (gsize) m * k);
  j.b = random_device_floats (rng, (gsize) k * n);
  j.c = alloc_or_die ((gsize) m * n * sizeof (float));
  s = time_it (gemm_fn, &j);
  printf ("  gemm %-22s %c%c %5d×%5d×%5d  %9.2f µs  %8.1f GFLOP/s\n", what,
          ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, s * 1e6, 2.0 * m * n * k / s / 1e9);
  be->ops->free (be, j.a);
  be->ops->free (be, j.b);
  be->ops->free (be, j.c);
}

typedef struct
{
  InkOptParams p;
  float *w, *g, *s1, *s2;
  gsize n;
  int row_len;
} UpdateJob;

static void
update_fn (gpointer data)
{
  UpdateJob *j = data;

  be->ops->update (be, &j->p, j->w, j->g, j->s1, j->s2, j->n, j->row_len);
}

typedef struct
{
  InkNetwork *net;
  InkOptimizer *opt;
  InkDevData *data;
  guint32 *idx;
  float *x;
  gint32 *labels;
  double *acc;
  int batch;
  int n_batches;
  int b;
  guint64 iteration;
} StepJob;

static void
step_fn (gpointer data)
{
  StepJob *j = data;
  InkNetwork *net = j->net;
  const InkAffine aff = { 1.0f / 255.0f, 0.0f };
  float *out;

  be->ops->gather (be, j->data, j->idx + (gsize) j->b * j->batch, j->batch, aff, j->x, j->labels);
  out = ink_network_forward (net, j->x, j->batch, TRUE, 1234, j->iteration++);
  be->ops->loss (be, net->spec->loss, out, j->labels, j->batch, 10,
                 net->delta[net->spec->n_layers - 1], j->acc);
  ink_network_backward (net, j->x, j->batch, FALSE);
  ink_optimizer_step (j->opt, 0.001f);
  j->b = (j->b + 1) % j->n_batches;
}

int
main (int   argc,
      char *argv[])
{
  const char *name = "cuda";
  gboolean tf32 = FALSE;
  int batch = 128;
  GError *error = NULL;
  InkRng rng;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--tf32") == 0)
        tf32 = TRUE;
      else if (strcmp (argv[i], "--batch") == 0 && i + 1 < argc)
        {
          batch = atoi (argv[++i]);
          batch = MAX (batch, 1);
        }
      else
        name = argv[i];
    }

  be = ink_backend_new (name, &error);
  if (be == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 77;
    }
#ifdef INK_HAVE_CUDA
  if (ink_backend_is_cuda (be))
    ink_backend_cuda_set_tf32 (be, tf32);
#endif
  printf ("%s%s, batch %d\n", be->device_name, tf32 ? " [TF32]" : "", batch);
  ink_rng_init (&rng, 1);

  printf ("products of a 784-512-512-10 step:\n");
  bench_gemm (&rng, "Y = X·Wᵀ (784→512)", FALSE, TRUE, batch, 512, 784);
  bench_gemm (&rng, "dW = dYᵀ·X (784→512)", TRUE, FALSE, 512, 784, batch);
  bench_gemm (&rng, "Y = X·Wᵀ (512→512)", FALSE, TRUE, batch, 512, 512);
  bench_gemm (&rng, "dX = dY·W (512→512)", FALSE, FALSE, batch, 512, 512);
  bench_gemm (&rng, "square", FALSE, FALSE, 4096, 4096, 4096);

  {
    UpdateJob j;

    memset (&j, 0, sizeof j);

    j.n = (gsize) 512 * 784;
    j.row_len = 784;
    j.w = random_device_floats (&rng, j.n);
    j.g = random_device_floats (&rng, j.n);
    j.s1 = alloc_or_die (j.n * sizeof (float));
    j.s2 = alloc_or_die (j.n * sizeof (float));
    j.p.lr = 1e-3f;
    j.p.momentum = 0.9f;
    j.p.rho = 0.9f;
    j.p.beta1 = 0.9f;
    j.p.beta2 = 0.999f;
    j.p.eps = 1e-7f;
    j.p.step = 1;
    printf ("optimizer update of %" G_GSIZE_FORMAT " weights:\n", j.n);
    for (int k = INK_OPT_SGD; k < INK_OPT_N_KINDS; k++)
      for (int mn = 0; mn < 2; mn++)
        {
          double s;

          j.p.kind = k;
          j.p.max_norm = mn ? 3.0f : 0.0f;
          s = time_it (update_fn, &j);
          printf ("  %-9s%-12s %9.2f µs\n", ink_optimizer_kind_to_string (k), mn ? " max_norm" : "", s * 1e6);
        }
    be->ops->free (be, j.w);
    be->ops->free (be, j.g);
    be->ops->free (be, j.s1);
    be->ops->free (be, j.s2);
  }

  {
    const guint n_items = 60000, dim = 784;
    InkLayerSpec layers[3] = {
      { 512, INK_ACT_RELU, 0.2f },
      { 512, INK_ACT_RELU, 0.2f },
      { 10, INK_ACT_SOFTMAX, 0.0f },
    };
    InkNetSpec spec = { 0 };
    InkOptimizerSpec ospec;
    guint8 *images = g_new (guint8, (gsize) n_items * dim);
    guint8 *labels = g_new (guint8, n_items);
    guint32 *idx = g_new (guint32, n_items);
    StepJob j = { 0 };
    double s;

    for (gsize i = 0; i < (gsize) n_items * dim; i++)
      images[i] = (guint8) ink_rng_below (&rng, 256);
    for (guint i = 0; i < n_items; i++)
      {
        labels[i] = (guint8) ink_rng_below (&rng, 10);
        idx[i] = i;
      }
    ink_rng_shuffle (&rng, idx, n_items);

    spec.n_inputs = dim;
    spec.n_layers = 3;
    spec.layers = layers;
    spec.loss = INK_LOSS_CROSS_ENTROPY;
    spec.init = INK_INIT_GLOROT_UNIFORM;
    spec.leaky_slope = 0.01f;
    ink_optimizer_spec_defaults (&ospec, INK_OPT_ADAM);

    j.net = ink_network_new (&spec, be, batch, &error);
    if (j.net == NULL)
      {
        g_printerr ("%s\n", error->message);
        return 1;
      }
    ink_network_init_params (j.net, 42);
    j.opt = ink_optimizer_new (&ospec, j.net, &error);
    g_assert_no_error (error);
    j.data = be->ops->data_upload (be, images, labels, n_items, dim, &error);
    g_assert_no_error (error);
    j.idx = alloc_or_die (sizeof (guint32) * n_items);
    be->ops->upload (be, j.idx, idx, sizeof (guint32) * n_items);
    j.x = alloc_or_die (sizeof (float) * batch * dim);
    j.labels = alloc_or_die (sizeof (gint32) * batch);
    j.acc = alloc_or_die (2 * sizeof (double));
    j.batch = batch;
    j.n_batches = n_items / batch;

    s = time_it (step_fn, &j);
    printf ("training step 784-512-512-10 (dropout 0.2, adam), batch %d:\n"
            "  %9.2f µs per step, %.0f samples/s, %.2f s per 60000-image epoch\n",
            batch, s * 1e6, batch / s, s * j.n_batches);

    be->ops->free (be, j.idx);
    be->ops->free (be, j.x);
    be->ops->free (be, j.labels);
    be->ops->free (be, j.acc);
    be->ops->data_free (be, j.data);
    ink_optimizer_free (j.opt);
    ink_network_free (j.net);
    g_free (images);
    g_free (labels);
    g_free (idx);
  }

  sync_or_die ();
  ink_backend_free (be);
  return 0;
}
